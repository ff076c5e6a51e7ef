"""Where the model comes from: a local folder, or the Hugging Face hub cache (downloaded when allowed).

Downloads resume across runs, also after the process was killed or the machine restarted: the weights'
partial files are kept in the hub cache and continued with a Range request (see hub_resume for how and why).
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from inkscope_desktop.core.errors import ModelError, ModelNotFoundError
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
from inkscope_desktop.engines.hub.progress import ProgressCallback

#: The repository files we download and accept: configs, safetensors weights, tokenizer and chat template.
MODEL_FILE_PATTERNS: tuple[str, ...] = (
    "*.json", "*.safetensors", "*.safetensors.index.json", "tokenizer*", "vocab.json", "merges.txt",
    "*.jinja", "*.txt",
)
#: Never downloaded, even where an allowed pattern matches: pickled or foreign-format weights, and anything
#: in a sub-folder (fine-tune repos often carry whole training checkpoints there).
IGNORED_FILE_PATTERNS: tuple[str, ...] = (
    "*.bin", "*.pt", "*.pth", "*.msgpack", "*.h5", "*.onnx", "*.gguf", "*.ckpt", "*/*",
)

_TRUE_VALUES = {"1", "ON", "YES", "TRUE"}
_HUB_ID = re.compile(r"^[\w.-]+(/[\w.-]+)?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_NO_WEIGHTS = "*.safetensors weights"


def is_offline() -> bool:
    """Whether hub access is switched off, read now the way huggingface_hub reads it at import."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")
    return value is not None and value.upper() in _TRUE_VALUES


def hub_cache_dir() -> Path:
    """The hub cache folder, from HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME or XDG_CACHE_HOME (read now)."""
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface")
    cache = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    cache = cache or os.path.join(os.path.expandvars(os.path.expanduser(home)), "hub")
    return Path(os.path.expandvars(os.path.expanduser(cache)))


def download_command(model_id: str = DEFAULT_MODEL_ID) -> str:
    """The command a person runs to fetch ``model_id``."""
    return f"inkscope-desktop model download {model_id}"


def resolve_model(
    source: str = DEFAULT_MODEL_ID, *, offline: bool | None = None, progress: ProgressCallback | None = None
) -> Path:
    """The folder to load the model from.

    A local folder is checked and returned. A hub id is looked up in the hub cache: a complete snapshot is
    returned without touching the network (``inkscope-desktop model download`` fetches updates); a missing or
    partial one is downloaded, with ``progress``, unless offline (``offline`` or HF_HUB_OFFLINE).
    Raises ModelNotFoundError (one line, with advice) when that is not possible.
    """
    folder = _local_folder(source)
    if folder is not None:
        missing = _missing_files(folder)
        if missing:
            raise _unusable_folder(folder, missing)
        return folder
    snapshot = _snapshot_dir(source)
    if snapshot is not None and not _hub_missing(source, snapshot):
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
    if _local_folder(model_id) is not None:
        raise ModelError(f"{model_id} is a local folder, so there is nothing to download.",
                         "Pass it with --model, or give a hub id such as " + DEFAULT_MODEL_ID + ".")
    if is_offline():
        snapshot = _snapshot_dir(model_id, revision or "main")
        if snapshot is not None and not _hub_missing(model_id, snapshot):
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
        sizes = {s.rfilename: s.size or 0 for s in info.siblings or [] if _is_model_file(s.rfilename)}
        storage = cache / _storage_name(model_id)
        snapshot = storage / "snapshots" / commit
        present = {name for name in sizes if (snapshot / name).is_file()}
        weights = hub_resume.plan(
            model_id, sorted(name for name in sizes if name.endswith(".safetensors") and name not in present),
            commit=commit, storage=storage, locks=cache / ".locks" / _storage_name(model_id), endpoint=endpoint,
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
            raise ModelError(f"The hub model {model_id} changed while it was being downloaded.",
                             f"Run `{download_command(model_id)}` again (what was downloaded is kept).")
        for item in weights:
            hub_resume.fetch(item, bar_class=tracker.file_bar_class(), adjust=tracker.advance)
            hf_hub_download(model_id, item.name, revision=commit, cache_dir=cache, endpoint=endpoint,
                            etag_timeout=timeout)
    except Exception as error:
        from huggingface_hub.errors import OfflineModeIsEnabled

        mapped = _offline_error(model_id) if isinstance(error, OfflineModeIsEnabled) else hub_error(
            error, model_id, revision=revision, endpoint=endpoint, command=download_command(model_id),
            cache_dir=cache)
        if mapped is None:
            raise
        raise mapped from error
    missing = _missing_files(folder)
    if missing:
        raise ModelError(f"The hub model {model_id} has no usable weights: {', '.join(missing)} missing.",
                         "Only safetensors weights are loaded; pick a model that has them, or pass a local "
                         "folder with --model.")
    tracker.finish()
    return folder


@dataclass(frozen=True)
class ModelInfo:
    """What is on disk for a model source; built without touching the network."""

    source: str
    kind: Literal["hub", "folder"]
    path: Path | None
    size_bytes: int
    complete: bool
    missing: tuple[str, ...]

    def describe(self) -> str:
        """A few lines for people: where the model is, its size, whether it is complete, what to run if not."""
        origin = "a local folder" if self.kind == "folder" else "from the Hugging Face hub"
        lines = [f"Model: {self.source} ({origin})"]
        if self.path is None:
            lines.append(f"Location: not downloaded yet (the hub cache is {hub_cache_dir()})")
        else:
            lines += [f"Location: {self.path}", f"Size on disk: {_format_size(self.size_bytes)}"]
        if self.complete:
            lines.append("Status: complete; it works without a network connection.")
            return "\n".join(lines)
        if self.path is None:
            lines.append("Status: not downloaded.")
        else:
            lines.append(f"Status: incomplete; missing {', '.join(self.missing)}.")
        if self.kind == "hub":
            lines.append(f"To fix it, run while online: {download_command(self.source)}")
        else:
            lines.append("To fix it, copy the missing files into the folder (only safetensors weights are "
                         f"loaded), or use the hub model: {download_command()}")
        return "\n".join(lines)


def model_info(source: str = DEFAULT_MODEL_ID) -> ModelInfo:
    """Where ``source`` (hub id or folder) is on disk, its size and what it lacks. Never touches the network."""
    folder = _local_folder(source)
    if folder is not None:
        missing = tuple(_missing_files(folder))
        return ModelInfo(source, "folder", folder, _disk_size(folder), not missing, missing)
    snapshot = _snapshot_dir(source)
    if snapshot is None:
        return ModelInfo(source, "hub", None, 0, False, ("config.json", _NO_WEIGHTS))
    missing = tuple(_hub_missing(source, snapshot))
    return ModelInfo(source, "hub", snapshot, _disk_size(snapshot), not missing, missing)


def _local_folder(source: str) -> Path | None:
    """``source`` as a folder; None for a hub id. Raises for a path that is missing or not a folder."""
    if not source.strip():
        raise ModelNotFoundError("No model was given.", f"Pass a hub id such as {DEFAULT_MODEL_ID} or a folder.")
    path = Path(source).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.exists():
        raise ModelNotFoundError(f"{path} is a file, not a model folder.",
                                 "Pass the folder that holds config.json and the *.safetensors weights.")
    looks_like_path = source.startswith(("/", ".", "~")) or "\\" in source or not _HUB_ID.match(source)
    if looks_like_path or "--" in source or ".." in source:
        raise ModelNotFoundError(f"The model folder {path.absolute()} does not exist.",
                                 f"Check the path, or pass a hub id such as {DEFAULT_MODEL_ID}.")
    return None


def _is_model_file(name: str) -> bool:
    return (any(fnmatchcase(name, pattern) for pattern in MODEL_FILE_PATTERNS)
            and not any(fnmatchcase(name, pattern) for pattern in IGNORED_FILE_PATTERNS))


def _missing_files(folder: Path) -> list[str]:
    """What ``folder`` lacks to be loaded: config.json, safetensors weights, shards its index lists."""
    missing = [] if (folder / "config.json").is_file() else ["config.json"]
    indexes = sorted(folder.glob("*.safetensors.index.json"))
    for index in indexes:
        try:
            shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            missing.append(f"{index.name} (unreadable)")
            continue
        missing += sorted(str(shard) for shard in shards if not (folder / str(shard)).is_file())
    if not indexes and not any(path.is_file() for path in folder.glob("*.safetensors")):
        missing.append(_NO_WEIGHTS)
    return missing


def _hub_missing(model_id: str, snapshot: Path) -> list[str]:
    """``_missing_files`` plus allowed files that the cached tree listing (huggingface_hub 2.x) names."""
    missing = _missing_files(snapshot)
    try:
        from huggingface_hub import get_cached_repo_tree
        from huggingface_hub.errors import CachedRepoTreeNotFoundError
    except ImportError:  # huggingface_hub < 2 keeps no listing: the checks above are all we have
        return missing
    try:
        listed = [entry.path for entry in get_cached_repo_tree(
            model_id, revision=snapshot.name, cache_dir=snapshot.parent.parent.parent)]
    except (CachedRepoTreeNotFoundError, OSError, ValueError):
        return missing
    missing += [name for name in listed
                if _is_model_file(name) and name not in missing and not (snapshot / name).is_file()]
    named_weights = any(name.endswith(".safetensors") for name in missing)
    return [name for name in missing if not (named_weights and name == _NO_WEIGHTS)]


def _storage_name(model_id: str) -> str:
    return "models--" + model_id.replace("/", "--")


def _snapshot_dir(model_id: str, revision: str = "main") -> Path | None:
    """The cached snapshot folder of ``model_id`` at ``revision`` (branch via refs/, or commit), if any."""
    storage = hub_cache_dir() / _storage_name(model_id)
    commit = revision
    if not _COMMIT.match(revision):
        try:
            commit = (storage / "refs" / revision).read_text(encoding="utf-8").strip()
        except OSError:
            return None
    snapshot = storage / "snapshots" / commit
    return snapshot if commit and snapshot.is_dir() else None


def _disk_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            pass
    return total


def _seconds(text: str | None, *, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _format_size(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f} GB"
    return f"{count / 1e6:.1f} MB"


def _unusable_folder(folder: Path, missing: list[str]) -> ModelNotFoundError:
    bins = sorted(p.name for p in folder.iterdir() if p.suffix in {".bin", ".pt", ".pth"})
    found = f" (it has {', '.join(bins[:2])}, which is not loaded)" if bins and _NO_WEIGHTS in missing else ""
    return ModelNotFoundError(
        f"The model folder {folder} is missing {', '.join(missing)}{found}.",
        "Only safetensors weights are loaded: add the missing files, or use the hub model with "
        f"{download_command()}.")


def _offline_error(model_id: str, *, partial: bool = False) -> ModelNotFoundError:
    state = "only partly downloaded" if partial else "not downloaded"
    return ModelNotFoundError(
        f"The model {model_id} is {state} and offline mode is on.",
        f"Run `{download_command(model_id)}` while online (or unset HF_HUB_OFFLINE), "
        "or pass a local model folder with --model.")
