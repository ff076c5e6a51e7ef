"""The narrator: speaks a caption sentence by sentence while it streams in, and stops at once when asked.

Threading: every public method is thread-safe and returns in microseconds (it only queues a command), so
the GUI thread may call ``feed`` for every chunk. One worker thread ("inkscope-narrator") owns the
splitter and the speaker: it creates the speaker (``speaker_factory``), splits text, and calls the
speaker, whose own thread or child process does the speaking. ``on_problem(message)`` is called on a
speaker or narrator thread, at most once per caption: a GUI must post it to its own thread.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from inkscope_desktop.speech.base import Speaker, SpeechError
from inkscope_desktop.speech.silent import SilentSpeaker
from inkscope_desktop.speech.splitter import DEFAULT_MAX_CHARS, SentenceSplitter, speakable

log = logging.getLogger(__name__)

SpeakerSource = Speaker | Callable[[], Speaker]


class Narrator:
    """Turns ``begin`` / ``feed(chunk)`` ... / ``end`` into speech; ``stop`` silences it.

    ``speaker`` is a Speaker, or a factory (such as ``lambda: choose_speaker(settings)``) called on the
    worker thread when the first caption begins and again at the next caption after a problem, so a
    missing voice, a crashed child or a stopped daemon is tried again each time. A factory with a ``presence()``
    method (``routes.SpeakerChooser``) is also asked again when a caption begins and ``presence()`` differs
    from the last time (a screen reader started or quit since). A new speaker's ``route_notice`` goes to
    ``on_problem`` once. ``eager_sentences``
    speaks a plainly finished sentence without waiting for the next chunk (see ``SentenceSplitter``).
    """

    def __init__(self, speaker: SpeakerSource, on_problem: Callable[[str], None] | None = None, *,
                 max_piece_chars: int = DEFAULT_MAX_CHARS, eager_sentences: bool = True) -> None:
        self._source = speaker
        self._on_problem = on_problem
        self._cond = threading.Condition()
        self._commands: deque[tuple] = deque()
        self._caption = 0  # numbers captions; bumped by begin and stop
        self._is_accepting = False  # feed/end are taken between begin and end
        self._failed_caption = -1  # the caption whose speech failed (the rest of it is not spoken)
        self._speaker_failed = False  # the next caption gets a new speaker from the factory
        self._busy = False
        self._is_closed = False
        self._thread: threading.Thread | None = None
        # Worker-thread state:
        self._speaker: Speaker | None = None
        self._needs_new_speaker = True
        self._splitter = SentenceSplitter(max_piece_chars, eager=eager_sentences)
        self._notice: str | None = None  # a notice said since the last caption piece (a begin keeps it)
        self._notice_is_behind = False  # whether other speech was ahead of that notice
        self._presence: object = None  # what the factory's presence() said when the speaker was made
        self._told_route_notices: set[str] = set()

    # --- public, any thread ---------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the speaker and start its voice now, before the first caption (at app start)."""
        self._post(("prepare",))

    def begin(self) -> None:
        """A new caption starts: whatever is being said stops, including queued sentences."""
        with self._cond:
            self._caption += 1
            self._is_accepting = True
            self._drop_caption_commands()
            self._post_locked(("begin", self._caption))

    def feed(self, chunk: str) -> None:
        """Text streamed for the current caption; complete sentences are spoken as they form."""
        with self._cond:
            if self._is_accepting and chunk:
                self._post_locked(("feed", self._caption, chunk))

    def end(self) -> None:
        """The caption is complete: the rest of its text is spoken."""
        with self._cond:
            if self._is_accepting:
                self._is_accepting = False
                self._post_locked(("end", self._caption))

    def say(self, text: str) -> None:
        """Speak a whole text now, cutting off anything else (repeat the last caption, a notice)."""
        with self._cond:
            self._caption += 1
            self._is_accepting = False
            self._drop_caption_commands()
            self._post_locked(("begin", self._caption))
            self._post_locked(("feed", self._caption, text))
            self._post_locked(("end", self._caption))

    def notice(self, text: str) -> None:
        """Say a one-time message (an error, "Inkscope ready"): after what is being said, and kept when a caption
        begins right after it (the caption's first sentence waits for it instead of cutting it off)."""
        self._post(("notice", text))

    def stop(self) -> None:
        """Stop speaking now; text still arriving for this caption is ignored until the next ``begin``."""
        with self._cond:
            self._caption += 1
            self._is_accepting = False
            self._drop_caption_commands(keeps_notices=False)
            self._post_locked(("stop",))

    def use(self, speaker: SpeakerSource) -> None:
        """Speak with ``speaker`` (or a new factory) from now on, for new settings; stops current speech."""
        self._post(("use", speaker))

    @property
    def is_speaking(self) -> bool:
        """True while commands wait or the speaker says something."""
        with self._cond:
            if self._commands or self._busy:
                return True
        speaker = self._speaker
        return speaker is not None and speaker.is_speaking

    @property
    def speaker(self) -> Speaker | None:
        """The speaker in use (None before the first caption or ``prepare``)."""
        return self._speaker

    def wait_until_idle(self, timeout_s: float) -> bool:
        """Block until every command has been handled (not until speech ends); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._commands and not self._busy, timeout_s)

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop speaking, end the worker and close the speaker."""
        with self._cond:
            self._is_closed = True
            self._commands.clear()
            self._commands.append(("close",))
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        elif self._speaker is not None:
            self._speaker.close()

    # --- posting --------------------------------------------------------------------------------------
    def _post(self, command: tuple) -> None:
        with self._cond:
            self._post_locked(command)

    def _drop_caption_commands(self, *, keeps_notices: bool = True) -> None:
        """Forget queued text of earlier captions (keep speaker changes, and notices unless told not to); call
        with the lock held."""
        kinds = ("prepare", "use", "notice") if keeps_notices else ("prepare", "use")
        kept = [command for command in self._commands if command[0] in kinds]
        self._commands.clear()
        self._commands.extend(kept)

    def _post_locked(self, command: tuple) -> None:
        if self._is_closed:
            return
        self._commands.append(command)
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="inkscope-narrator", daemon=True)
            self._thread.start()
        self._cond.notify_all()

    # --- worker thread --------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._commands:
                    self._cond.wait()
                command = self._commands.popleft()
                self._busy = True
            try:
                if command[0] == "close":
                    self._close_speaker()
                    return
                self._handle(command)
            except Exception:
                log.exception("Narration command %s failed", command[0])
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _handle(self, command: tuple) -> None:
        kind = command[0]
        if kind == "prepare":
            self._current_speaker()
        elif kind == "begin":
            self._cut_keeping_notice()
            self._splitter.reset()
            self._check_presence()
            self._current_speaker()
        elif kind == "notice":
            speaker = self._current_speaker()
            text = speakable(command[1])
            if text:
                self._notice_is_behind = speaker.is_speaking
                self._notice = text
                speaker.speak(text)
        elif kind == "stop":
            self._notice = None
            if self._speaker is not None:
                self._speaker.stop()
            self._splitter.reset()
        elif kind == "use":
            self._close_speaker()
            self._source = command[1]
            self._needs_new_speaker = True
        elif kind == "failed":
            if self._speaker is not None and command[1] == self._caption:
                self._speaker.stop()  # the rest of this caption would fail the same way
        elif kind in ("feed", "end") and not self._has_failed(command[1]):
            pieces = self._splitter.feed(command[2]) if kind == "feed" else self._splitter.flush()
            speaker = self._current_speaker()
            for piece in pieces:
                text = speakable(piece)
                if text:
                    self._notice = None  # queued after the notice: a later begin cuts both
                    speaker.speak(text)

    def _cut_keeping_notice(self) -> None:
        """A new caption: cut what is being said, except a notice said just before it."""
        notice, self._notice = self._notice, None
        speaker = self._speaker
        if speaker is None:
            return
        if notice is None:
            speaker.stop()
        elif self._notice_is_behind:  # an older caption was still ahead of the notice: cut it, say the notice
            speaker.stop()
            speaker.speak(notice)

    def _check_presence(self) -> None:
        """Choose the speaker again if the screen readers that run have changed since it was chosen."""
        presence = getattr(self._source, "presence", None)
        if self._speaker is None or presence is None or isinstance(self._source, Speaker):
            return
        try:
            now = presence()
        except Exception:
            log.exception("Probing for screen readers failed")
            return
        if now != self._presence:
            log.info("The screen readers that run have changed: choosing the speech route again")
            self._needs_new_speaker = True

    def _has_failed(self, caption: int) -> bool:
        with self._cond:
            return caption == self._failed_caption

    def _current_speaker(self) -> Speaker:
        with self._cond:
            if self._speaker_failed and not isinstance(self._source, Speaker):
                self._needs_new_speaker = True  # try the routes again: the voice may work now
            self._speaker_failed = False
        if self._speaker is not None and not self._needs_new_speaker:
            return self._speaker
        self._close_speaker()
        source = self._source
        presence = getattr(source, "presence", None)
        try:
            self._presence = presence() if presence is not None and not isinstance(source, Speaker) else None
            speaker = source if isinstance(source, Speaker) else source()
        except Exception as error:
            log.exception("Creating the speaker failed")
            speaker = SilentSpeaker(SpeechError(f"Speech could not start ({error}).", "See the log."))
        speaker.on_problem = self._speaker_problem
        self._speaker, self._needs_new_speaker = speaker, False
        self._tell_route_notice(speaker)
        try:
            speaker.prepare()
        except SpeechError as error:
            self._speaker_problem(error)
        except Exception as error:
            log.exception("Preparing the %s speaker failed", speaker.name)
            self._speaker_problem(SpeechError(f"Speech could not start ({error}).", "See the log."))
        return speaker

    def _tell_route_notice(self, speaker: Speaker) -> None:
        notice = speaker.route_notice
        listener = self._on_problem
        if notice is None or listener is None or notice.user_text in self._told_route_notices:
            return
        self._told_route_notices.add(notice.user_text)
        try:
            listener(notice.user_text)
        except Exception:
            log.exception("Speech problem listener failed")

    def _close_speaker(self) -> None:
        speaker, self._speaker = self._speaker, None
        if speaker is not None:
            speaker.on_problem = None
            try:
                speaker.close()
            except Exception:
                log.exception("Closing the %s speaker failed", speaker.name)

    def _speaker_problem(self, error: SpeechError) -> None:
        """A problem while speaking (any thread): tell the user once per caption, retry at the next one."""
        with self._cond:
            self._speaker_failed = True
            caption = self._caption
            if self._failed_caption == caption:
                return
            self._failed_caption = caption
            self._post_locked(("failed", caption))
        listener = self._on_problem
        if listener is not None:
            try:
                listener(error.user_text)
            except Exception:
                log.exception("Speech problem listener failed")
