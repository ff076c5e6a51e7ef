"""``inkscope-desktop trigger ACTION``: hands one action to the running app, for shortcuts and scripts."""

from __future__ import annotations

import argparse
import logging
import sys

from inkscope_desktop.core.actions import Action
from inkscope_desktop.instance import InstanceNotRunningError, send_action
from inkscope_desktop.instance.protocol import InstanceBusyError

#: Exit status when no instance is running or it is too busy to take the request; a refusal or a broken channel
#: is an error (2), raised to the caller.
EXIT_NOT_RUNNING = 1

logger = logging.getLogger(__name__)


def run_trigger(args: argparse.Namespace) -> int:
    """Silent on success, so a screen reader speaks nothing extra; one line on standard error otherwise."""
    action = Action(args.action)
    try:
        send_action(action)
    except (InstanceNotRunningError, InstanceBusyError) as error:
        print(f"inkscope-desktop: {error.user_text}", file=sys.stderr)
        return EXIT_NOT_RUNNING
    logger.info("The running app took the action %s", action.value)
    return 0
