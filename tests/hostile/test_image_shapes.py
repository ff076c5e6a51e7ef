"""Any width and height from 1 to 20,000 pixels, in every format the app reads: the real engine (the tiny model)
gives a caption or a one-line error, never a traceback. Areas are kept under 4 million pixels so the test stays
light; the decompression-bomb limit above that has its own tests in tests/core."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.images import load_image_bytes
from inkscope_desktop.core.types import Detail

#: The largest side each format can be written with (WebP stops at 16,383; GIF and TIFF hold 65,535).
FORMATS = {"PNG": 20_000, "JPEG": 20_000, "GIF": 20_000, "BMP": 20_000, "TIFF": 20_000, "WEBP": 16_383}
MAX_AREA = 4_000_000


@st.composite
def pictures(draw) -> tuple[str, int, int]:
    kind = draw(st.sampled_from(sorted(FORMATS)))
    side = st.one_of(st.integers(1, 40), st.integers(1, FORMATS[kind]), st.sampled_from([1, 2, 27, 28, 29, 199, 200,
                                                                                           201, FORMATS[kind]]))
    width, height = draw(side), draw(side)
    if width * height > MAX_AREA:
        height = max(1, MAX_AREA // width)
    return kind, width, height


def encoded(kind: str, width: int, height: int) -> bytes:
    rng = np.random.default_rng(width * 31 + height)
    image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.model
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(pictures())
def test_any_shape_in_any_format_is_described_or_refused_in_one_line(tiny_engine, picture):
    kind, width, height = picture
    try:
        image = load_image_bytes(encoded(kind, width, height), f"shot.{kind.lower()}")
        request = Conversation(image, detail=Detail.LOW, max_new_tokens=2).request("What is shown?")
        result = tiny_engine.describe(request)
    except InkscopeError as error:  # a refusal must be one line that names what to do
        assert "\n" not in error.user_text and error.advice, error.user_text
        return
    assert result.stop_reason.value in ("finished", "length", "blank")
