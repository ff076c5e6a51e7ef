"""Support for tests and benchmarks: tiny and full-size random Qwen2-VL models built offline."""
