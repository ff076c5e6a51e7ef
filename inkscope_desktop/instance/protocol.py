"""The wire protocol between a second launch (or ``trigger``) and the running app: one action name, one answer.

One request per connection: the client sends an action name and ``\\n`` (UTF-8, at most ``MAX_REQUEST_BYTES``
before the line end); the server answers one line and closes:

- ``ok``: the action was handed to the app;
- ``unknown-action``: a well-formed line that the app does not know as an action name; nothing happened;
- ``failed``: the app's handler raised; its log says why.

Anything else (too long, not UTF-8, no line end, a peer of another user, silence past the connection timeout)
is dropped: closed without an answer, with a log line that shows at most a short repr of what came.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InstanceError

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64
MAX_REPLY_BYTES = 64
REPLY_OK = b"ok\n"
REPLY_UNKNOWN = b"unknown-action\n"
REPLY_FAILED = b"failed\n"


class InstanceRunningError(InstanceError):
    """Another instance of the app already serves this user's endpoint."""


class InstanceNotRunningError(InstanceError):
    """No instance of the app is running for this user."""

    def __init__(self) -> None:
        super().__init__("Inkscope Desktop is not running.", "Start it with: inkscope-desktop")


class InstanceBusyError(InstanceError):
    """The running app did not take the connection in time (its queue of waiting requests stayed full)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"The running Inkscope Desktop is busy and did not take the request within {timeout:g} s.",
                         "Try again in a moment; if it keeps happening, quit Inkscope and start it again.")


def encode_request(action: Action) -> bytes:
    return action.value.encode("utf-8") + b"\n"


def answer_request(line: bytes, on_request: Callable[[str], bool]) -> bytes | None:
    """Hand the action name in ``line`` (without its ``\\n``) to ``on_request``, which says whether it knows it;
    the reply, or None to drop the request."""
    if len(line) > MAX_REQUEST_BYTES:
        logger.warning("Ignored a request of %d bytes (at most %d)", len(line), MAX_REQUEST_BYTES)
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        logger.warning("Ignored a request that is not UTF-8: %r", line[:32])
        return None
    try:
        is_known = on_request(text)
    except Exception:
        logger.exception("The app failed to take the action %r", text[:32])
        return REPLY_FAILED
    if not is_known:
        logger.warning("Ignored an unknown action: %r", text[:32])
        return REPLY_UNKNOWN
    return REPLY_OK


def check_reply(reply: bytes, action: Action) -> None:
    """Raise InstanceError unless the running app answered ``ok``."""
    if reply == REPLY_OK:
        return
    if reply == REPLY_UNKNOWN:
        raise InstanceError(f"The running Inkscope Desktop does not know the action {action.value}.",
                            "It may be an older version: quit it and start it again.")
    if reply == REPLY_FAILED:
        raise InstanceError(f"The running Inkscope Desktop could not take the action {action.value}.",
                            "Run it with --verbose to see why, or quit it and start it again.")
    raise InstanceError("The running Inkscope Desktop gave no usable answer.",
                        "Quit it and start it again.")
