"""A stand-in for Windows' ``winreg`` module with the calls autostart uses, keeping keys in a dict.

It follows winreg's documented behaviour where autostart depends on it: opening a missing key, reading or
deleting a missing value raise FileNotFoundError; handles are context managers; access rights are checked.
"""

from __future__ import annotations

from typing import Any

HKEY_CURRENT_USER = 0x80000001
KEY_READ = 0x20019
KEY_SET_VALUE = 0x0002
REG_SZ = 1


class FakeWinreg:
    HKEY_CURRENT_USER = HKEY_CURRENT_USER
    KEY_READ = KEY_READ
    KEY_SET_VALUE = KEY_SET_VALUE
    REG_SZ = REG_SZ

    def __init__(self) -> None:
        self.keys: dict[tuple[int, str], dict[str, tuple[Any, int]]] = {}

    def OpenKey(self, root: int, sub_key: str, reserved: int = 0, access: int = KEY_READ) -> _Handle:  # noqa: N802
        if (root, sub_key.lower()) not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return _Handle(self.keys[(root, sub_key.lower())], access)

    def CreateKeyEx(self, root: int, sub_key: str, reserved: int = 0, access: int = KEY_SET_VALUE) -> _Handle:  # noqa: N802
        return _Handle(self.keys.setdefault((root, sub_key.lower()), {}), access)

    def QueryValueEx(self, handle: _Handle, name: str) -> tuple[Any, int]:  # noqa: N802
        handle.require(KEY_READ)
        if name not in handle.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return handle.values[name]

    def SetValueEx(self, handle: _Handle, name: str, reserved: int, kind: int, value: Any) -> None:  # noqa: N802
        handle.require(KEY_SET_VALUE)
        handle.values[name] = (value, kind)

    def DeleteValue(self, handle: _Handle, name: str) -> None:  # noqa: N802
        handle.require(KEY_SET_VALUE)
        if name not in handle.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del handle.values[name]


class _Handle:
    def __init__(self, values: dict[str, tuple[Any, int]], access: int) -> None:
        self.values = values
        self.access = access

    def require(self, right: int) -> None:
        if self.access & right != right:
            raise PermissionError(5, "Access is denied")

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass
