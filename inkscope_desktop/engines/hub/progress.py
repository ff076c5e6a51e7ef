"""Hub download plumbing: one (bytes done, bytes total) callback for a whole snapshot, one-line hub errors."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inkscope_desktop.core.errors import DownloadError, ModelError, ModelNotFoundError

#: (bytes done, bytes total) of a whole model download.
ProgressCallback = Callable[[int, int], None]


class ByteProgress:
    """Turns the progress bars ``snapshot_download`` creates into a single monotonic byte callback.

    ``snapshot_download(tqdm_class=...)`` builds its bars from the class it is given. In huggingface_hub 2.x it
    makes two byte bars (``unit="B"``) that every file download in every worker thread feeds: bytes written to
    disk and bytes received from the network (one bar in older releases); plain HTTP and Xet downloads both
    report into them. It also makes a files-done bar, which is not in bytes and is ignored here.

    The bar class from :meth:`bar_class` draws nothing; each ``update`` takes the largest count among the byte
    bars (both measure the same files), adds the bytes that were already on disk before the download started,
    and reports ``(done, total)``. ``total`` comes from the repository's file sizes when known (so it is right
    from the first call), otherwise from the bars' totals as files start. ``done`` never goes down (a server
    that ignores a Range request makes the hub roll its bar back), never exceeds ``total``, and
    :meth:`finish` ends with ``done == total``. Calls come from the downloading threads, under one lock, so
    they arrive in order.

    Files fetched outside ``snapshot_download`` (hub_resume) use :meth:`file_bar_class` instead: their bars
    add to the bytes done directly, leaving out the resumed bytes (``initial``), already in ``already_done``.
    """

    def __init__(self, callback: ProgressCallback | None, *, total: int, already_done: int = 0) -> None:
        self._callback = callback
        self._known_total = max(0, total)
        self._base = max(0, already_done)
        self._bars: list[Any] = []
        self._lock = threading.Lock()
        self._total = self._known_total or self._base
        self._done = min(self._base, self._total)
        self._reported: tuple[int, int] | None = None

    def start(self) -> None:
        """Report where the download starts (the bytes already in the cache)."""
        with self._lock:
            self._report()

    def finish(self) -> None:
        """Report the download as complete: ``done == total``."""
        with self._lock:
            self._total = max(self._total, self._done)
            self._done = self._total
            self._report()

    def bar_class(self) -> type:
        """A silent ``tqdm`` subclass bound to this object, for ``snapshot_download(tqdm_class=...)``."""
        from tqdm.std import tqdm

        progress = self

        class SilentByteBar(tqdm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self.counts_bytes = kwargs.get("unit") == "B"
                kwargs["disable"] = True
                super().__init__(*args, **kwargs)
                if self.counts_bytes:
                    progress._add_bar(self)

            def update(self, n: float | None = 1) -> bool:
                # A disabled tqdm ignores updates, but the hub reads ``n`` back: count here, under the lock,
                # since several download threads update the same bar.
                progress._count(self, n or 0)
                return True

        return SilentByteBar

    def file_bar_class(self) -> type:
        """A silent ``tqdm`` subclass for one file's ``http_get``: every update adds to the bytes done."""
        from tqdm.std import tqdm

        progress = self

        class SilentFileBar(tqdm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["disable"] = True
                super().__init__(*args, **kwargs)

            def update(self, n: float | None = 1) -> bool:
                self.n += n or 0
                progress.advance(int(n or 0))
                return True

        return SilentFileBar

    def advance(self, n: int) -> None:
        """Add ``n`` bytes (negative when a download restarts) to the bytes done outside the byte bars."""
        with self._lock:
            self._base += n
            self._changed()

    def _add_bar(self, bar: Any) -> None:
        with self._lock:
            self._bars.append(bar)

    def _count(self, bar: Any, n: float) -> None:
        with self._lock:
            bar.n += n
            if bar.counts_bytes:
                self._changed()

    def _changed(self) -> None:
        """Recompute and report (done, total); the caller holds the lock."""
        counted = max((int(bar.n) for bar in self._bars), default=0)
        if not self._known_total:
            started = max((int(bar.total or 0) for bar in self._bars), default=0)
            self._total = max(self._total, self._base + started)
        self._done = max(self._done, min(self._total, self._base + counted))
        self._report()

    def _report(self) -> None:
        """Call back with (done, total) if it changed; the caller holds the lock, so calls stay in order."""
        state = (self._done, self._total)
        if self._callback is not None and state != self._reported:
            self._reported = state
            self._callback(*state)


def hub_error(error: Exception, model_id: str, *, revision: str | None, endpoint: str | None,
              cache_dir: Path) -> ModelError | None:
    """A one-line error in plain words (what Inkscope tried, why it failed, what to do) for a failed hub download;
    None if unexpected. No exception names and no markup: a screen reader reads it as it is. The advice names no
    command or option, so it holds for the app and every command alike."""
    from huggingface_hub import errors as hub

    tried = f"Inkscope tried to download its model, {model_id}, from the Hugging Face hub"
    again = "then try again; what was already downloaded is kept."
    status = getattr(getattr(error, "response", None), "status_code", None)
    if isinstance(error, hub.RevisionNotFoundError):
        return ModelNotFoundError(f"The model {model_id} has no version called {revision} on the Hugging Face hub.",
                                  "Check the version name, or leave it out to get the latest one.")
    if isinstance(error, hub.RepositoryNotFoundError) or status == 401:
        return ModelNotFoundError(
            f"The Hugging Face hub has no model {model_id} that this computer may download: the name is wrong, or "
            "the model is private.", "Check the model's name, or log in to the hub with: hf auth login")
    if isinstance(error, hub.HfHubHTTPError):
        return DownloadError(f"{tried}, but the hub answered with an error (HTTP {status}).", f"Wait a while, {again}")
    if isinstance(error, (*_transport_errors(), hub.LocalEntryNotFoundError)):
        where = f" at {endpoint}" if endpoint else ""
        return DownloadError(f"{tried}, but could not reach the hub{where}: there is no internet connection, or a "
                             "proxy or firewall blocks it.", f"Check the internet connection, {again}")
    if isinstance(error, OSError):
        detail = (error.strerror or str(error).strip().splitlines()[0]) if str(error).strip() else "a disk error"
        return DownloadError(f"{tried}, but could not save it ({detail}).",
                             f"Check that {cache_dir} is writable and has free space, {again}")
    return None


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network failure types of whichever HTTP library huggingface_hub has loaded (httpx2, httpx, requests)."""
    found: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module_name, names in (("httpx2", ("TransportError",)), ("httpx", ("TransportError",)),
                               ("requests", ("ConnectionError", "Timeout"))):
        module = sys.modules.get(module_name)
        for name in names:
            kind = getattr(module, name, None)
            if isinstance(kind, type) and issubclass(kind, BaseException):
                found.append(kind)
    return tuple(found)
