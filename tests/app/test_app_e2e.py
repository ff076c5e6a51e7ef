"""The whole app on a private X server: tray, hotkeys through xdotool, the tiny model, the question box, the
region selector by keyboard, the trigger command, a second launch, and a clean quit on SIGTERM."""

from __future__ import annotations

import pytest

from inkscope_desktop.qt.app import NO_TRAY_STATUS

FAKE = ("--fake", "--first-chunk-delay", "0.05", "--chunk-delay", "0.02")


@pytest.mark.model
def test_hotkey_caption_follow_up_and_region_with_the_tiny_model(desktop, launch, tiny_model_dir):
    desktop.start_tray()
    app = launch("--model", str(tiny_model_dir), "--device", "cpu")
    menu = app.wait_for("tray_visible")["menu"]
    assert "Describe screen\tCtrl+Alt+Shift+D" in menu and "&Quit Inkscope" in menu and "" in menu  # separators
    assert app.wait_for("ready_to_drive", seen_before=True)["tray"] is True
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", timeout_s=120, seen_before=True)
    app.wait_for("message", lambda e: e["text"] == "Inkscope ready", seen_before=True)  # said once

    desktop.key("ctrl+alt+shift+d")
    assert app.wait_for("caption_started")["source"].startswith("Screen")
    caption = app.wait_for("caption_finished", timeout_s=120)
    assert caption["tokens"] > 0
    assert caption["text"].strip() and caption["text"].strip() in caption["transcript"]

    app.wait_for("window_shown", seen_before=True)  # tray mode: each description shows the window, unfocused
    desktop.key("ctrl+alt+shift+f")  # focuses the window's question box
    desktop.type("What is focused?")
    desktop.key("Return")
    assert app.wait_for("caption_started")["source"] == "What is focused?"
    answer = app.wait_for("caption_finished", timeout_s=120)
    assert "Q: What is focused?" in answer["transcript"]
    assert answer["transcript"].index(caption["text"].strip()) < answer["transcript"].index("Q: What is focused?")

    desktop.key("ctrl+alt+shift+g")
    app.wait_for("region_selector_shown")
    desktop.key("shift+Left", "shift+Left", "Right", "Return")
    region = app.wait_for("caption_started")
    assert region["source"].startswith("Region ")
    app.wait_for("caption_finished", timeout_s=120)
    assert "region_selector_hidden" in [e["event"] for e in app.events]

    assert app.stop() == 0  # the hotkey listener and the caption worker end cleanly after use
    assert app.wait_for("exit")["code"] == 0


def test_without_a_tray_the_window_holds_the_app_and_trigger_drives_it(desktop, launch):
    app = launch(*FAKE)
    menu_bar = app.wait_for("window_shown")["menu_bar"]
    assert "Describe region…\tCtrl+Alt+Shift+G" in menu_bar and "Copy caption" in menu_bar
    app.wait_for("message", lambda e: e["text"] == NO_TRAY_STATUS, seen_before=True)
    app.wait_for("ready_to_drive", seen_before=True)
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", seen_before=True)

    result = app.trigger("describe-screen")
    assert result.returncode == 0, result.stderr
    assert app.wait_for("caption_started")["source"].startswith("Screen")
    finished = app.wait_for("caption_finished")
    assert finished["text"] and finished["text"] in finished["transcript"]

    second = launch(*FAKE)  # a second launch hands over to the first and exits
    assert second.process.wait(30) == 1
    assert second.wait_for("exit")["reason"] == "another instance runs"

    assert app.stop() == 0


def test_a_second_request_cancels_the_first_and_a_burst_ends_in_one_caption(desktop, launch):
    desktop.start_tray()
    app = launch("--fake", "--first-chunk-delay", "0.05", "--chunk-delay", "0.05", "--max-new-tokens", "400")
    app.wait_for("ready_to_drive")
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", seen_before=True)

    desktop.key("ctrl+alt+shift+d")
    app.wait_for("first_chunk")
    desktop.key("ctrl+alt+shift+d")
    app.wait_for("caption_finished", timeout_s=60)
    assert [e["event"] for e in app.events].count("caption_started") == 2
    assert not [e for e in app.drain() if e["event"] == "caption_finished"]

    for _ in range(20):
        desktop.key("ctrl+alt+shift+d")
    app.wait_for("caption_finished", timeout_s=60)
    later = app.drain(1.0)
    assert not [e for e in later if e["event"] in ("caption_finished", "caption_started")], later
    assert not [e for e in app.events if e["event"] == "error"]
    assert app.stop() == 0


def test_the_caption_is_spoken_sentence_by_sentence_with_the_own_voice(desktop, launch, tmp_path):
    import time
    import wave

    speech = tmp_path / "speech"
    app = launch(*FAKE, "--speech-folder", str(speech))
    app.wait_for("ready_to_drive")
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", seen_before=True)
    assert app.trigger("describe-screen").returncode == 0
    caption = app.wait_for("caption_finished")["text"]

    def spoken() -> str:
        return " ".join(path.read_text(encoding="utf-8") for path in sorted(speech.glob("*.txt")))

    # The messages said before it (no tray here; the model is ready) come first, each once, in the same voice.
    expected = " ".join(f"{NO_TRAY_STATUS} Inkscope ready {caption}".split())
    deadline = time.monotonic() + 30
    while " ".join(spoken().split()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert " ".join(spoken().split()) == expected
    pieces = sorted(speech.glob("*.wav"))
    assert len(pieces) >= 2  # sentence by sentence, not the whole caption at once
    for piece in pieces:
        with wave.open(str(piece)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.3
    assert not [e for e in app.events if e["event"] == "error"]
    assert app.stop() == 0
