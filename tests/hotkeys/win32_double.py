"""A stand-in for user32's hotkey calls, with the rules Windows applies: one message queue per thread, a
hotkey belongs to the thread that registered it, and a chord another program registered is refused."""

from __future__ import annotations

import queue
import threading

from inkscope_desktop.hotkeys.win32_hotkeys import (ERROR_HOTKEY_ALREADY_REGISTERED, MOD_NOREPEAT, WM_HOTKEY,
                                                    WM_QUIT)


class FakeUser32:
    """``Win32HotkeyApi`` without Windows. ``held_elsewhere`` holds (modifiers, vk) another program registered;
    ``press(modifiers, vk)`` is a user pressing a chord: WM_HOTKEY goes to the registering thread's queue."""

    def __init__(self, held_elsewhere: set[tuple[int, int]] = frozenset()) -> None:
        self.held_elsewhere = set(held_elsewhere)
        self.registered: dict[int, tuple[int, int, int]] = {}  # id -> (modifiers, vk, thread id)
        self.calls: list[tuple[str, int]] = []
        self._queues: dict[int, queue.Queue[tuple[int, int]]] = {}
        self._lock = threading.Lock()

    def prepare_queue(self) -> int:
        thread_id = threading.get_ident()
        with self._lock:
            self._queues[thread_id] = queue.Queue()
        return thread_id

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        with self._lock:
            self.calls.append(("register", hotkey_id))
            if (modifiers & ~MOD_NOREPEAT, vk) in self.held_elsewhere:
                return ERROR_HOTKEY_ALREADY_REGISTERED
            if hotkey_id in self.registered or any(entry[:2] == (modifiers, vk) for entry in self.registered.values()):
                return ERROR_HOTKEY_ALREADY_REGISTERED
            self.registered[hotkey_id] = (modifiers, vk, threading.get_ident())
            return 0

    def unregister(self, hotkey_id: int) -> None:
        with self._lock:
            self.calls.append(("unregister", hotkey_id))
            entry = self.registered.get(hotkey_id)
            if entry is None or entry[2] != threading.get_ident():
                raise AssertionError("UnregisterHotKey from a thread that did not register the hotkey fails")
            del self.registered[hotkey_id]

    def next_message(self) -> tuple[int, int] | None:
        message = self._queues[threading.get_ident()].get(timeout=10)
        return None if message[0] == WM_QUIT else message

    def post(self, thread_id: int, message: int, wparam: int = 0) -> None:
        self._queues[thread_id].put((message, wparam))

    def press(self, modifiers: int, vk: int) -> bool:
        """The user presses a chord; True when one of the registered hotkeys took it."""
        with self._lock:
            found = [(hotkey_id, entry[2]) for hotkey_id, entry in self.registered.items()
                     if entry[0] & ~MOD_NOREPEAT == modifiers and entry[1] == vk]
        for hotkey_id, thread_id in found:
            self.post(thread_id, WM_HOTKEY, hotkey_id)
        return bool(found)
