"""Prompt presets, reply language, and the chat messages a Qwen2-VL model is asked with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inkscope_desktop.core.errors import InkscopeError

if TYPE_CHECKING:
    from inkscope_desktop.core.types import CaptionRequest

#: The model card's own prompt: the fine-tune was trained on exactly this text, so it stays verbatim.
DETAILED_PROMPT = "Generate a detailed caption for this image."

PRESETS: dict[str, str] = {
    "detailed": DETAILED_PROMPT,
    "brief": "Describe this image in one or two short sentences.",
    "text": (
        "Read all of the visible text in this image exactly as written, in reading order "
        "(top to bottom, left to right). Keep line breaks between separate lines. "
        "Do not describe or summarise; if there is no text, say so."
    ),
    "screen": (
        "This is a screenshot. Describe it for a blind user: say which application or web page it is, "
        "then the main regions from top to bottom, then the focused or most important controls and any "
        "message, dialog or error, and read the important text exactly."
    ),
}

DEFAULT_PRESET = "detailed"

#: What a video is asked when no preset or question is chosen.
VIDEO_PROMPT = "Describe this video in detail."

#: The smallest frame size a video frame is scaled up to (4 visual tokens), so small clips stay small.
VIDEO_MIN_PIXELS = 4 * 28 * 28


def preset_prompt(name: str) -> str:
    """The prompt text of a preset; an unknown name is a one-line error listing the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise InkscopeError(f"Unknown prompt preset {name!r}.", f"Choose one of: {known}.") from None


def with_language(prompt: str, language: str | None) -> str:
    """Ask for the answer in ``language`` (a name such as "German"); no language leaves the prompt as is."""
    language = (language or "").strip()
    if not language:
        return prompt
    return f"{prompt} Answer in {language}."


def build_messages(request: "CaptionRequest") -> list[dict[str, Any]]:
    """The conversation in the chat format of Qwen2-VL's model card.

    The image goes in the first user message, before that message's text, with the detail level's pixel
    limits; earlier turns follow as user/assistant pairs, then this turn's prompt. A video request carries
    a video item instead, in qwen-vl-utils' keys (path, ``video_start``/``video_end``, ``fps``,
    ``max_frames``, per-frame pixel limits); the engine decides how its frames are read.
    """
    image_item = _video_item(request) if request.video is not None else {
        "type": "image",
        "image": request.image,
        "min_pixels": request.detail.min_pixels,
        "max_pixels": request.detail.max_pixels,
    }
    prompts = [turn.prompt for turn in request.history] + [request.prompt]
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [image_item, {"type": "text", "text": prompts[0]}]}
    ]
    for turn, next_prompt in zip(request.history, prompts[1:], strict=True):
        messages.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
        messages.append({"role": "user", "content": [{"type": "text", "text": next_prompt}]})
    return messages


def _video_item(request: "CaptionRequest") -> dict[str, Any]:
    clip = request.video
    assert clip is not None
    item: dict[str, Any] = {
        "type": "video",
        "video": clip.path,
        "video_start": clip.start_s,
        "fps": clip.fps,
        "max_frames": clip.max_frames,
        "min_pixels": VIDEO_MIN_PIXELS,
        "max_pixels": clip.frame_max_pixels,
    }
    if clip.end_s is not None:
        item["video_end"] = clip.end_s
    return item
