"""``inkscope-desktop config path|show|reset|set-api-key|forget-api-key``: where the settings file is, what is in
effect, back to defaults; the remote server's API key in the system keyring."""

from __future__ import annotations

import argparse
import json
import sys

from inkscope_desktop.settings.codec import to_dict
from inkscope_desktop.settings.store import SettingsStore

#: ``config show`` exits 1 when the file has problems (the settings shown are then partly or wholly defaults).
EXIT_FILE_HAS_PROBLEMS = 1


def run_config(args: argparse.Namespace) -> int:
    store = SettingsStore()
    if args.config_command == "path":
        print(store.path)
        return 0
    if args.config_command == "show":
        return _show(store)
    if args.config_command == "set":
        from inkscope_desktop.commands.config_set import set_setting

        print(set_setting(store, args.key, args.value))
        return 0
    if args.config_command in ("set-api-key", "forget-api-key"):
        from inkscope_desktop.commands.api_key import forget_api_key, set_api_key

        command = set_api_key if args.config_command == "set-api-key" else forget_api_key
        return command(store, getattr(args, "base_url", None))
    kept = store.reset()
    if kept is not None:
        print(f"The old settings were kept as {kept}")
    print(f"Default settings written to {store.path}")
    return 0


def _show(store: SettingsStore) -> int:
    """Print the settings in effect without touching the file; problems go to standard error."""
    result = store.read()
    print(json.dumps(to_dict(result.settings), indent=2, ensure_ascii=False))
    if result.state == "missing":
        print(f"inkscope-desktop: no settings file at {store.path}; these are the defaults.", file=sys.stderr)
    elif result.state in ("broken", "unreadable"):
        print(f"inkscope-desktop: the settings file {store.path} cannot be used ({result.problems[0]}); "
              "these are the defaults. Run: inkscope-desktop config reset", file=sys.stderr)
        return EXIT_FILE_HAS_PROBLEMS
    elif result.state == "repaired":
        problems = "; ".join(problem.rstrip(".") for problem in result.problems)
        print(f"inkscope-desktop: some settings in {store.path} cannot be used and have their defaults: {problems}.",
              file=sys.stderr)
        return EXIT_FILE_HAS_PROBLEMS
    return 0
