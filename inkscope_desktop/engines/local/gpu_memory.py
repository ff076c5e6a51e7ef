"""GPU memory for the Qwen2-VL engine: what the model holds and the peak of a caption, and what an
out-of-memory error tells the user to do. Every function is a no-op off the GPU."""

from __future__ import annotations

from inkscope_desktop.core.errors import GenerationError, ModelError


def allocated(device: str | None) -> int:
    """Bytes of GPU memory tensors hold on ``device`` now."""
    if not (device or "").startswith("cuda"):
        return 0
    import torch

    return int(torch.cuda.memory_allocated(device))


def reset_peak(device: str | None) -> None:
    if (device or "").startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats(device)


def peak(device: str | None) -> int:
    """The most bytes held on ``device`` since the last ``reset_peak``."""
    if not (device or "").startswith("cuda"):
        return 0
    import torch

    return int(torch.cuda.max_memory_allocated(device))


def is_out_of_memory(error: BaseException) -> bool:
    return "out of memory" in str(error).lower() or type(error).__name__ == "OutOfMemoryError"


def load_memory_error(error: BaseException, doing: str) -> Exception:
    """The error to raise for ``error`` while ``doing`` something with the model: advice when memory ran out."""
    if is_out_of_memory(error):
        free_cached_memory()
        return ModelError(
            f"The GPU does not have enough free memory for the model ({doing}).",
            "Close other GPU programs, or choose the CPU in Settings, Model (or --device cpu).",
        )
    return error if isinstance(error, Exception) else RuntimeError(str(error))


def free_cached_memory() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def generation_error(error: BaseException) -> GenerationError:
    """A one-line error for a failure inside ``generate``; out of memory advises a lower detail or batch."""
    if is_out_of_memory(error):
        free_cached_memory()
        return GenerationError(
            "The GPU ran out of memory while describing.",
            "Choose a lower detail level (or a smaller --batch-size for folders), close other GPU programs, "
            "or use --device cpu.",
        )
    return GenerationError(
        f"The model failed while generating ({type(error).__name__}: {error}).",
        "Try again; if it keeps failing, reload the model or choose --device cpu.",
    )
