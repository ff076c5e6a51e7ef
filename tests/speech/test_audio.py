"""Audio sinks: a folder of numbered WAV files, and player commands whose failures read clearly."""

from __future__ import annotations

import shutil
import sys
import wave

import pytest

from inkscope_desktop.speech.audio import CommandPlayer, FolderSink, find_player
from inkscope_desktop.speech.base import SpeechError


def tiny_wav(path, seconds: float = 0.1):
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x10" * int(8000 * seconds))
    return path


def test_the_folder_sink_numbers_pieces_and_keeps_their_text(tmp_path):
    sink = FolderSink(tmp_path / "out")
    for i in range(3):
        sink.start(tiny_wav(tmp_path / f"in{i}.wav"), f"piece {i}").wait()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "0001.txt", "0001.wav", "0002.txt", "0002.wav", "0003.txt", "0003.wav"]
    assert (tmp_path / "out" / "0002.txt").read_text() == "piece 1"
    assert not (tmp_path / "in0.wav").exists()


def test_a_failing_player_raises_one_line_with_advice(tmp_path):
    player = CommandPlayer([sys.executable, "-c", "import sys; sys.stderr.write('warn\\naudio open error: no card\\n'); sys.exit(1)"])
    with pytest.raises(SpeechError) as caught:
        player.start(tiny_wav(tmp_path / "a.wav"), "text").wait()
    text = caught.value.user_text
    assert "audio open error: no card" in text and "headphones" in text and "\n" not in text


def test_a_stopped_player_is_not_a_failure(tmp_path):
    playback = CommandPlayer([sys.executable, "-c", "import time; time.sleep(30)"]).start(
        tiny_wav(tmp_path / "a.wav"), "text")
    playback.stop()
    playback.wait()  # returns at once, raises nothing


def test_the_path_is_appended_when_the_command_has_no_placeholder(tmp_path):
    out = tmp_path / "args.txt"
    player = CommandPlayer([sys.executable, "-c", f"import sys; open({str(out)!r}, 'w').write(sys.argv[-1])"])
    wav = tiny_wav(tmp_path / "a.wav")
    player.start(wav, "text").wait()
    assert out.read_text() == str(wav)


def test_a_player_that_is_not_installed_is_explained(tmp_path):
    player = CommandPlayer(["no-such-player-xyz", "{path}"])
    assert "no-such-player-xyz" in player.availability_problem().message
    with pytest.raises(SpeechError):
        player.start(tiny_wav(tmp_path / "a.wav"), "text")


@pytest.mark.skipif(not any(shutil.which(p) for p in ("paplay", "pw-play", "aplay", "play")),
                    reason="no audio player installed")
def test_an_installed_player_is_found():
    player = find_player()
    assert isinstance(player, CommandPlayer) and player.availability_problem() is None


def test_a_command_is_needed():
    with pytest.raises(ValueError):
        CommandPlayer([])
