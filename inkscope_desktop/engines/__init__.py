"""Caption engines: the ``CaptionEngine`` ABC (``base``: ``availability_problem``, ``load``, ``stream``); the engines
as data (``registry``: their names, the CLI's --engine choices, and ``create_engine``); the null engine that takes the
place of one that cannot run here and fails its load with the reason (``unavailable``); the fake engine for demos
and tests; and three families: ``local`` (Qwen2-VL through transformers, its GPU fast path, batches and videos),
``hub`` (where the model is and resumable downloads) and ``remote`` (an OpenAI-compatible server and its API key)."""
