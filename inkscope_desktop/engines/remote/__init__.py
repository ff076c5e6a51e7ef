"""The remote engine: an OpenAI-compatible chat server (vLLM, SGLang, llama.cpp, Ollama), its API key and check."""
