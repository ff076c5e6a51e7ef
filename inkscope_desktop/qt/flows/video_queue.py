"""The video queue: dropped, pasted or opened video files, described one after another in parts."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.prompts import VIDEO_PROMPT
from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.core.video import clip_segments, format_time
from inkscope_desktop.qt.widgets.images import pil_to_qimage
from inkscope_desktop.settings import VideoSettings

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

log = logging.getLogger(__name__)

#: Said after a video's caption: follow-up questions are allowed and look at the whole clip again.
FOLLOW_UP_NOTE = "Follow-up questions about this video look at the whole clip again."


class VideoInfo(Protocol):
    """What a probe tells of a video file."""

    @property
    def duration_s(self) -> float: ...


def _probe(path: str) -> VideoInfo:
    from inkscope_desktop.engines.local.video_reader import probe_video  # PyAV loads only once a video comes

    return probe_video(path)


def start_video_caption(describe: DescribeFlow, window: CaptionWindow, clip: VideoClip, label: str, prompt: str,
                        status: str, *, segment_s: float | None = None,
                        thumbnail: Image.Image | None = None) -> CaptionJob:
    """Describe ``clip`` (in parts of ``segment_s`` seconds when given) and say ``status`` once it is asked;
    follow-up questions ask about the whole clip again, with the caption as context."""
    options = describe.options
    conversation = Conversation(None, video=clip, subject="video", source=label, detail=options.detail,
                                language=options.language, max_new_tokens=options.max_new_tokens)
    request = conversation.request(prompt)
    if segment_s is not None:  # a file: described in parts; follow-ups look at the whole clip at once
        request = replace(request, video=replace(clip, segment_s=float(segment_s)))
    image = pil_to_qimage(thumbnail, max_side=96) if thumbnail is not None else None
    job = describe.describe_video(conversation, request, label, image)
    window.set_status(status, announce=False)
    window.notify(status)
    job.finished.connect(
        lambda _result: window.set_status(f"{window.status_text()} {FOLLOW_UP_NOTE}", announce=False))
    return job


class VideoQueue(QObject):
    """Describes the video files it is given in order; everything here runs on the GUI thread.

    Each file is probed first (a bad one is a one-line error in the status line, announced, and the next one
    starts), then described in parts of ``settings.segment_s`` seconds, each part streamed after its time range.
    The queue listens to the handle of each video's job: when it finishes or fails the next video starts; when it
    is stopped (Stop speaking, or a new description took its place), or the user has asked for anything else
    meanwhile, the videos still waiting are dropped.
    ``probe(path)`` checks a file.
    """

    def __init__(self, describe: DescribeFlow, window: CaptionWindow, settings: VideoSettings | None = None, *,
                 probe: Callable[[str], VideoInfo] = _probe) -> None:
        super().__init__(window)
        self._describe = describe
        self._window = window
        self._probe = probe
        self.settings = settings or VideoSettings()
        self._waiting: deque[str] = deque()  # dropped videos still to describe, in order
        self._is_in_series = False  # the video being described came with others (its name is said)
        self._asked_at = 0  # the describe flow's request count once the current video was asked for
        window.videos_received.connect(self.describe_files)

    def use(self, settings: VideoSettings) -> None:
        """Use ``settings`` from the next video on (a settings listener)."""
        self.settings = settings

    @property
    def waiting(self) -> tuple[str, ...]:
        return tuple(self._waiting)

    def describe_files(self, paths: Sequence[str]) -> None:
        """Describe the videos in ``paths`` one after another, in order (any that were waiting are dropped)."""
        self._waiting = deque(paths)
        self._next_file()

    def _next_file(self) -> None:
        while self._waiting:
            path = self._waiting.popleft()
            try:
                info = self._probe(path)
            except InkscopeError as error:
                self._window.show_error(error.user_text)
                continue
            self._start(path, info)
            return
        self._is_in_series = False

    def _start(self, path: str, info: VideoInfo) -> None:
        settings = self.settings
        clip = VideoClip(path, end_s=info.duration_s, fps=settings.fps, max_frames=settings.max_frames,
                         frame_max_pixels=settings.frame_max_pixels)
        parts = len(clip_segments(replace(clip, segment_s=float(settings.segment_s))))
        how = f" in {parts} parts of up to {settings.segment_s} seconds" if parts > 1 else ""
        more = f" {len(self._waiting)} more waiting." if self._waiting else ""
        name = f" {Path(path).name}" if more or self._is_in_series else ""
        self._is_in_series = bool(self._waiting)
        status = f"Describing the video{name} ({format_time(info.duration_s)} long){how}.{more}"
        job = start_video_caption(self._describe, self._window, clip, path, VIDEO_PROMPT, status,
                                  segment_s=settings.segment_s)
        self._asked_at = self._describe.request_count
        job.finished.connect(self._go_on)
        job.failed.connect(self._go_on)  # the model failed on this video: the next one still gets its turn
        job.stopped.connect(self._waiting.clear)

    def _go_on(self, _outcome: object) -> None:
        if self._waiting:
            QTimer.singleShot(0, self, self._continue)  # after every listener has seen this job end

    def _continue(self) -> None:
        if self._describe.request_count != self._asked_at:  # the user asked for something else meanwhile
            self._waiting.clear()
            return
        self._next_file()
