"""Choosing the torch device and dtype: cuda, then mps, then cpu; bf16 where the GPU has it, else fp16."""

from __future__ import annotations

from typing import Any

from inkscope_desktop.core.errors import ModelError
from inkscope_desktop.core.vocabulary import DEVICES

DTYPES = ("auto", "bfloat16", "float16", "float32")


def pick_device(preference: str = "auto") -> str:
    """The torch device to run on; a device asked for but missing is a one-line error with advice."""
    import torch

    name = (preference or "auto").lower()
    kind = name.split(":", 1)[0]
    if kind not in DEVICES:
        raise ModelError(f"Unknown device {preference!r}.", f"Use one of: {', '.join(DEVICES)}.")
    has_cuda = torch.cuda.is_available()
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if kind == "auto":
        return "cuda" if has_cuda else "mps" if has_mps else "cpu"
    if kind == "cuda" and not has_cuda:
        raise ModelError(
            "No CUDA GPU is available to this copy of PyTorch.",
            "Use --device cpu (slow) or install a CUDA build of PyTorch that matches your driver.",
        )
    if kind == "mps" and not has_mps:
        raise ModelError("Apple's Metal (mps) device is not available here.", "Use --device cpu.")
    return name


def pick_dtype(device: str, preference: str = "auto") -> Any:
    """The weights' dtype: bfloat16 on GPUs that support it, float16 on other GPUs, float32 on the CPU."""
    import torch

    name = (preference or "auto").lower()
    if name not in DTYPES:
        raise ModelError(f"Unknown dtype {preference!r}.", f"Use one of: {', '.join(DTYPES)}.")
    if name != "auto":
        return getattr(torch, name)
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.startswith("mps"):
        return torch.float16
    return torch.float32


#: PyTorch's index of CUDA builds (its "Get started" page gives the current one for each CUDA version).
CUDA_WHEELS = "https://download.pytorch.org/whl/cu126"


def describe_device(torch_version: str, cuda_version: str | None, gpu_name: str | None, *, has_mps: bool = False,
                    has_bf16: bool = False) -> str:
    """One line on where descriptions will run, and what to do when that is the CPU (for ``model info``)."""
    if gpu_name:
        dtype = "bfloat16" if has_bf16 else "float16"
        return (f"GPU: {gpu_name} (PyTorch {torch_version}, CUDA {cuda_version}): descriptions run on it in "
                f"{dtype}.")
    if has_mps:
        return f"GPU: Apple's Metal (mps), PyTorch {torch_version}: descriptions run on it in float16."
    if cuda_version is None:
        return (f"No GPU is used: this PyTorch ({torch_version}) is built for the CPU only, so descriptions are slow. "
                f"For an NVIDIA GPU, install torch and torchvision together from {CUDA_WHEELS}.")
    return (f"No GPU is used: this PyTorch ({torch_version}, CUDA {cuda_version}) finds no NVIDIA GPU, so "
            f"descriptions are slow. Check the NVIDIA driver (nvidia-smi should list the GPU).")


def device_report() -> str:
    """``describe_device`` for this machine and this PyTorch."""
    import torch

    has_gpu = torch.cuda.is_available()
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    return describe_device(torch.__version__, torch.version.cuda,
                           torch.cuda.get_device_name(0) if has_gpu else None, has_mps=has_mps,
                           has_bf16=has_gpu and torch.cuda.is_bf16_supported())
