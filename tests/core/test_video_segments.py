"""A video described in timed parts (core.video_segments), through the fake engine and the caption service."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from inkscope_desktop.core.service import CaptionService, Finished
from inkscope_desktop.core.types import CaptionRequest, StopReason, VideoClip
from inkscope_desktop.core.video import clip_end_s, clip_segments
from inkscope_desktop.core.video_segments import SegmentedStream, open_caption_stream
from inkscope_desktop.engines.fake import FakeEngine


def frames(count: int) -> tuple[Image.Image, ...]:
    return tuple(Image.new("RGB", (64, 48), (index * 10 % 256, 0, 0)) for index in range(count))


def request(clip: VideoClip) -> CaptionRequest:
    return CaptionRequest(image=None, prompt="Describe this video.", subject="video", video=clip)


def test_a_clip_of_frames_knows_its_length_and_parts() -> None:
    clip = VideoClip(frames=frames(25), frames_fps=2.0, segment_s=5.0)
    assert clip_end_s(clip) == 12.5
    assert clip_segments(clip) == [(0.0, 5.0), (5.0, 10.0), (10.0, 12.5)]
    assert clip_segments(VideoClip("a.mp4", end_s=70.0, segment_s=60.0)) == [(0.0, 60.0), (60.0, 70.0)]
    assert clip_segments(VideoClip("a.mp4", start_s=10.0, end_s=20.0)) == [(10.0, 20.0)]
    assert clip_segments(VideoClip("a.mp4", segment_s=60.0)) == [(0.0, None)]  # no end known: one part
    assert clip.name == "the recording" and VideoClip("/tmp/x/clip.mp4").name == "clip.mp4"


def test_a_clip_needs_a_path_or_frames_with_their_rate() -> None:
    with pytest.raises(ValueError):
        VideoClip()
    with pytest.raises(ValueError):
        VideoClip(frames=frames(2))


def test_parts_stream_after_their_time_ranges_and_join_into_one_result() -> None:
    engine = FakeEngine()
    clip = VideoClip("clip.mp4", end_s=130.0, segment_s=60.0)
    stream = SegmentedStream(engine.stream, request(clip))
    text = "".join(stream)
    result = stream.result
    lines = text.split("\n")
    assert [line.split(": ", 1)[0] for line in lines] == ["0:00–1:00", "1:00–2:00", "2:00–2:10"]
    assert "from 0 s to 60 s" in lines[0] and "from 120 s to 130 s" in lines[2]
    assert result.text == text.strip() and result.stop_reason is StopReason.FINISHED
    assert result.new_tokens == 3 * len(engine.script_for(request(VideoClip("c.mp4", end_s=1.0))).split())


def test_one_part_has_no_heading() -> None:
    stream = SegmentedStream(FakeEngine("A short clip.").stream, request(VideoClip("c.mp4", end_s=30.0,
                                                                                    segment_s=60.0)))
    assert "".join(stream) == "A short clip." and stream.result.text == "A short clip."


def test_cancelling_a_part_ends_the_whole_answer() -> None:
    cancel = threading.Event()
    engine = FakeEngine("one two three four", chunk_delay_s=0.01)
    stream = open_caption_stream(engine, request(VideoClip("c.mp4", end_s=200.0, segment_s=60.0)), cancel)
    seen = []
    for chunk in stream:
        seen.append(chunk)
        if len(seen) == 3:  # the heading and two words of the first part
            cancel.set()
    assert stream.result.stop_reason is StopReason.CANCELLED
    assert "\n" not in "".join(seen)  # no second part was started


def test_the_caption_service_describes_a_video_in_parts() -> None:
    events = []
    done = threading.Event()

    def listen(event):
        events.append(event)
        if isinstance(event, Finished):
            done.set()

    service = CaptionService(FakeEngine("Frames."), listen)
    service.start()
    try:
        service.submit(request(VideoClip(frames=frames(24), frames_fps=2.0, segment_s=5.0)))
        assert done.wait(5)
    finally:
        service.stop()
    result = next(event for event in events if isinstance(event, Finished)).result
    assert result.text == "0:00–0:05: Frames.\n0:05–0:10: Frames.\n0:10–0:12: Frames."
