"""The local engine: Qwen2-VL through transformers on this computer (GPU fast path, batches, videos).

Nothing here imports torch or transformers at import time; they load inside the engine's ``load``.
"""
