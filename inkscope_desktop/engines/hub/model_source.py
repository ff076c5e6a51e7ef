"""Where the model comes from: a local folder, or the Hugging Face hub cache (downloaded when allowed).

Downloads resume across runs, also after the process was killed or the machine restarted: the weights'
partial files are kept in the hub cache and continued with a Range request (see hub_resume for how and why).
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from inkscope_desktop.core.errors import DownloadError, ModelError, ModelNotFoundError
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
from inkscope_desktop.engines.hub.model_files import (
    IGNORED_FILE_PATTERNS, MODEL_FILE_PATTERNS, NO_WEIGHTS, ModelInfo, download_command, hub_cache_dir, hub_missing,
    is_model_file, local_folder, missing_files, model_info, snapshot_dir, storage_name,
)
from inkscope_desktop.engines.hub.progress import ProgressCallback

__all__ = ["DEFAULT_MODEL_ID", "IGNORED_FILE_PATTERNS", "MODEL_FILE_PATTERNS", "ModelInfo", "ProgressCallback",
           "download_command", "download_model", "hub_cache_dir", "is_offline", "model_info", "resolve_model"]

_TRUE_VALUES = {"1", "ON", "YES", "TRUE"}


def is_offline() -> bool:
    """Whether hub access is switched off, read now the way huggingface_hub reads it at import."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")
    return value is not None and value.upper() in _TRUE_VALUES


def resolve_model(
    source: str = DEFAULT_MODEL_ID, *, offline: bool | None = None, progress: ProgressCallback | None = None
) -> Path:
    """The folder to load the model from.

    A local folder is checked and returned. A hub id is looked up in the hub cache: a complete snapshot is
    returned without touching the network (``inkscope-desktop model download`` fetches updates); a missing or
    partial one is downloaded, with ``progress``, unless offline (``offline`` or HF_HUB_OFFLINE).
    Raises ModelNotFoundError (one line, with advice) when that is not possible.
    """
    folder = local_folder(source)
    if folder is not None:
        missing = missing_files(folder)
        if missing:
            raise _unusable_folder(folder, missing)
        return folder
    snapshot = snapshot_dir(source)
    if snapshot is not None and not hub_missing(source, snapshot):
        return snapshot
    if is_offline() if offline is None else offline:
        raise _offline_error(source, partial=snapshot is not None)
    return download_model(source, progress=progress)


def download_model(
    model_id: str = DEFAULT_MODEL_ID, *, progress: ProgressCallback | None = None, revision: str | None = None
) -> Path:
    """Fetch the allowed files of hub model ``model_id`` into the hub cache; return its snapshot folder.

    Uses ``huggingface_hub.snapshot_download`` with MODEL_FILE_PATTERNS / IGNORED_FILE_PATTERNS for everything
    but the missing ``*.safetensors`` weights, then fetches those with hub_resume: into a partial file with a
    fixed name in the cache's ``blobs/`` folder, kept when the run fails or the process dies, so the next run
    resumes it with a Range request, then renamed to the blob ``hf_hub_download`` expects and linked into the
    snapshot by ``hf_hub_download``. Finished files are kept, so a later run only fetches what is missing.
    Within one run, a broken connection is resumed by huggingface_hub's own retries (up to 5 in a row without
    new bytes).

    Progress: the total is the sum of the allowed files' sizes from the repository metadata (one
    ``model_info(files_metadata=True)`` call, which also checks the id before anything is written). Done starts
    at the bytes already on disk (finished files and partial weights) and grows with the byte bars
    ``snapshot_download`` and ``http_get`` feed through their ``tqdm_class`` hooks (see hub_progress.ByteProgress);
    no polling of the cache. Calls are monotonic and end with ``done == total``.
    """
    if local_folder(model_id) is not None:
        raise ModelError(f"{model_id} is a local folder, so there is nothing to download.",
                         "Pass it with --model, or give a hub id such as " + DEFAULT_MODEL_ID + ".")
    if is_offline():
        snapshot = snapshot_dir(model_id, revision or "main")
        if snapshot is not None and not hub_missing(model_id, snapshot):
            return snapshot
        raise _offline_error(model_id, partial=snapshot is not None)
    from huggingface_hub import HfApi, hf_hub_download, snapshot_download

    from inkscope_desktop.engines.hub import resume as hub_resume
    from inkscope_desktop.engines.hub.progress import ByteProgress, hub_error

    cache, endpoint = hub_cache_dir(), os.environ.get("HF_ENDPOINT", "").rstrip("/") or None
    timeout = _seconds(os.environ.get("HF_HUB_ETAG_TIMEOUT"), default=10.0)
    try:
        info = HfApi(endpoint=endpoint).model_info(model_id, revision=revision, files_metadata=True,
                                                   timeout=timeout)
        commit = str(info.sha)
        sizes = {s.rfilename: s.size or 0 for s in info.siblings or [] if is_model_file(s.rfilename)}
        storage = cache / storage_name(model_id)
        snapshot = storage / "snapshots" / commit
        present = {name for name in sizes if (snapshot / name).is_file()}
        check_free_space(cache, sum(size for name, size in sizes.items() if name not in present)
                         - _partial_bytes(storage), model_id)
        weights = hub_resume.plan(
            model_id, sorted(name for name in sizes if name.endswith(".safetensors") and name not in present),
            commit=commit, storage=storage, locks=cache / ".locks" / storage_name(model_id), endpoint=endpoint,
            timeout=timeout)
        already = sum(sizes[name] for name in present) + sum(item.counted for item in weights)
        tracker = ByteProgress(progress, total=sum(sizes.values()), already_done=already)
        tracker.start()
        folder = Path(snapshot_download(
            model_id, revision=revision, cache_dir=cache, endpoint=endpoint, etag_timeout=timeout,
            allow_patterns=list(MODEL_FILE_PATTERNS),
            ignore_patterns=[*IGNORED_FILE_PATTERNS, *(glob.escape(item.name) for item in weights)],
            tqdm_class=tracker.bar_class(),
        ))
        if folder.name != commit:
            raise DownloadError(f"The model {model_id} changed on the Hugging Face hub while Inkscope downloaded it.",
                                "Try again; what was already downloaded is kept.")
        for item in weights:
            hub_resume.fetch(item, bar_class=tracker.file_bar_class(), adjust=tracker.advance)
            hf_hub_download(model_id, item.name, revision=commit, cache_dir=cache, endpoint=endpoint,
                            etag_timeout=timeout)
    except Exception as error:
        from huggingface_hub.errors import OfflineModeIsEnabled

        mapped = _offline_error(model_id) if isinstance(error, OfflineModeIsEnabled) else hub_error(
            error, model_id, revision=revision, endpoint=endpoint, cache_dir=cache)
        if mapped is None:
            raise
        raise mapped from error
    missing = missing_files(folder)
    if missing:
        raise ModelError(f"The hub model {model_id} has no usable weights: {', '.join(missing)} missing.",
                         "Only safetensors weights are loaded; pick a model that has them, or pass a local "
                         "folder with --model.")
    tracker.finish()
    return folder


#: Room left free beyond the model's own bytes (the hub's lock files, the snapshot's links, the system).
SPACE_MARGIN_BYTES = 200_000_000


def check_free_space(cache: Path, needed: int, model_id: str) -> None:
    """DownloadError, before anything is written, when the disk under ``cache`` lacks ``needed`` more bytes."""
    import shutil

    folder = cache
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent  # the cache may not exist yet: measure the disk it will be on
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed > 0 and free < needed + SPACE_MARGIN_BYTES:
        raise DownloadError(
            f"The model {model_id} needs {_gigabytes(needed + SPACE_MARGIN_BYTES)} free in {cache}, but that disk "
            f"has only {_gigabytes(free)} free, so the download did not start.",
            "Free some space there, or set HF_HOME to a folder on a larger disk, then try again.")


def _gigabytes(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e8 else f"{count / 1e6:.0f} MB"


def _partial_bytes(storage: Path) -> int:
    """Bytes of weights already on disk in partial files (resumed, so they need no new space)."""
    try:
        return sum(path.stat().st_size for path in (storage / "blobs").glob("*.incomplete") if path.is_file())
    except OSError:
        return 0


def _seconds(text: str | None, *, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _unusable_folder(folder: Path, missing: list[str]) -> ModelNotFoundError:
    bins = sorted(p.name for p in folder.iterdir() if p.suffix in {".bin", ".pt", ".pth"})
    found = f" (it has {', '.join(bins[:2])}, which is not loaded)" if bins and NO_WEIGHTS in missing else ""
    return ModelNotFoundError(
        f"The model folder {folder} is missing {', '.join(missing)}{found}.",
        "Only safetensors weights are loaded: add the missing files, or use the hub model with "
        f"{download_command()}.")


def offline_switch() -> str:
    """What switched offline mode on, as the user would name it: an environment variable, else --offline."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if (os.environ.get(name) or "").upper() in ("1", "ON", "YES", "TRUE"):
            return name
    return "--offline"


def _offline_error(model_id: str, *, partial: bool = False) -> DownloadError:
    """Offline mode is on and the model is not (all) here: say so, name the switch, and how to go online."""
    state = "only partly downloaded" if partial else "not downloaded yet"
    switch = offline_switch()
    how = f"unset {switch}" if switch != "--offline" else "leave out --offline"
    return DownloadError(
        f"The model {model_id} is {state}, and offline mode is on ({switch}), so Inkscope did not download it.",
        f"To download it, {how} while this computer is online, then try again.", is_offline=True)
