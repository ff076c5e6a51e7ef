"""The remote engine: streams captions from an OpenAI-compatible chat-completions server (vLLM, SGLang, Ollama…)."""

from __future__ import annotations

import base64
import io
import ipaddress
import logging
import math
import queue
import threading
import time
import urllib.parse
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from inkscope_desktop.core.errors import GenerationError, ModelError, VideoError
from inkscope_desktop.core.prompts import build_messages
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, Detail, StopReason, Timings
from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV
from inkscope_desktop.engines.remote.api_keys import read_api_key
from inkscope_desktop.engines.base import CaptionEngine, ProgressCallback
from inkscope_desktop.engines.remote.stream import CallSettings, ChatCompletionCall, StreamEnd

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 60.0
#: The whole request at most: a 512-token caption at 2 tokens a second still fits.
DEFAULT_DEADLINE_S = 600.0
#: Characters a token is allowed before the client stops reading past max_new_tokens (tokens average 3 to 4
#: characters in English; 8 leaves room for long words and other scripts, and still bounds the answer).
MAX_CHARS_PER_TOKEN = 8
#: How often the consumer wakes while waiting for the server, to notice a cancel.
POLL_S = 0.05
#: Qwen2-VL sizes images in multiples of 28 pixels (14-pixel patches merged 2x2).
_FACTOR = 28


class RemoteEngine(CaptionEngine):
    """Asks a server that speaks OpenAI's streaming chat-completions protocol, with the image as a data URL.

    ``base_url`` is the API root (``http://127.0.0.1:8000/v1``; a URL with no path gets ``/v1``), ``model``
    the name the server knows the model by. The API key is read at each request from the environment variable
    ``api_key_env`` or, when that is unset and ``use_keyring`` is on, from the system keyring entry for
    ``base_url`` (``api_keys.py``); it is sent only as a bearer token, never stored or logged.
    ``timeout_s`` bounds connecting and each silence in the stream, ``deadline_s`` the whole request (a server
    that trickles a token a second never ends it otherwise). The answer is read up to ``max_new_tokens``: past
    ``MAX_CHARS_PER_TOKEN`` characters a token, or the server's own count, reading stops (stop reason "length").
    429 and 5xx answers, and connections refused,
    reset or timed out before the answer began, are tried ``attempts`` times in all, pausing ``backoff_s``, then
    twice that, and so on.

    ``load`` touches no network: it checks the URL and warns when a plain ``http://`` URL points off this
    machine (images would cross the network unencrypted). The first request is the first contact.
    Streams are independent, so one engine may serve several threads at once (``describe --concurrency``).
    """

    name = "remote"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key_env: str = DEFAULT_API_KEY_ENV,
        use_keyring: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        deadline_s: float = DEFAULT_DEADLINE_S,
        attempts: int = 4,
        backoff_s: float = 0.5,
        image_format: str = "PNG",
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.use_keyring = use_keyring
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.image_format = image_format.upper()
        self._is_loaded = False

    @property
    def endpoint(self) -> str:
        """The chat-completions URL requests are posted to."""
        parts = urllib.parse.urlsplit(self.base_url)
        root = self.base_url if parts.path else f"{self.base_url}/v1"
        return f"{root}/chat/completions"

    @property
    def is_loaded(self) -> bool:
        return self._is_loaded

    def load(self, progress: ProgressCallback | None = None) -> None:
        if self._is_loaded:
            return
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"The server URL {self.base_url!r} is not an http:// or https:// address.",
                             "Give the server's API root, e.g. --base-url http://127.0.0.1:8000/v1.")
        if not self.model.strip():
            raise ModelError("No model name was given for the remote server.",
                             "Give the name the server knows the model by, e.g. --remote-model NAME.")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            log.warning("Images will be sent unencrypted to %s: use https:// for servers off this machine.",
                        parts.hostname)
        self._is_loaded = True

    def unload(self) -> None:
        self._is_loaded = False

    def request_body(self, request: CaptionRequest) -> dict[str, Any]:
        """The JSON body posted for ``request``: the conversation, the image as a data URL, streaming on."""
        sampling = request.sampling
        body: dict[str, Any] = {
            "model": self.model,
            "messages": chat_messages(request, self.image_format),
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": request.max_new_tokens,
        }
        if not sampling.do_sample:
            body["temperature"] = 0.0  # greedy
            return body
        for name, value in (("temperature", sampling.temperature), ("top_p", sampling.top_p)):
            if value is not None:  # else the server's own default for the model
                body[name] = value
        if sampling.repetition_penalty is not None:
            body["repetition_penalty"] = sampling.repetition_penalty  # vLLM's extension of the OpenAI API
        return body

    def _settings(self) -> CallSettings:
        key = read_api_key(self.api_key_env, self.base_url, use_keyring=self.use_keyring)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return CallSettings(self.endpoint, headers, self.timeout_s, self.attempts, self.backoff_s)

    def _generate(
        self, request: CaptionRequest, cancel: threading.Event
    ) -> Generator[str, None, CaptionResult]:
        if request.video is not None:  # chat completions take images, not videos
            raise VideoError("The remote server cannot describe videos.",
                             "Describe them on this computer: turn the remote server off in Settings, "
                             "or use --engine qwen2-vl.")
        self.load()
        started = time.perf_counter()
        body = self.request_body(request)
        prepared = time.perf_counter()
        call = ChatCompletionCall(self._settings(), body, cancel)
        call.start()
        pieces: list[str] = []
        end = StreamEnd()
        first_at = last_at = None
        deadline = time.monotonic() + self.deadline_s
        most_chars, chars, is_cut = request.max_new_tokens * MAX_CHARS_PER_TOKEN, 0, False
        try:
            while not cancel.is_set():
                if time.monotonic() > deadline:
                    what = "finish its answer" if first_at is not None else "answer"  # still connecting, or silent
                    raise GenerationError(
                        f"The server at {self.endpoint} did not {what} within {self.deadline_s:g} s.",
                        "Try again, or allow more time: --deadline SECONDS, or in the app: "
                        "inkscope-desktop config set remote.deadline_s SECONDS")
                try:
                    event = call.events.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if isinstance(event, StreamEnd):
                    end = event
                    break
                if isinstance(event, Exception):
                    raise event
                assert isinstance(event, str)
                last_at = time.perf_counter()
                first_at = first_at or last_at
                event = event[:max(0, most_chars - chars)]
                chars += len(event)
                pieces.append(event)
                self.tokens_generated = len(pieces)
                if event:
                    yield event
                if chars >= most_chars or len(pieces) >= request.max_new_tokens * 4:
                    log.warning("The server's answer went past max_new_tokens (%d); reading stopped",
                                request.max_new_tokens)
                    is_cut = True
                    break
        finally:
            call.close()
        ended = time.perf_counter()
        usage = end.usage if isinstance(end.usage, dict) else {}
        new_tokens = _count(usage.get("completion_tokens")) or len(pieces)
        if cancel.is_set():
            stop_reason = StopReason.CANCELLED
        elif end.finish_reason == "length" or is_cut:
            stop_reason = StopReason.LENGTH
        else:
            stop_reason = StopReason.FINISHED
        first, last = first_at or ended, last_at or ended
        return CaptionResult(
            text="".join(pieces).strip(),
            prompt=request.prompt,
            stop_reason=stop_reason,
            prompt_tokens=_count(usage.get("prompt_tokens")),
            new_tokens=new_tokens,
            timings=Timings.measured(started=started, prepared=prepared, first=first, last=last, ended=ended,
                                     new_tokens=new_tokens),
            engine=self.name,
        )


def chat_messages(request: CaptionRequest, image_format: str = "PNG") -> list[dict[str, Any]]:
    """``build_messages`` in OpenAI's format: the image becomes a data URL sized for the detail level."""
    messages = []
    for message in build_messages(request):
        if message["role"] == "assistant":
            messages.append({"role": "assistant", "content": message["content"][0]["text"]})
            continue
        content = []
        for item in message["content"]:
            if item["type"] == "image":
                url = image_data_url(item["image"], request.detail, image_format)
                content.append({"type": "image_url", "image_url": {"url": url}})
            else:
                content.append({"type": "text", "text": item["text"]})
        messages.append({"role": message["role"], "content": content})
    return messages


def image_data_url(image: Image.Image, detail: Detail, image_format: str = "PNG") -> str:
    """``image`` resized as the local engine would see it at ``detail``, encoded as a PNG or JPEG data URL."""
    from PIL import Image

    width, height = fitted_size(*image.size, min_pixels=detail.min_pixels, max_pixels=detail.max_pixels)
    picture = image.convert("RGB")
    if (width, height) != picture.size:
        picture = picture.resize((width, height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        picture.save(buffer, "JPEG", quality=90)
        mime = "image/jpeg"
    elif image_format == "PNG":
        picture.save(buffer, "PNG", optimize=False, compress_level=3)
        mime = "image/png"
    else:
        raise GenerationError(f"Images cannot be sent as {image_format}.", "Choose PNG or JPEG.")
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def fitted_size(width: int, height: int, *, min_pixels: int, max_pixels: int) -> tuple[int, int]:
    """Width and height in multiples of 28 within the pixel budget, as Qwen2-VL's ``smart_resize`` picks them.

    The local engine resizes the same way, so a Qwen2-VL server sees the very pixels the local model would.
    """
    def round_to(value: float) -> int:
        return max(_FACTOR, round(value / _FACTOR) * _FACTOR)

    new_height, new_width = round_to(height), round_to(width)
    if new_height * new_width > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        new_height = max(_FACTOR, math.floor(height / beta / _FACTOR) * _FACTOR)
        new_width = max(_FACTOR, math.floor(width / beta / _FACTOR) * _FACTOR)
    elif new_height * new_width < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        new_height = math.ceil(height * beta / _FACTOR) * _FACTOR
        new_width = math.ceil(width * beta / _FACTOR) * _FACTOR
    return new_width, new_height


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost`` or a loopback address), where plain HTTP stays local."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
