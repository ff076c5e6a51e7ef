"""Prompt presets, reply language, the chat messages and the conversation that carries follow-ups."""

from __future__ import annotations

import pytest
from PIL import Image

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.prompts import PRESETS, build_messages, preset_prompt, with_language
from inkscope_desktop.core.types import Detail


def test_detailed_preset_is_the_model_cards_prompt_verbatim():
    assert preset_prompt("detailed") == "Generate a detailed caption for this image."


def test_every_preset_is_known_and_distinct():
    assert set(PRESETS) == {"detailed", "brief", "text", "screen"}
    assert len(set(PRESETS.values())) == 4
    assert "blind" in PRESETS["screen"]
    assert "reading order" in PRESETS["text"]


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(InkscopeError, match="detailed, brief, text, screen"):
        preset_prompt("poem")


def test_language_is_appended_only_when_given():
    assert with_language("Describe.", None) == "Describe."
    assert with_language("Describe.", "  ") == "Describe."
    assert with_language("Describe.", "French") == "Describe. Answer in French."


def test_messages_put_the_image_first_with_the_detail_pixel_limits():
    image = Image.new("RGB", (10, 10))
    request = Conversation(image, detail=Detail.LOW).request("Describe.")
    (message,) = build_messages(request)
    assert message["role"] == "user"
    image_item, text_item = message["content"]
    assert image_item == {"type": "image", "image": image, "min_pixels": 3136, "max_pixels": 640 * 784}
    assert text_item == {"type": "text", "text": "Describe."}


def test_follow_up_messages_alternate_and_carry_the_image_once():
    conversation = Conversation(Image.new("RGB", (10, 10)), language="German")
    first = conversation.request("Describe.")
    conversation.record(first, "  Ein Hund.  ")
    second = conversation.request("What breed?")
    conversation.record(second, "Ein Pudel.")
    third = conversation.request("Is it happy?")
    messages = build_messages(third)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user"]
    assert sum(item["type"] == "image" for m in messages for item in m["content"]) == 1
    assert messages[1]["content"][0]["text"] == "Ein Hund."
    assert messages[2]["content"][0]["text"] == "What breed? Answer in German."
    assert messages[4]["content"][0]["text"] == "Is it happy? Answer in German."
    assert len(conversation.turns) == 2


def test_detail_levels_grow_and_keep_a_720p_screen_native_at_normal():
    assert Detail.LOW.max_pixels < Detail.NORMAL.max_pixels < Detail.HIGH.max_pixels
    assert 1288 * 728 <= Detail.NORMAL.max_pixels  # 1280x720 rounded to 28-px multiples
    assert 1932 * 1092 <= Detail.HIGH.max_pixels  # 1920x1080 likewise
