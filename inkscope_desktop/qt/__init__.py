"""The Qt user interface: the only package that may import PySide6."""
