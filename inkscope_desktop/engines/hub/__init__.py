"""The model's files: where it is (hub id or folder), whether it is complete, and resumable downloads."""
