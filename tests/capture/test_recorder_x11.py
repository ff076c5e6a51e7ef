"""The screen recorder on a real X server (Xvfb): frames at about the rate asked, bounded memory, a clean stop."""

from __future__ import annotations

import threading
import time

import pytest
from capture_scene import ROOT_RGB, set_root_colour, wait_until

from inkscope_desktop.capture.recorder import ScreenRecorder, shrink
from inkscope_desktop.core.errors import CaptureError


@pytest.fixture
def grab(capturer, xconn):
    set_root_colour(xconn)
    return lambda: capturer.capture_screen().image


def test_frames_come_at_about_the_rate_asked(grab) -> None:
    recorder = ScreenRecorder(grab, fps=5.0, seconds=10.0)
    recorder.start()
    time.sleep(1.5)
    recorder.stop()
    times = recorder.timestamps()
    assert 5 <= len(times) <= 10  # 1.5 s at 5 a second, with room for a slow machine
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert 0.1 < sum(gaps) / len(gaps) < 0.35


def test_memory_stays_within_the_bound(grab) -> None:
    recorder = ScreenRecorder(grab, fps=20.0, seconds=0.2, max_pixels=200 * 120)
    assert recorder.max_frames == 4 and recorder.max_bytes == 4 * 200 * 120 * 3
    recorder.start()
    wait_until(lambda: len(recorder.frames()) == 4, what="four frames")
    time.sleep(0.5)  # ten more ticks: the oldest frames are dropped, not kept
    recorder.stop()
    frames = recorder.frames()
    assert len(frames) == 4
    assert all(frame.mode == "RGB" and frame.width * frame.height <= 200 * 120 for frame in frames)
    assert sum(len(frame.tobytes()) for frame in frames) <= recorder.max_bytes
    assert frames[0].size == (206, 116)  # 1920x1080 scaled by sqrt(24000 / 2073600): 16:9 kept
    assert frames[-1].getpixel((10, 10)) == ROOT_RGB


def test_stop_joins_the_thread_and_start_resumes(grab) -> None:
    recorder = ScreenRecorder(grab, fps=10.0, seconds=5.0)
    recorder.start()
    wait_until(lambda: recorder.frames(), what="a first frame")
    recorder.stop()
    assert not recorder.is_running
    assert not [thread for thread in threading.enumerate() if thread.name == "inkscope-screen-recorder"]
    count = len(recorder.frames())
    time.sleep(0.3)
    assert len(recorder.frames()) == count  # nothing is taken after stop
    recorder.start()
    wait_until(lambda: len(recorder.frames()) > count, what="frames after a restart")
    recorder.stop()
    recorder.clear()
    assert recorder.frames() == []


def test_a_failing_grab_is_kept_and_retried() -> None:
    calls = []

    def grab():
        calls.append(1)
        raise CaptureError("The screen cannot be captured here.", "Check the display.")

    recorder = ScreenRecorder(grab, fps=20.0, seconds=1.0)
    recorder.start()
    wait_until(lambda: len(calls) >= 3, what="three tries")
    recorder.stop()
    assert recorder.frames() == [] and "cannot be captured" in recorder.error.user_text


def test_shrink_keeps_small_images_and_the_aspect() -> None:
    from PIL import Image

    small = Image.new("RGB", (100, 50))
    assert shrink(small, 10_000).size == (100, 50)
    assert shrink(Image.new("RGBA", (1000, 500)), 20_000).size == (200, 100)
