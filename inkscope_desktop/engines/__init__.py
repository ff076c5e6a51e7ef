"""Caption engines: the ``CaptionEngine`` ABC (``base``), the engine registry (``registry``: the engines as data, and
the null ``UnavailableEngine`` where one cannot run), the fake engine for demos and tests, and three families:
``local`` (Qwen2-VL through transformers, its GPU fast path, batches and videos), ``hub`` (where the model is and
resumable downloads) and ``remote`` (an OpenAI-compatible server and its API key)."""
