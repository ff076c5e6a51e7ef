"""Kept conversations: bounded by a count and a byte limit, the least recently used out first."""

from __future__ import annotations

from PIL import Image

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.kept_conversations import KeptConversations
from inkscope_desktop.core.types import VideoClip


def conversation(width: int, height: int = 10) -> Conversation:
    return Conversation(Image.new("RGB", (width, height)))


def test_the_count_limit_drops_the_least_recently_used():
    kept = KeptConversations(max_count=2, max_bytes=10**9)
    first, second, third = conversation(10), conversation(20), conversation(30)
    kept.keep(1, first)
    kept.keep(2, second)
    assert kept.get(1) is first  # now the most recently used
    kept.keep(3, third)
    assert kept.get(2) is None and kept.get(1) is first and kept.get(3) is third and len(kept) == 2


def test_the_byte_limit_counts_pixels_and_a_picture_too_large_alone_is_not_kept():
    kept = KeptConversations(max_count=10, max_bytes=100 * 10 * 3 * 2)  # two 100x10 RGB images
    for key in range(3):
        kept.keep(key, conversation(100))
    assert kept.get(0) is None and len(kept) == 2 and kept.bytes_used == 6000
    kept.keep("huge", conversation(1000))
    assert kept.get("huge") is None and len(kept) == 2
    frames = tuple(Image.new("RGB", (10, 10)) for _ in range(4))
    recording = Conversation(None, video=VideoClip(frames=frames, frames_fps=2.0), subject="video")
    assert recording.memory_bytes == 4 * 300
    assert Conversation(None, video=VideoClip("clip.mp4"), subject="video").memory_bytes == 0


def test_new_limits_apply_at_once_and_zero_keeps_none():
    kept = KeptConversations(max_count=5, max_bytes=10**9)
    for key in range(5):
        kept.keep(key, conversation(10))
    kept.resize(2, 10**9)
    assert len(kept) == 2 and kept.get(4) is not None and kept.get(2) is None
    kept.resize(0, 10**9)
    assert len(kept) == 0 and kept.bytes_used == 0
    kept.keep(9, conversation(10))
    assert kept.get(9) is None
