"""Describe the last seconds of the screen: a rolling in-memory recording, or the next seconds recorded first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from inkscope_desktop.capture.recorder import ScreenRecorder
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.qt.flows.capture_flow import HIDE_FOR_CAPTURE_MS
from inkscope_desktop.qt.flows.video_queue import start_video_caption
from inkscope_desktop.settings import VideoSettings

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow
    from inkscope_desktop.qt.flows.window_flow import PutAway, WindowFlow
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

log = logging.getLogger(__name__)

#: What the model is asked about a screen recording.
RECENT_SCREEN_PROMPT = "Describe what happens on the screen in this recording, in order."
#: A little longer than the recording, so its last frame is in.
RECORD_MARGIN_MS = 250


class RecentScreenFlow(QObject):
    """Owns "describe the last seconds of the screen"; everything here runs on the GUI thread.

    With ``settings.keep_recent`` on, a rolling :class:`ScreenRecorder` keeps the last seconds and they are
    described at once; off, the next ``settings.recent_seconds`` are recorded first ("Recording N seconds"), with
    the caption window out of the way. Frames stay in memory only. Stop speaking cancels a recording.
    ``grab()`` returns a screenshot (called on the recorder's thread).
    """

    def __init__(self, describe: DescribeFlow, window: CaptionWindow, grab: Callable[[], Image.Image],
                 settings: VideoSettings | None = None, *, window_flow: WindowFlow) -> None:
        super().__init__(window)
        self._describe = describe
        self._window = window
        self._window_flow = window_flow
        self._grab = grab
        self.settings = settings or VideoSettings()
        self._rolling: ScreenRecorder | None = None
        self._one_shot: ScreenRecorder | None = None
        self._put_away: PutAway | None = None  # the caption window was hidden for a recording of the next seconds
        self._record_timer = QTimer(self, singleShot=True)
        self._record_timer.timeout.connect(self._recording_done)
        describe.interrupted.connect(self.cancel_recording)

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.DESCRIBE_RECENT_SCREEN, self.describe_recent_screen)

    @property
    def is_recording(self) -> bool:
        """Whether the next seconds are being recorded for a description."""
        return self._record_timer.isActive()

    @property
    def rolling_recorder(self) -> ScreenRecorder | None:
        """The recorder keeping the last seconds, while ``keep_recent`` is on and the flow is started."""
        return self._rolling

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

    def describe_recent_screen(self) -> None:
        """Describe the recorded last seconds, or record the next seconds first when nothing is kept."""
        self._describe.note_request()
        if self.is_recording:
            self._window.notify("Still recording; the description follows when the recording ends.")
            return
        rolling = self._rolling
        frames = rolling.frames() if rolling is not None else []
        if rolling is not None and len(frames) >= 2:
            self._describe_frames(frames, rolling.fps)
            return
        seconds = self.settings.recent_seconds
        hides = self._window.isVisible()  # out of the recording, as for a screenshot
        recorder = self._one_shot = self._recorder(seconds)
        delay_ms = HIDE_FOR_CAPTURE_MS if hides else 0
        if hides:
            self._put_away = self._window_flow.hide_for_capture()
            QTimer.singleShot(delay_ms, self, lambda: self._start_recorder(recorder))
        else:
            recorder.start()
        self._record_timer.start(delay_ms + seconds * 1000 + RECORD_MARGIN_MS)
        self._window.set_status(f"Recording {seconds} seconds", announce=False)
        self._window.notify(f"Recording {seconds} seconds")

    def cancel_recording(self) -> None:
        """Drop a recording of the next seconds that is still going (the user asked for silence or quit)."""
        was_recording = self.is_recording
        self._record_timer.stop()
        if self._one_shot is not None:
            self._one_shot.stop()
            self._one_shot = None
            self._show_window_again()
        if was_recording:
            self._window.set_status("Recording stopped; nothing was described.", announce=False)
            self._window.notify("Recording stopped; nothing was described.")

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
        put_away, self._put_away = self._put_away, None
        if put_away is not None:
            self._window_flow.restore(put_away)

    def _describe_frames(self, frames: list[Image.Image], fps: float) -> None:
        settings = self.settings
        clip = VideoClip(frames=tuple(frames), frames_fps=fps, fps=fps, max_frames=settings.max_frames,
                         frame_max_pixels=settings.frame_max_pixels)
        seconds = round(len(frames) / fps)
        start_video_caption(self._describe, self._window, clip, f"The last {seconds} seconds of the screen",
                            RECENT_SCREEN_PROMPT, f"Describing the last {seconds} seconds of the screen.",
                            thumbnail=frames[-1])

    def _recorder(self, seconds: int) -> ScreenRecorder:
        settings = self.settings
        return ScreenRecorder(self._grab, fps=settings.recent_fps, seconds=seconds,
                              max_pixels=settings.frame_max_pixels)
