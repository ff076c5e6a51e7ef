"""The video flow: dropped or opened video files, and "describe the last seconds of the screen", to the controller."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from inkscope_desktop.capture.recorder import ScreenRecorder
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.prompts import VIDEO_PROMPT
from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.core.video import clip_segments, format_time
from inkscope_desktop.qt.flows.capture_flow import HIDE_FOR_CAPTURE_MS, bring_to_front
from inkscope_desktop.qt.widgets.images import pil_to_qimage
from inkscope_desktop.settings import VideoSettings

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.qt.flows.controller import AppController

log = logging.getLogger(__name__)

#: What the model is asked about a screen recording.
RECENT_SCREEN_PROMPT = "Describe what happens on the screen in this recording, in order."
#: Said after a video's caption: follow-up questions are allowed and look at the whole clip again.
FOLLOW_UP_NOTE = "Follow-up questions about this video look at the whole clip again."
#: Actions after which the dropped videos still waiting are not described.
_REPLACING_ACTIONS = frozenset({Action.DESCRIBE_SCREEN, Action.DESCRIBE_WINDOW, Action.DESCRIBE_REGION,
                                Action.DESCRIBE_CLIPBOARD, Action.DESCRIBE_RECENT_SCREEN, Action.STOP_SPEAKING})
#: A little longer than the recording, so its last frame is in.
RECORD_MARGIN_MS = 250


def _probe(path: str) -> Any:
    from inkscope_desktop.engines.local.video_reader import probe_video  # PyAV loads only once a video comes

    return probe_video(path)


class VideoFlow(QObject):
    """Starts video captions through ``controller``; everything here runs on the GUI thread.

    A video file is probed first (a bad one is a one-line error in the status line, announced), then
    described in parts of ``settings.segment_s`` seconds, each part streamed after its time range.
    "Describe the last seconds of the screen" describes the frames a rolling :class:`ScreenRecorder` holds
    when ``settings.keep_recent`` is on, or else records the next ``settings.recent_seconds`` first
    ("Recording N seconds"). Frames stay in memory only. Follow-up questions are allowed: they ask about the
    whole clip again, with the caption as context (the status line says so once the caption is done).

    ``grab()`` returns a screenshot (called on the recorder's thread); ``probe(path)`` checks a file.
    """

    def __init__(self, controller: "AppController", window: "CaptionWindow", grab: Callable[[], "Image.Image"],
                 settings: VideoSettings | None = None, *, probe: Callable[[str], Any] = _probe) -> None:
        super().__init__(window)
        self._controller = controller
        self._window = window
        self._grab = grab
        self._probe = probe
        self.settings = settings or VideoSettings()
        self._rolling: ScreenRecorder | None = None
        self._one_shot: ScreenRecorder | None = None
        self._is_video_caption = False
        self._waiting: deque[str] = deque()  # dropped videos still to describe, in order
        self._is_in_series = False  # the video being described came with others (its name is said)
        self._is_starting = False
        self._hid_window = False  # the caption window was hidden for a recording of the next seconds
        self._record_timer = QTimer(self, singleShot=True)
        self._record_timer.timeout.connect(self._recording_done)
        controller.action_handlers[Action.DESCRIBE_RECENT_SCREEN] = self.describe_recent_screen
        window.videos_received.connect(self.describe_files)
        controller.caption_started.connect(self._other_caption_started)
        controller.caption_finished.connect(self._caption_finished)
        controller.caption_stopped.connect(self._waiting.clear)
        controller.error_shown.connect(self._caption_failed)
        controller.stop_speaking.connect(self.cancel_recording)
        controller.action_received.connect(self._action_received)

    @property
    def is_recording(self) -> bool:
        """Whether the next seconds are being recorded for a description."""
        return self._record_timer.isActive()

    @property
    def rolling_recorder(self) -> ScreenRecorder | None:
        """The recorder keeping the last seconds, while ``keep_recent`` is on and the flow is started."""
        return self._rolling

    # --- settings and lifetime -------------------------------------------------------------------
    def use(self, settings: VideoSettings) -> None:
        """Use ``settings`` from now on: the rolling recording starts, stops or restarts to match them."""
        changed = settings != self.settings
        self.settings = settings
        if self._rolling is not None and (changed or not settings.keep_recent):
            self._rolling.stop()
            self._rolling = None
        if settings.keep_recent and self._rolling is None:
            self._rolling = self._recorder(settings.recent_seconds)
            self._rolling.start()

    def close(self) -> None:
        """Stop every recording and drop its frames (at quit)."""
        self.cancel_recording()
        if self._rolling is not None:
            self._rolling.stop()
            self._rolling.clear()
            self._rolling = None

    # --- video files -----------------------------------------------------------------------------
    def describe_files(self, paths: Sequence[str]) -> None:
        """Describe the videos in ``paths`` one after another, in order; a bad one is a one-line error and the
        next one starts. Any other caption, or Stop speaking, drops the videos still waiting."""
        self._waiting = deque(paths)
        self._next_file()

    def _next_file(self) -> None:
        was_starting, self._is_starting = self._is_starting, True  # our own errors and start are not news here
        try:
            self._start_next_file()
        finally:
            self._is_starting = was_starting

    def _start_next_file(self) -> None:
        while self._waiting:
            path = self._waiting.popleft()
            try:
                info = self._probe(path)
            except InkscopeError as error:
                self._window.show_error(error.user_text)
                continue
            settings = self.settings
            clip = VideoClip(path, end_s=info.duration_s, fps=settings.fps, max_frames=settings.max_frames,
                             frame_max_pixels=settings.frame_max_pixels)
            parts = len(clip_segments(replace(clip, segment_s=float(settings.segment_s))))
            how = f" in {parts} parts of up to {settings.segment_s} seconds" if parts > 1 else ""
            more = f" {len(self._waiting)} more waiting." if self._waiting else ""
            name = f" {Path(path).name}" if more or self._is_in_series else ""
            self._is_in_series = bool(self._waiting)
            self._start(clip, path, VIDEO_PROMPT,
                        f"Describing the video{name} ({format_time(info.duration_s)} long){how}.{more}")
            return
        self._is_in_series = False

    # --- the last seconds of the screen ----------------------------------------------------------
    def describe_recent_screen(self) -> None:
        """Describe the recorded last seconds, or record the next seconds first when nothing is kept."""
        if self.is_recording:
            self._window.set_status("Still recording; the description follows when the recording ends.")
            return
        frames = self._rolling.frames() if self._rolling is not None else []
        if len(frames) >= 2:
            self._describe_frames(frames, self._rolling.fps)
            return
        seconds = self.settings.recent_seconds
        self._hid_window = self._window.isVisible()  # out of the recording, as for a screenshot
        recorder = self._one_shot = self._recorder(seconds)
        delay_ms = HIDE_FOR_CAPTURE_MS if self._hid_window else 0
        if self._hid_window:
            self._window.hide()
            QTimer.singleShot(delay_ms, self, lambda: self._start_recorder(recorder))
        else:
            recorder.start()
        self._record_timer.start(delay_ms + seconds * 1000 + RECORD_MARGIN_MS)
        self._window.set_status(f"Recording {seconds} seconds")

    def cancel_recording(self) -> None:
        """Drop a recording of the next seconds that is still going (the user asked for silence or quit)."""
        was_recording = self.is_recording
        self._record_timer.stop()
        if self._one_shot is not None:
            self._one_shot.stop()
            self._one_shot = None
            self._show_window_again()
        if was_recording:
            self._window.set_status("Recording stopped; nothing was described.")

    def _recording_done(self) -> None:
        recorder, self._one_shot = self._one_shot, None
        if recorder is None:
            return
        recorder.stop()
        self._show_window_again()
        frames = recorder.frames()
        if len(frames) < 2:
            problem = recorder.error.user_text if recorder.error is not None else \
                "Nothing was recorded. Check that the screen can be captured, then try again."
            self._window.show_error(problem)
            return
        self._describe_frames(frames, recorder.fps)

    def _start_recorder(self, recorder: ScreenRecorder) -> None:
        if recorder is self._one_shot:  # not cancelled while the window was hiding
            recorder.start()

    def _show_window_again(self) -> None:
        if self._hid_window:
            self._hid_window = False
            bring_to_front(self._window)

    def _describe_frames(self, frames: list["Image.Image"], fps: float) -> None:
        settings = self.settings
        clip = VideoClip(frames=tuple(frames), frames_fps=fps, fps=fps, max_frames=settings.max_frames,
                         frame_max_pixels=settings.frame_max_pixels)
        seconds = round(len(frames) / fps)
        label = f"The last {seconds} seconds of the screen"
        self._start(clip, label, RECENT_SCREEN_PROMPT, f"Describing the last {seconds} seconds of the screen.",
                    thumbnail=frames[-1])

    # --- shared ----------------------------------------------------------------------------------
    def _start(self, clip: VideoClip, label: str, prompt: str, status: str,
               thumbnail: "Image.Image | None" = None) -> None:
        options = self._controller.options
        conversation = Conversation(None, video=clip, subject="video", source=label, detail=options.detail,
                                    language=options.language, max_new_tokens=options.max_new_tokens)
        request = conversation.request(prompt)
        if clip.end_s is not None:  # a file: described in parts; follow-ups look at the whole clip at once
            request = replace(request, video=replace(clip, segment_s=float(self.settings.segment_s)))
        image = pil_to_qimage(thumbnail, max_side=96) if thumbnail is not None else None
        was_starting, self._is_starting = self._is_starting, True
        try:
            self._controller.describe_video(conversation, request, label, image)
        finally:
            self._is_starting = was_starting
        if self._controller.is_describing:  # else the controller has said why not (the model failed to load)
            self._is_video_caption = True
            self._window.set_status(status)

    def _recorder(self, seconds: int) -> ScreenRecorder:
        settings = self.settings
        return ScreenRecorder(self._grab, fps=settings.recent_fps, seconds=seconds,
                              max_pixels=settings.frame_max_pixels)

    def _action_received(self, action: Action) -> None:
        if action in _REPLACING_ACTIONS:  # a new description, or silence: the videos still waiting are dropped
            self._waiting.clear()

    def _other_caption_started(self, _label: str) -> None:
        self._is_video_caption = False  # runs before _start sets it again for a video
        if not self._is_starting:  # a screenshot, an image or a question replaces the videos still waiting
            self._waiting.clear()

    def _caption_finished(self, _result: object) -> None:
        if self._is_video_caption:
            self._is_video_caption = False
            self._window.set_status(f"{self._window.status_text()} {FOLLOW_UP_NOTE}", announce=False)
            if self._waiting:
                QTimer.singleShot(0, self._next_file)  # after every listener has seen this caption end

    def _caption_failed(self, _error: str) -> None:
        if self._is_video_caption and not self._is_starting:  # the model failed on this video: go on
            self._is_video_caption = False
            if self._waiting:
                QTimer.singleShot(0, self._next_file)
