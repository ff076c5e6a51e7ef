"""Speech in the app: the Qt accessibility-announcement route, and the wiring of captions to the narrator.

The narrator speaks each caption sentence by sentence as the controller shows it, and stops at once when
the user says stop or asks for something else. All methods here run on the GUI thread, except the
announcement speaker's ``speak``/``stop``, which the narrator's thread calls (they only post to the GUI).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAccessible

from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge
from inkscope_desktop.speech import Narrator, Speaker, SpeechError, SpeechSettings, choose_speaker

if TYPE_CHECKING:
    from inkscope_desktop.qt.widgets.announcer import Announcer
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.qt.flows.controller import AppController
    from inkscope_desktop.settings import SpeechSettings as SpeechChoice


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


def speech_settings(choice: SpeechChoice) -> SpeechSettings:
    """The speech package's settings for the user's choice in the settings file."""
    return SpeechSettings(route=choice.route, voice=choice.voice or "", rate=choice.rate, volume=choice.volume)


class Narration:
    """Speaks captions as they stream (when ``speak_automatically``), repeats on request, reports problems once.

    While it speaks captions itself, the window does not also announce the whole finished caption to the
    screen reader, so two voices never read the same text.
    """

    def __init__(self, window: CaptionWindow, controller: AppController, choice: SpeechChoice,
                 make_narrator: Callable[..., Narrator] = Narrator) -> None:
        self._window = window
        self._controller = controller
        self._problems = ThreadBridge(self._problem)
        self._last_problem: str | None = None
        self._choice = choice
        self.narrator = make_narrator(self._speaker_factory(choice), on_problem=self._problems.post)
        controller.caption_started.connect(self._begin)
        controller.chunk_shown.connect(self._feed)
        controller.caption_finished.connect(self._end)
        controller.caption_stopped.connect(self.narrator.stop)
        controller.stop_speaking.connect(self.narrator.stop)
        controller.speak = self.say
        self._apply_automatic(choice)

    def _speaker_factory(self, choice: SpeechChoice) -> Callable[[], Speaker]:
        announcer = self._window.announcer
        settings = speech_settings(choice)
        return lambda: choose_speaker(settings, extra_screen_reader_routes=[AnnouncementSpeaker(announcer)])

    def use(self, choice: SpeechChoice) -> None:
        """New speech settings: a new speaker from the next piece on."""
        if choice != self._choice:
            self._choice = choice
            self.narrator.use(self._speaker_factory(choice))
            self._apply_automatic(choice)

    def _apply_automatic(self, choice: SpeechChoice) -> None:
        speaks = choice.speak_automatically and choice.route != "off"
        self._controller.announce_captions = not speaks

    @property
    def settings(self) -> SpeechSettings:
        """The speech package's settings in use."""
        return speech_settings(self._choice)

    @property
    def speaks_automatically(self) -> bool:
        return self._choice.speak_automatically and self._choice.route != "off"

    def prepare(self) -> None:
        """Start the voice now (a child process for the own voice), so the first caption is not delayed."""
        if self._choice.route != "off":
            self.narrator.prepare()

    def say(self, text: str) -> None:
        """Speak ``text`` now, cutting off anything else (repeat last); with speech off, announce it."""
        if self._choice.route == "off":
            self._window.announcer.announce(text)
        else:
            self.narrator.say(text)

    def stop(self) -> None:
        self.narrator.stop()

    def close(self) -> None:
        self.narrator.close()

    def _problem(self, message: object) -> None:
        """Show a speech problem once: the same one again (no sound card, caption after caption) stays quiet."""
        text = str(message)
        if text != self._last_problem:
            self._last_problem = text
            self._window.show_error(text)

    def _begin(self, _source: str) -> None:
        if self.speaks_automatically:
            self.narrator.begin()
        else:
            self.narrator.stop()

    def _feed(self, chunk: str) -> None:
        if self.speaks_automatically:
            self.narrator.feed(chunk)

    def _end(self, _result: object) -> None:
        if self.speaks_automatically:
            self.narrator.end()
