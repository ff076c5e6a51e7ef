"""Loading Qwen2-VL from a folder the real way: ``from_pretrained``, safetensors only, no remote code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inkscope_desktop.core.errors import ModelError
from inkscope_desktop.engines.local import gpu_memory


def load_model(path: Path | str, device: str, dtype: Any) -> tuple[Any, Any]:
    """The model (in eval mode, on ``device``) and its processor, from the folder ``path``; nothing is downloaded
    here. A folder that cannot be loaded is a one-line ModelError with advice; too little GPU memory too."""
    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # callers show their own status; keep stderr clean
    try:
        model = Qwen2VLForConditionalGeneration.from_pretrained(
            path,
            dtype=dtype,
            attn_implementation="sdpa",
            use_safetensors=True,
            trust_remote_code=False,
            local_files_only=True,
        )
        processor = AutoProcessor.from_pretrained(path, trust_remote_code=False, local_files_only=True)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelError(
            f"The model in {path} could not be loaded ({type(error).__name__}: {error}).",
            "Download it again with: inkscope-desktop model download, or choose another model folder.",
        ) from error
    loaded: Any = model  # transformers' typing of .to() does not take a device name
    try:
        model = loaded.to(device).eval()
    except RuntimeError as error:
        raise gpu_memory.load_memory_error(error, "loading") from error
    return model, processor


def warm_up_image() -> Any:
    """A 1280x720 image of seeded noise: a screenshot's size, never blank."""
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(7).integers(0, 256, size=(720, 1280, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")
