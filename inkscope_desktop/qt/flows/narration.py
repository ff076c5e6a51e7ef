"""Speech in the app: the Qt accessibility-announcement route, and the wiring of captions to the narrator.

The narrator speaks each caption sentence by sentence as its job streams, and stops at once when the user
says stop or asks for something else. All methods here run on the GUI thread, except the
announcement speaker's ``speak``/``stop``, which the narrator's thread calls (they only post to the GUI).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAccessible

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.vocabulary import SpeechRoute
from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge
from inkscope_desktop.speech import Narrator, SilentSpeaker, Speaker, SpeakerConfig, SpeechError
from inkscope_desktop.speech.routes import SpeakerChooser

if TYPE_CHECKING:
    from inkscope_desktop.core.types import CaptionResult
    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.announcer import Announcer
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.settings import SpeechSettings


class AnnouncementSpeaker(Speaker):
    """Speaks through the screen reader with ``QAccessibleAnnouncementEvent``: the last route, used only while
    an assistive technology listens. A screen reader queues announcements itself; stop cannot recall them."""

    name = "qt-announcement"
    is_screen_reader_route = True

    def __init__(self, announcer: Announcer) -> None:
        self._announcer = announcer
        self._bridge = ThreadBridge(lambda text: announcer.announce(str(text)))

    def availability_problem(self) -> SpeechError | None:
        if QAccessible.isActive():
            return None
        return SpeechError("No screen reader listens to Inkscope's announcements.",
                           "Start your screen reader, or choose Inkscope's own voice in Settings.")

    def speak(self, text: str) -> None:
        self._bridge.post(text)

    def stop(self) -> None:
        """Announcements already sent belong to the screen reader now."""

    @property
    def is_speaking(self) -> bool:
        return False


def speaker_config(choice: SpeechSettings) -> SpeakerConfig:
    """The speech package's settings for the user's choice in the settings file."""
    return SpeakerConfig(route=SpeechRoute.parse(choice.route), voice=choice.voice or "", rate=choice.rate,
                         volume=choice.volume, nvda_client_dll=choice.nvda_client_dll or "")


class Narration:
    """Speaks captions as they stream (when ``speak_automatically``), repeats on request, reports problems once.

    It listens to the handle of each job the describe flow starts: chunks are fed to the narrator, the end of the
    answer flushes it, a stopped job silences it. It also says each message the window gets once (see
    ``voice_notice``). ``speaks_automatically`` tells the caption presenter not to
    announce the whole finished caption to the screen reader as well, so two voices never read the same text.
    It owns the action "repeat last". GUI thread only (the narrator has its own thread).
    """

    def __init__(self, window: CaptionWindow, describe: DescribeFlow, choice: SpeechSettings,
                 make_narrator: Callable[..., Narrator] = Narrator) -> None:
        self._window = window
        self._problems = ThreadBridge(self._problem)
        self._last_problem: str | None = None
        self._last_caption = ""
        self._choice = choice
        self.narrator = make_narrator(self._speaker_factory(choice), on_problem=self._problems.post)
        describe.job_started.connect(self._follow)
        describe.interrupted.connect(self.stop)
        window.history_selected.connect(self._history_selected)
        window.notice_shown.connect(self.voice_notice)
        window.confirmed.connect(self.voice_confirmation)

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.REPEAT_LAST, self.repeat_last)
        registry.register(Action.STOP_SPEAKING, self.stop)

    def _speaker_factory(self, choice: SpeechSettings) -> Callable[[], Speaker]:
        return SpeakerChooser(speaker_config(choice),
                              extra_screen_reader_routes=[AnnouncementSpeaker(self._window.announcer)])

    def use(self, choice: SpeechSettings) -> None:
        """New speech settings (a settings listener): a new speaker from the next piece on."""
        if choice != self._choice:
            self._choice = choice
            self.narrator.use(self._speaker_factory(choice))

    @property
    def settings(self) -> SpeakerConfig:
        """The speech package's settings in use."""
        return speaker_config(self._choice)

    @property
    def speaks_automatically(self) -> bool:
        return self._choice.speak_automatically and self._choice.route != "off"

    def prepare(self) -> None:
        """Start the voice now (a child process for the own voice), so the first caption is not delayed."""
        if self._choice.route != "off":
            self.narrator.prepare()

    def say(self, text: str) -> None:
        """Speak ``text`` now, cutting off anything else; with speech off, announce it."""
        if self._choice.route == "off":
            self._window.announcer.announce(text)
        else:
            self.narrator.say(text)

    def repeat_last(self) -> None:
        """Say the last finished caption or answer again (or the history entry chosen since)."""
        self.say(self._last_caption or "There is no caption yet.")

    def stop(self) -> None:
        """Stop speaking: silence the voice at once, and nothing else (the caption goes on and is saved)."""
        self.narrator.stop()

    def close(self) -> None:
        self.narrator.close()

    def voice_notice(self, text: str, is_error: bool = False) -> None:
        """Say a message once: through whoever speaks captions (the own voice, or the screen reader route while
        the window is in the background; it is not announced as well), or as a screen-reader announcement
        (assertive for an error) where the screen reader hears the active window's announcements, speech is
        off, captions are not spoken automatically, or the message is the voice's own problem."""
        if self._speaks_notices() and text != self._last_problem:
            self.narrator.notice(text)
        else:
            self._window.announcer.announce(text, is_assertive=is_error)

    def voice_confirmation(self, text: str) -> None:
        """Say the answer to a key pressed in the window, cutting off what is being said (the newest wins: one
        search result count per keystroke, not a queue of them); announced where notices are."""
        if self._speaks_notices():
            self.narrator.say(text)
        else:
            self._window.announcer.announce(text)

    def _speaks_notices(self) -> bool:
        if not self.speaks_automatically:
            return False
        speaker = self.narrator.speaker
        if speaker is None:  # not started yet: the route says who will speak
            return self._choice.route == "own-voice" or not self._window.announcer.is_screen_reader_active
        if isinstance(speaker, SilentSpeaker):
            return False
        # A screen reader hears the window's announcements only while the window is active (Qt raises UI
        # Automation notifications once a screen reader has queried the window, and NVDA drops a background
        # program's): in the background the notice goes to the speaker that speaks captions.
        announced = self._window.announcer.is_screen_reader_active and self._window.isActiveWindow()
        return not (speaker.is_screen_reader_route and announced)

    def _problem(self, message: object) -> None:
        """Show a speech problem once: the same one again (no sound card, caption after caption) stays quiet."""
        text = str(message)
        if text != self._last_problem:
            self._last_problem = text
            self._window.show_error(text)

    def _follow(self, job: CaptionJob, _context: object) -> None:
        job.finished.connect(self._finished)
        if not self.speaks_automatically:
            self.narrator.stop()
            return
        self.narrator.begin()
        job.chunk.connect(self._feed)
        job.finished.connect(self._end)
        job.stopped.connect(lambda: None if job.was_replaced else self.narrator.stop())  # else the next begins

    def _feed(self, chunk: str, _tokens: int) -> None:
        self.narrator.feed(chunk)

    def _end(self, _result: object) -> None:
        self.narrator.end()

    def _finished(self, result: CaptionResult) -> None:
        self._last_caption = result.text

    def _history_selected(self, index: int) -> None:
        """The window shows that entry's caption now: "repeat last" repeats it."""
        self._last_caption = self._window.history_caption(index)
