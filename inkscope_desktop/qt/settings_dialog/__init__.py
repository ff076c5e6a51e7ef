"""The settings dialog: one tab per settings group; it only edits a ``Settings`` and hands it back."""
