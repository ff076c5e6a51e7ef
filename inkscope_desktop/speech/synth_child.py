"""The speech synthesis child process: pyttsx3 writes each requested piece to a WAV file.

Run as a script by SynthesisProcess (``python synth_child.py SETTINGS_JSON``, or ``--voices [DRIVER]`` to list
the voices as one JSON line); it imports only the standard
library and pyttsx3, so it starts fast and needs no package path. Protocol, one JSON object per line:
the child first answers ``{"ready": true, "warnings": [...]}`` or ``{"error": ..., "stage": "init"}``; then
for each request ``{"text": ..., "path": ...}`` on stdin it answers ``{"done": path, "bytes": n}`` or
``{"error": ..., "stage": "synth"}``. pyttsx3's own prints are sent to the null device. The parent kills
this process to stop synthesis at once.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import wave

#: pyttsx3's espeak driver returns from runAndWait while espeak still synthesizes a longer text in its own
#: thread and writes the file only at the end: wait for its "finished-utterance" notice, at most this long.
FINISH_TIMEOUT_S = 600.0
#: pyttsx3 2.99's espeak driver sometimes keeps a stop flag from one utterance that cancels the next one,
#: which then comes out empty: such a piece is synthesized again, at most this many times in all.
ATTEMPTS = 3


def _clear_stale_stop(engine) -> None:
    """Drop a stop request left over from the previous utterance (pyttsx3 2.99 espeak driver)."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and getattr(driver, "_stopping", False) and not getattr(driver, "_speaking", True):
        driver._stopping = False


def _reports_saved_files(engine) -> bool:
    """Whether the driver says "finished-utterance" after ``save_to_file``. pyttsx3's sapi5 driver does not: its
    ``save_to_file`` calls SpVoice.Speak synchronously without setting ``_speaking``, and its EndStream handler
    reports only when ``_speaking`` is set (pyttsx3 2.91 to 2.99); the file is complete once runAndWait returns."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    return not type(driver).__module__.endswith("sapi5")


def _frames(path: str) -> int | None:
    """Audio frames in the WAV at ``path``; None when it is not a WAV (nsss on macOS writes AIFF)."""
    try:
        with wave.open(path, "rb") as sound:
            return sound.getnframes()
    except (wave.Error, EOFError):
        return None


def _apply(engine, properties: dict) -> None:
    """Queue the voice, rate and volume: pyttsx3 applies them inside the next runAndWait."""
    for name, value in properties.items():
        engine.setProperty(name, value)


def _synthesize(engine, finished: threading.Event, text: str, path: str, properties: dict | None = None) -> None:
    """Write ``text``'s audio to ``path``, again if it came out empty; raise if it never succeeds.

    The properties are queued again before every piece: pyttsx3 runs them from the same queue as the
    utterance, and a stale stop (see ATTEMPTS) can drop queued commands, which once left a piece at the
    default volume."""
    for _ in range(ATTEMPTS):
        _clear_stale_stop(engine)
        _apply(engine, properties or {})
        finished.clear()
        engine.save_to_file(text, path)
        engine.runAndWait()
        if _reports_saved_files(engine) and not finished.wait(FINISH_TIMEOUT_S):
            raise TimeoutError("the voice did not finish")
        if _frames(path) != 0 or not any(char.isalnum() for char in text):
            return
    raise RuntimeError("the voice wrote no audio")


def _resolve_voice(engine, wanted: str) -> tuple[str, str | None]:
    """(voice id to set, warning or None) for a voice id, name or language such as "en-us"."""
    key = wanted.lower()
    voices = engine.getProperty("voices") or []
    for test in (lambda v: v.id.lower() == key, lambda v: (v.name or "").lower() == key,
                 lambda v: key in [str(lang).lower() for lang in (v.languages or [])],
                 lambda v: v.id.lower().endswith("/" + key)):
        for voice in voices:
            if test(voice):
                return voice.id, None
    return wanted, f"The voice {wanted!r} was not found; the default voice is used."


def list_voices(answers, driver: str | None) -> int:
    """Write the voices as one JSON list of {"id", "name", "languages"} and end."""
    import pyttsx3

    engine = pyttsx3.init(driver or None)
    voices = [{"id": v.id, "name": v.name or v.id, "languages": [str(lang) for lang in (v.languages or [])]}
              for v in engine.getProperty("voices") or []]
    answers.write(json.dumps(voices) + "\n")
    answers.flush()
    return 0


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # pyttsx3 prints "Audio saved to ..." for every file
    sys.stdout = open(os.devnull, "w", encoding="utf-8")

    def send(**message: object) -> None:
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    if len(argv) > 1 and argv[1] == "--voices":
        return list_voices(answers, argv[2] if len(argv) > 2 else None)
    settings = json.loads(argv[1]) if len(argv) > 1 else {}
    try:
        import pyttsx3

        engine = pyttsx3.init(settings.get("driver") or None)
        warnings = []
        properties: dict = {}
        if settings.get("voice"):
            voice, warning = _resolve_voice(engine, settings["voice"])
            properties["voice"] = voice
            warnings += [warning] if warning else []
        if settings.get("rate"):
            properties["rate"] = int(settings["rate"])
        if settings.get("volume") is not None:
            properties["volume"] = float(settings["volume"])
        _apply(engine, properties)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which explains it to the user
        send(error=f"{type(error).__name__}: {error}", stage="init")
        return 3
    finished = threading.Event()
    engine.connect("finished-utterance", lambda name=None, completed=True: finished.set())
    send(ready=True, warnings=warnings, pid=os.getpid())
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            _synthesize(engine, finished, request["text"], request["path"], properties)
            send(done=request["path"], bytes=os.path.getsize(request["path"]))
        except Exception as error:  # noqa: BLE001
            send(error=f"{type(error).__name__}: {error}", stage="synth")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
