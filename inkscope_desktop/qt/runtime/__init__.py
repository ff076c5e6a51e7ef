"""The GUI's plumbing: crossing threads, caption job handles, the action registry, the engine in use."""
