"""Inkscope Desktop: a local, streaming screen describer for blind and low-vision people."""

__version__ = "0.1.0"
