"""``model info``'s line on where descriptions run: the check after installing PyTorch, Windows above all."""

from __future__ import annotations

from inkscope_desktop.engines.local.torch_device import CUDA_WHEELS, describe_device


def test_a_gpu_is_named_with_the_dtype_it_gets():
    line = describe_device("2.5.1+cu124", "12.4", "NVIDIA GeForce RTX 4060", has_bf16=True)
    assert line == ("GPU: NVIDIA GeForce RTX 4060 (PyTorch 2.5.1+cu124, CUDA 12.4): descriptions run on it in "
                    "bfloat16.")


def test_a_cpu_only_build_says_how_to_get_the_cuda_one():
    line = describe_device("2.5.1+cpu", None, None)
    assert line.startswith("No GPU is used: this PyTorch (2.5.1+cpu) is built for the CPU only")
    assert CUDA_WHEELS in line and "torch and torchvision together" in line


def test_a_cuda_build_without_a_gpu_points_at_the_driver():
    line = describe_device("2.14.1+cu128", "12.8", None)
    assert "finds no NVIDIA GPU" in line and "nvidia-smi" in line
