"""Caption engines: the ABC, the transformers Qwen2-VL engine and a fake engine."""
