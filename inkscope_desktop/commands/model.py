"""``inkscope-desktop model download|info|check-remote``: fetch the weights into the hub cache, say where they are,
or ask a remote server whether it serves the model."""

from __future__ import annotations

import argparse

from inkscope_desktop.commands.progress import ProgressLine, download_progress
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.engines.hub.model_source import download_model, model_info


def run_model(args: argparse.Namespace) -> int:
    if args.model_command == "check-remote":
        return _check_remote(args)
    if args.model_command == "download":
        line = ProgressLine()
        path = download_model(args.model_id, progress=download_progress(line, f"Downloading {args.model_id}"))
        line.finish(f"The model is ready in {path}")
        return 0
    info = model_info(args.model_id)
    print(info.describe())
    from inkscope_desktop.engines.local.torch_device import device_report

    print(device_report())  # whether the GPU is used: the check after installing a CUDA build of PyTorch
    return 0 if info.complete else 1


def _check_remote(args: argparse.Namespace) -> int:
    """One line: whether the server (from the options, else the settings) serves the model; exit 1 if not."""
    from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV
    from inkscope_desktop.engines.remote.api_keys import read_api_key
    from inkscope_desktop.engines.remote.check import check_server
    from inkscope_desktop.settings.store import SettingsStore

    remote = SettingsStore().read().settings.remote  # read only: a broken file is left as it is
    base_url = args.base_url or remote.base_url
    model = args.remote_model or remote.model
    if not base_url:
        raise InkscopeError("No server address is set.", "Give it: --base-url http://HOST:PORT/v1.")
    key_env = args.api_key_env or DEFAULT_API_KEY_ENV
    key = read_api_key(key_env, base_url, use_keyring=args.api_key_env is None)
    check = check_server(base_url, model, api_key=key, timeout_s=args.timeout)
    print(check.text)
    return 0 if check.is_served else 1
