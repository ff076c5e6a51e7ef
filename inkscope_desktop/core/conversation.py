"""A conversation about one image (or video clip): the first caption and the follow-up questions in its context."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from inkscope_desktop.core.prompts import with_language
from inkscope_desktop.core.types import CaptionRequest, Detail, Sampling, Turn, VideoClip

if TYPE_CHECKING:
    from PIL import Image


class Conversation:
    """Keeps the image and every finished turn, and builds the request for the next question.

    The caller asks ``request(prompt)``, streams it through an engine, then calls ``record(prompt, answer)``
    with the answer it got; a cancelled or failed turn is simply not recorded. With ``video`` given (and
    ``image`` None) every question is about that clip.
    """

    def __init__(
        self,
        image: "Image.Image | None",
        *,
        video: VideoClip | None = None,
        subject: str = "image",
        source: str = "",
        detail: Detail = Detail.NORMAL,
        language: str | None = None,
        max_new_tokens: int = 512,
        sampling: Sampling | None = None,
    ) -> None:
        self._template = CaptionRequest(
            image=image,
            prompt="",
            detail=detail,
            max_new_tokens=max_new_tokens,
            sampling=sampling or Sampling(),
            subject=subject,
            source=source,
            video=video,
        )
        self._language = language
        self._turns: list[Turn] = []

    @property
    def image(self) -> "Image.Image | None":
        return self._template.image

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(self._turns)

    def request(self, prompt: str) -> CaptionRequest:
        """The request for ``prompt`` asked after every recorded turn, in the conversation's language."""
        return replace(self._template, prompt=with_language(prompt, self._language), history=self.turns)

    def record(self, request: CaptionRequest, answer: str) -> None:
        """Add a finished turn, so the next request carries it as context."""
        self._turns.append(Turn(prompt=request.prompt, answer=answer.strip()))
