"""One macOS framework call that answers yes or no, through ctypes (used for the permission checks)."""

from __future__ import annotations


def framework_says(framework: str, function_name: str) -> bool:
    """``function_name()`` of ``framework`` (a C function with no arguments returning a Boolean); True where the
    framework or the function does not exist (another system, or a macOS from before that permission)."""
    import ctypes
    import ctypes.util

    path = ctypes.util.find_library(framework)
    if path is None:
        return True
    function = getattr(ctypes.cdll.LoadLibrary(path), function_name, None)
    if function is None:
        return True
    function.restype = ctypes.c_bool
    return bool(function())
