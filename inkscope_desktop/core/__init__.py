"""Plain-Python core: request and result types, prompts, image loading, the blank guard (no Qt, no torch)."""
