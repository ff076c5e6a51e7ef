"""One app instance per user session: claim it, or hand an action to the instance that holds it.

The first launch calls ``claim_instance(on_request)`` and gets a running InstanceServer; a later launch gets None
and forwards its request with ``send_action(action)`` before it exits. ``inkscope-desktop trigger`` is the
same client. Transport: a Unix socket in a private per-user folder (see ``instance_endpoint``), a named pipe on
Windows; wire format in ``instance_protocol``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from inkscope_desktop.core.actions import Action
from inkscope_desktop.instance.endpoint import RUNTIME_DIR_ENV, endpoint_folder, is_windows, pipe_name
from inkscope_desktop.instance.protocol import (
    InstanceNotRunningError,
    InstanceRunningError,
    check_reply,
    encode_request,
)
from inkscope_desktop.instance.server import InstanceServer

__all__ = [
    "RUNTIME_DIR_ENV",
    "InstanceNotRunningError",
    "InstanceRunningError",
    "InstanceServer",
    "claim_instance",
    "send_action",
]


def claim_instance(on_request: Callable[[str], bool], *,
                   folder: str | os.PathLike[str] | None = None) -> InstanceServer | None:
    """Become this user's instance: a started server, or None when another instance already runs.

    Race-free: of launches at the same moment exactly one gets a server. InstanceError when the endpoint folder
    is unsafe (another user's, writable by others) or cannot be made.
    """
    server = InstanceServer(on_request, folder=folder)
    try:
        server.start()
    except InstanceRunningError:
        return None
    return server


def send_action(action: Action, *, folder: str | os.PathLike[str] | None = None, timeout: float = 2.0) -> None:
    """Ask the running instance to do ``action``; returns once it has taken it.

    InstanceNotRunningError when none runs; InstanceError when it refuses, fails or does not answer in time.
    """
    request = encode_request(action)
    if is_windows():
        from inkscope_desktop.instance.pipe import pipe_request

        reply = pipe_request(pipe_name(), request, timeout)
    else:
        from inkscope_desktop.instance.unix import unix_request

        reply = unix_request(endpoint_folder(folder), request, timeout)
    check_reply(reply, action)
