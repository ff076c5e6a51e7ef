"""Weight files that survive an interrupted download: resumed with a Range request in the next run.

Why this exists: huggingface_hub 2.x writes every download to a process-unique ``<etag>.<random>.incomplete``
file and deletes it when the run fails (``file_download._download_to_tmp_and_move``, since
huggingface_hub#4228), both in the cache and in ``local_dir`` mode, and no setting keeps it. Within one run it
resumes a broken connection, but a run that ends (network gone for good, laptop asleep past the retries,
process killed, machine rebooted) starts the file over next time. For a 4.5 GB model that is not acceptable.

What this does, for the weight files only (``*.safetensors``, nearly all of the bytes): the same HEAD call
``hf_hub_download`` makes (``get_hf_file_metadata``) gives the file's etag, size and download address; the
bytes go to ``<hub cache>/models--<org>--<name>/blobs/<etag>.incomplete``, a name that is the same in every run
(the one huggingface_hub < 1.0 used), through the hub's own ``http_get`` (its retries, Range resume, and fall
back to a full download when a server ignores Range), under the hub's own per-blob lock
(``.locks/models--<org>--<name>/<etag>.lock``), so a concurrent ``hf_hub_download`` of the same file waits
instead of racing. A finished file is checked (size; sha256 when the etag is one, as for every LFS file) and
renamed to ``blobs/<etag>``, exactly where ``hf_hub_download`` would have put it; then ``hf_hub_download``
itself links it into the snapshot (it finds the blob and only creates the pointer), so the cache stays the
hub's and ``resolve_model``, ``scan_cache_dir`` and transformers see an ordinary cached model. The only layout
this code relies on is ``blobs/<etag>`` and ``.locks/.../<etag>.lock``, stable since the cache was introduced.

It also adopts what huggingface_hub itself left behind: a hub download killed before its cleanup ran leaves
``<etag>.<random>.incomplete``; under the blob's lock no hub process is writing it, so the largest one becomes
the file to resume from.

The bytes are written as they arrive (``_receive``), not in the hub's 10 MiB blocks, so a link that drops
every few megabytes still makes progress; within a run a drop, a 5xx, a 429 or a 403 (a signed download address
that expired) is tried again after a growing pause (1 s, 2 s, 4 s … at most 30 s), with fresh metadata and so a
fresh address, up to ``RETRIES`` times in a row without a new byte.

Trade-off: these files come over one plain HTTPS stream (what huggingface_hub does without ``hf_xet``), not
Xet's parallel chunk transfer, which cannot resume across runs. A ``local_dir`` download was not used: it has
the same process-unique, deleted temporary file, and would move the model out of the hub cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from inkscope_desktop.core.errors import DownloadError, ModelError

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".incomplete"
#: Attempts in a row without a new byte before the download gives up (the pauses add up to about a minute).
RETRIES = 6
FIRST_PAUSE_S = 1.0
MAX_PAUSE_S = 30.0
#: Answers that may pass: a timeout, rate limit, an expired signed address (403), server errors.
TRANSIENT_STATUSES = frozenset({403, 408, 429, 500, 502, 503, 504})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_HASH_BLOCK = 8 * 1024 * 1024


@dataclass
class PendingFile:
    """A weight file to fetch into ``blob``: where from, how big, and how many of its bytes are on disk."""

    name: str
    url: str  # where the bytes come from now (a CDN address the hub redirected to, possibly signed)
    headers: dict[str, str]
    etag: str
    size: int | None
    blob: Path
    lock: Path
    counted: int = 0  # bytes on disk when planned (reported as already done)
    source: str = ""  # the hub's own address of the file, asked again for a fresh download address
    endpoint: str | None = None
    timeout: float = 10.0

    @property
    def partial(self) -> Path:
        return self.blob.with_name(self.blob.name + PARTIAL_SUFFIX)


def plan(model_id: str, names: list[str], *, commit: str, storage: Path, locks: Path, endpoint: str | None,
         timeout: float) -> list[PendingFile]:
    """One HEAD call per file in ``names`` (as ``hf_hub_download`` makes); the partial bytes each has on disk.

    Files whose blob is already in the cache count as fully on disk (``hf_hub_download`` only links them).
    Files without an etag are left out: ``snapshot_download`` fetches them the usual way.
    """
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.utils import WeakFileLock, build_hf_headers

    pending: list[PendingFile] = []
    for name in names:
        url = hf_hub_url(model_id, name, revision=commit, endpoint=endpoint)
        meta = get_hf_file_metadata(url, timeout=timeout, endpoint=endpoint)
        if not meta.etag or "/" in meta.etag or meta.etag.startswith("."):
            continue
        headers = build_hf_headers()
        headers["Accept-Encoding"] = "identity"  # byte ranges of the file itself, not of a compressed stream
        location = meta.location or url
        if urlsplit(location).netloc != urlsplit(url).netloc:
            headers.pop("authorization", None)  # a signed CDN address: like the hub, send no token there
        item = PendingFile(name, location, headers, meta.etag, meta.size, storage / "blobs" / meta.etag,
                           locks / f"{meta.etag}.lock", source=url, endpoint=endpoint, timeout=timeout)
        item.blob.parent.mkdir(parents=True, exist_ok=True)
        item.lock.parent.mkdir(parents=True, exist_ok=True)
        with WeakFileLock(item.lock):
            item.counted = _on_disk(item)
        pending.append(item)
    return pending


def fetch(item: PendingFile, *, bar_class: type, adjust: Callable[[int], None],
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Download ``item`` into its blob, resuming its partial file; keep the partial file if this fails.

    ``bar_class`` gets the bytes as they arrive (a tqdm class); ``adjust`` gets the difference between the
    bytes found on disk now and ``item.counted``. Transient failures are tried again (see the module docstring);
    the last one is raised when ``RETRIES`` attempts in a row brought no byte.
    """
    from huggingface_hub.utils import WeakFileLock

    with WeakFileLock(item.lock):
        resume = _on_disk(item)
        if resume != item.counted:
            adjust(resume - item.counted)
            item.counted = resume
        if item.blob.exists():
            return
        item.partial.touch(exist_ok=True)
        bar = bar_class(total=item.size, initial=resume, unit="B", unit_scale=True, desc=item.name)
        with item.partial.open("r+b") as file:
            file.truncate(resume)
            file.seek(resume)
            failures = 0
            while item.size is None or file.tell() < item.size:
                before = file.tell()
                try:
                    if _receive(item, file, bar):
                        break  # the server sent the whole file (its size was not known beforehand)
                    if item.size is not None and file.tell() < item.size:
                        raise _Transient(TimeoutError(f"the connection ended at byte {file.tell():,} of "
                                                      f"{item.size:,}"))
                except _Transient as error:
                    failures = 1 if file.tell() > before else failures + 1
                    if failures > RETRIES:
                        if file.tell() > resume and error.is_drop:  # bytes came, then the link kept failing
                            raise _dropping(item, file.tell()) from error.cause
                        raise error.cause from None
                    pause = min(MAX_PAUSE_S, FIRST_PAUSE_S * 2.0 ** (failures - 1))
                    log.warning("Downloading %s: %s; trying again in %.0f s (%d of %d bytes kept)", item.name,
                                error, pause, file.tell(), item.size or 0)
                    sleep(pause)
                    _refresh_address(item)
            file.flush()
            os.fsync(file.fileno())
        bar.close()
        if _SHA256.match(item.etag) and _sha256(item.partial) != item.etag:
            item.partial.unlink(missing_ok=True)
            adjust(-(item.size or 0))
            raise ModelError(f"The downloaded {item.name} is corrupt (its sha256 does not match the hub's), so "
                             "it was deleted.", "Run the download again.")
        os.replace(item.partial, item.blob)


class _Transient(Exception):
    """A failure worth another try; ``cause`` is what to raise when the tries run out."""

    def __init__(self, cause: BaseException, *, is_drop: bool = True) -> None:
        super().__init__(str(cause) or type(cause).__name__)
        self.cause = cause
        self.is_drop = is_drop  # the connection failed (not an HTTP status the server chose)


def _receive(item: PendingFile, file: BinaryIO, bar: Any) -> bool:
    """One GET from ``file.tell()`` on, every chunk written as it arrives. True when the server ended the body
    normally and the size is unknown; raises _Transient for what may pass (a drop, 5xx, 429, 403)."""
    import httpx2
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session, hf_raise_for_status

    start = file.tell()
    headers = dict(item.headers)
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        with get_session().stream("GET", item.url, headers=headers, follow_redirects=True,
                                  timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT) as response:
            if response.status_code in TRANSIENT_STATUSES:
                raise _Transient(_status_error(response), is_drop=False)
            if response.status_code == 416 and item.size is not None and start >= item.size:
                return True  # nothing left to send
            hf_raise_for_status(response)
            if start and response.status_code == 200:  # the server ignored Range: start the file over
                file.seek(0)
                file.truncate()
                bar.update(-start)
            for chunk in response.iter_bytes():  # whatever arrived, not whole blocks
                if chunk:
                    file.write(chunk)
                    bar.update(len(chunk))
    except _Transient:
        raise
    except (httpx2.TransportError, OSError) as error:  # a drop, a reset, a read that timed out
        raise _Transient(error) from error
    return item.size is None


def _dropping(item: PendingFile, kept: int) -> DownloadError:
    size = f" of {_size(item.size)}" if item.size else ""
    return DownloadError(f"The connection to the Hugging Face hub kept dropping while Inkscope downloaded "
                         f"{item.name}; {_size(kept)}{size} are kept.",
                         "Try again when the connection is steadier: the download goes on from there.")


def _size(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.0f} MB" if count >= 1e6 else \
        f"{count / 1e3:.0f} KB"


def _status_error(response: Any) -> Exception:
    from huggingface_hub.utils import hf_raise_for_status

    try:
        hf_raise_for_status(response)
    except Exception as error:  # noqa: BLE001 - the hub's own error for this status, raised later if tries run out
        return error
    return OSError(f"HTTP {response.status_code}")


def _refresh_address(item: PendingFile) -> None:
    """Ask the hub again where the file is: a signed CDN address may have expired."""
    if not item.source:
        return
    from huggingface_hub import get_hf_file_metadata

    try:
        meta = get_hf_file_metadata(item.source, timeout=item.timeout, endpoint=item.endpoint)
    except Exception as error:  # noqa: BLE001 - the hub may be down as well: try the old address again
        log.info("Could not refresh the address of %s: %s", item.name, error)
        return
    item.url = meta.location or item.source


def _on_disk(item: PendingFile) -> int:
    """Bytes of ``item`` on disk: all of them if its blob exists, else its partial file's (the caller locks).

    The largest partial huggingface_hub left for this etag (``<etag>.<random>.incomplete``) is adopted when it
    is longer than ours; a partial longer than the file is dropped.
    """
    if item.blob.exists():
        return item.blob.stat().st_size
    leftovers = sorted((p for p in item.blob.parent.glob(item.etag + ".*" + PARTIAL_SUFFIX)
                        if p != item.partial and p.is_file()), key=lambda p: p.stat().st_size)
    ours = item.partial.stat().st_size if item.partial.is_file() else 0
    if leftovers and leftovers[-1].stat().st_size > ours:
        os.replace(leftovers.pop(), item.partial)
        ours = item.partial.stat().st_size
    for path in leftovers:
        path.unlink(missing_ok=True)
    if item.size is not None and ours > item.size:
        item.partial.unlink(missing_ok=True)
        return 0
    return ours


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()
