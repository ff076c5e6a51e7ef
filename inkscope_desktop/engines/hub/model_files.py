"""What is on disk for a model: a local folder or a hub cache snapshot, its size, and whether it is complete.

Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from inkscope_desktop.core.errors import ModelNotFoundError
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID

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

_HUB_ID = re.compile(r"^[\w.-]+(/[\w.-]+)?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
NO_WEIGHTS = "*.safetensors weights"


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
    folder = local_folder(source)
    if folder is not None:
        missing = tuple(missing_files(folder))
        return ModelInfo(source, "folder", folder, _disk_size(folder), not missing, missing)
    snapshot = snapshot_dir(source)
    if snapshot is None:
        return ModelInfo(source, "hub", None, 0, False, ("config.json", NO_WEIGHTS))
    missing = tuple(hub_missing(source, snapshot))
    return ModelInfo(source, "hub", snapshot, _disk_size(snapshot), not missing, missing)


def local_folder(source: str) -> Path | None:
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


def is_model_file(name: str) -> bool:
    return (any(fnmatchcase(name, pattern) for pattern in MODEL_FILE_PATTERNS)
            and not any(fnmatchcase(name, pattern) for pattern in IGNORED_FILE_PATTERNS))


def missing_files(folder: Path) -> list[str]:
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
        missing.append(NO_WEIGHTS)
    return missing


def hub_missing(model_id: str, snapshot: Path) -> list[str]:
    """``missing_files`` plus allowed files that the cached tree listing (huggingface_hub 2.x) names."""
    missing = missing_files(snapshot)
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
                if is_model_file(name) and name not in missing and not (snapshot / name).is_file()]
    named_weights = any(name.endswith(".safetensors") for name in missing)
    return [name for name in missing if not (named_weights and name == NO_WEIGHTS)]


def storage_name(model_id: str) -> str:
    return "models--" + model_id.replace("/", "--")


def snapshot_dir(model_id: str, revision: str = "main") -> Path | None:
    """The cached snapshot folder of ``model_id`` at ``revision`` (branch via refs/, or commit), if any."""
    storage = hub_cache_dir() / storage_name(model_id)
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


def _format_size(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f} GB"
    return f"{count / 1e6:.1f} MB"
