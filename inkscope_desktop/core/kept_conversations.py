"""The conversations of this run's captions, kept in memory so that a caption recalled from the history can be asked
about again: bounded by a count and a byte limit, oldest first out, never written to disk."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from inkscope_desktop.core.conversation import Conversation


class KeptConversations:
    """At most ``max_count`` conversations whose pictures take at most ``max_bytes`` together; the one used least
    recently goes first. ``max_count`` 0 keeps none. Not thread-safe: the GUI thread owns it."""

    def __init__(self, max_count: int, max_bytes: int) -> None:
        self._kept: OrderedDict[Hashable, Conversation] = OrderedDict()
        self._bytes = 0
        self.max_count, self.max_bytes = max_count, max_bytes

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def keep(self, key: Hashable, conversation: Conversation) -> None:
        """Keep ``conversation`` under ``key`` (the newest); older ones go while the limits are passed. One that
        alone is larger than ``max_bytes`` is not kept."""
        self.forget(key)
        if conversation.memory_bytes > self.max_bytes or self.max_count <= 0:
            return
        self._kept[key] = conversation
        self._bytes += conversation.memory_bytes
        self._trim()

    def get(self, key: Hashable) -> Conversation | None:
        """The conversation kept under ``key`` (now the most recently used), or None."""
        conversation = self._kept.get(key)
        if conversation is not None:
            self._kept.move_to_end(key)
        return conversation

    def forget(self, key: Hashable) -> None:
        conversation = self._kept.pop(key, None)
        if conversation is not None:
            self._bytes -= conversation.memory_bytes

    def clear(self) -> None:
        self._kept.clear()
        self._bytes = 0

    def resize(self, max_count: int, max_bytes: int) -> None:
        """New limits (the settings changed); what no longer fits goes at once."""
        self.max_count, self.max_bytes = max_count, max_bytes
        self._trim()

    def _trim(self) -> None:
        while self._kept and (len(self._kept) > self.max_count or self._bytes > self.max_bytes):
            _key, oldest = self._kept.popitem(last=False)
            self._bytes -= oldest.memory_bytes
