"""``inkscope-desktop history path|export|clear``: where the caption history is, export it, or delete it all."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inkscope_desktop.core.errors import HistoryError
from inkscope_desktop.history import HistoryStore, export_json, export_markdown
from inkscope_desktop.settings.files import write_atomically

#: Exit status of ``history clear`` without ``--yes``.
EXIT_NOT_CONFIRMED = 1


def run_history(args: argparse.Namespace) -> int:
    store = HistoryStore()
    try:
        if args.history_command == "path":
            print(store.path)
            return 0
        if args.history_command == "clear":
            return _clear(store, confirmed=args.yes)
        return _export(store, args)
    finally:
        notice = store.take_notice()
        if notice:
            print(f"inkscope-desktop: {notice}", file=sys.stderr)
        store.close()


def _export(store: HistoryStore, args: argparse.Namespace) -> int:
    entries = store.search(args.search or "", limit=args.limit or None)
    text = export_json(entries) if args.format == "json" else export_markdown(entries)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        try:
            write_atomically(Path(args.output), text)
        except OSError as error:
            raise HistoryError(f"The export could not be written to {args.output} ({error.strerror or error}).",
                               "Choose another file or folder.") from None
        print(f"Exported {len(entries)} entries to {args.output}", file=sys.stderr)
    return 0


def _clear(store: HistoryStore, *, confirmed: bool) -> int:
    if not confirmed:
        print("inkscope-desktop: this deletes every caption in the history; add --yes to do it.", file=sys.stderr)
        return EXIT_NOT_CONFIRMED
    deleted = store.delete_all()
    print(f"Deleted {deleted} entries from {store.path}")
    return 0
