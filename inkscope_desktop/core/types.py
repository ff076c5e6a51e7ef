"""Request and result types that flow from a trigger through the engine to the window, speech and history."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

#: One visual token of Qwen2-VL covers a 28x28 pixel square (14-pixel patches, merged 2x2).
PIXELS_PER_TOKEN = 28 * 28


class Detail(str, Enum):
    """How many pixels of the image the model sees; image size drives the time to first token.

    ``normal`` keeps a 1280x720 screen at its native size (1,196 visual tokens) and shrinks a 1920x1080
    screen to 69 % (1,222 tokens), where ordinary 13-16 px interface text stays readable for the model.
    ``high`` keeps 1920x1080 at native size (2,691 tokens) for small print; ``low`` is for quick overviews.
    The README's table gives the figures for common screen sizes.
    """

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @property
    def min_pixels(self) -> int:
        return 4 * PIXELS_PER_TOKEN

    @property
    def max_pixels(self) -> int:
        return {"low": 640, "normal": 1280, "high": 3600}[self.value] * PIXELS_PER_TOKEN


@dataclass(frozen=True)
class Sampling:
    """Decoding settings: greedy by default (repeatable captions), or sampling with temperature/top-p.

    None means "what the model's own generation config says" (its ``generation_config.json``, as ``generate``
    would use it); only what the user set is passed over it. Greedy stays greedy whatever that config's sampling
    fields say.
    """

    do_sample: bool = False
    temperature: float | None = None
    top_p: float | None = None
    repetition_penalty: float | None = None


@dataclass(frozen=True)
class Turn:
    """One earlier question about the image and the answer the model gave."""

    prompt: str
    answer: str


@dataclass(frozen=True)
class VideoClip:
    """A stretch of a video to describe: ``start_s`` to ``end_s`` (None: the end), sampled at ``fps``.

    The video is the file at ``path``, or ``frames`` held in memory (a screen recording, never written to
    disk), taken ``frames_fps`` a second. ``max_frames`` caps the frames the model sees and
    ``frame_max_pixels`` each frame's size; the defaults keep a one-minute segment within about 6,000 visual
    tokens (a 2B model on an 8 GB GPU). ``segment_s`` asks for the clip to be described in parts of that
    many seconds, each headed by its time range (``end_s`` must then be known); None describes it at once.
    """

    path: str = ""
    start_s: float = 0.0
    end_s: float | None = None
    fps: float = 1.0
    max_frames: int = 64
    frame_max_pixels: int = 360 * 420
    frames: "tuple[Image.Image, ...]" = field(default=(), repr=False, compare=False)
    frames_fps: float = 0.0
    segment_s: float | None = None

    def __post_init__(self) -> None:
        if self.frames and self.frames_fps <= 0:
            raise ValueError("frames_fps must be positive for in-memory frames")
        if not self.frames and not self.path:
            raise ValueError("a VideoClip needs a path or frames")

    @property
    def is_in_memory(self) -> bool:
        return bool(self.frames)

    @property
    def name(self) -> str:
        """What the clip is called in messages: its file name, or "the recording"."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1] if self.path else "the recording"


@dataclass(frozen=True)
class CaptionRequest:
    """Everything the engine needs to describe one image or answer one question about it.

    ``prompt`` is the exact text of this turn's user message; ``history`` holds the earlier turns about
    the same image, oldest first (the image is attached to the first user message, as in training).
    ``subject`` names what the image is ("screen", "window", "region", "image") for user-facing notices,
    and ``source`` says where it came from ("Active window: Firefox", a file path).
    ``video`` asks about a clip of a video file instead; ``image`` is then None.
    """

    image: "Image.Image | None"
    prompt: str
    history: tuple[Turn, ...] = ()
    detail: Detail = Detail.NORMAL
    max_new_tokens: int = 512
    sampling: Sampling = field(default_factory=Sampling)
    subject: str = "image"
    source: str = ""
    video: VideoClip | None = None

    def __post_init__(self) -> None:
        if self.image is not None:  # a strip or a banner the model could not take (see images.fit_aspect)
            from inkscope_desktop.core.images import fit_aspect

            object.__setattr__(self, "image", fit_aspect(self.image))


@dataclass
class Timings:
    """Seconds spent in each phase of one caption (0.0 where a phase did not run).

    ``load_s`` is how long the engine took to load its model (once per engine, download included);
    ``first_token_s`` runs from the end of preprocessing to the first new token.
    """

    load_s: float = 0.0
    preprocess_s: float = 0.0
    first_token_s: float = 0.0
    decode_s: float = 0.0
    total_s: float = 0.0
    decode_tokens_per_s: float = 0.0

    @classmethod
    def measured(cls, *, started: float, prepared: float, first: float, last: float, ended: float,
                 new_tokens: int, load_s: float = 0.0) -> "Timings":
        """From ``time.perf_counter()`` marks: request start, inputs ready, first and last new token, end."""
        return cls(
            load_s=load_s,
            preprocess_s=prepared - started,
            first_token_s=first - prepared,
            decode_s=last - first,
            total_s=ended - started,
            decode_tokens_per_s=(new_tokens - 1) / (last - first) if new_tokens > 1 and last > first else 0.0,
        )

    def as_dict(self) -> dict[str, float]:
        return {name: round(value, 4) for name, value in vars(self).items()}


class StopReason(str, Enum):
    FINISHED = "finished"  # the model ended its answer
    LENGTH = "length"  # max_new_tokens reached
    CANCELLED = "cancelled"  # the cancel event was set
    BLANK = "blank"  # the blank-image guard answered instead of the model


@dataclass
class CaptionResult:
    """The whole answer with its token counts and timings."""

    text: str
    prompt: str
    stop_reason: StopReason = StopReason.FINISHED
    prompt_tokens: int = 0
    image_tokens: int = 0
    new_tokens: int = 0
    timings: Timings = field(default_factory=Timings)
    engine: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "caption": self.text,
            "prompt": self.prompt,
            "stop_reason": self.stop_reason.value,
            "prompt_tokens": self.prompt_tokens,
            "image_tokens": self.image_tokens,
            "new_tokens": self.new_tokens,
            "engine": self.engine,
            "timings": self.timings.as_dict(),
        }
