"""A conversation about one image (or video clip): the first caption and the follow-up questions in its context."""

from __future__ import annotations

import copy
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

    @property
    def source(self) -> str:
        return self._template.source

    @property
    def memory_bytes(self) -> int:
        """About how much memory its pictures take: the image, or a recording's frames (a video file: none)."""
        pictures = [self._template.image] if self._template.image is not None else []
        video = self._template.video
        if video is not None and video.frames:
            pictures += list(video.frames)
        return sum(picture.width * picture.height * len(picture.getbands()) for picture in pictures)

    def request(self, prompt: str) -> CaptionRequest:
        """The request for ``prompt`` asked after every recorded turn, in the conversation's language."""
        return replace(self._template, prompt=with_language(prompt, self._language), history=self.turns)

    def follow_ups(self) -> tuple[tuple[str, str], ...]:
        """The questions asked after the caption, as they were typed, with their answers."""
        suffix = with_language("", self._language)
        return tuple((turn.prompt[:-len(suffix)].strip() if suffix and turn.prompt.endswith(suffix) else turn.prompt,
                      turn.answer) for turn in self._turns[1:])

    def restarted(self) -> Conversation:
        """The same image and settings with no turns yet (its caption is asked for again)."""
        fresh = copy.copy(self)
        fresh._turns = []
        return fresh

    def drop_last_turn(self, request: CaptionRequest) -> bool:
        """Forget the last turn if it answered ``request`` (it is being asked again); whether one was dropped."""
        if self._turns and len(self._turns) > 1 and self._turns[-1].prompt == request.prompt:
            self._turns.pop()
            return True
        return False

    def record(self, request: CaptionRequest, answer: str) -> None:
        """Add a finished turn, so the next request carries it as context."""
        self._turns.append(Turn(prompt=request.prompt, answer=answer.strip()))
