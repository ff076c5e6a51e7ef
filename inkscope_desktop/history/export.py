"""History entries as Markdown (to read or share) or JSON (for scripts); pure functions, safe from any thread."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from inkscope_desktop.history.entry import Entry

#: Identifies the JSON export's layout; bump ``JSON_VERSION`` when a field changes meaning.
JSON_FORMAT = "inkscope-desktop-history"
JSON_VERSION = 1

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def export_markdown(entries: Iterable[Entry], *, title: str = "Inkscope Desktop history") -> str:
    """One section per entry, in the order given: heading with local time and source, the prompt, the caption,
    then each follow-up question and answer, and a line naming the engine and time taken."""
    lines = [f"# {title}", ""]
    count = 0
    for entry in entries:
        count += 1
        heading = entry.local_time.strftime("%Y-%m-%d %H:%M")
        source = _inline(entry.source or entry.subject)
        lines += [f"## {heading}" + (f" — {source}" if source else ""), ""]
        if entry.prompt:
            lines += [f"**Prompt:** {_inline(entry.prompt)}", ""]
        lines += [entry.caption.strip() or "*(no caption)*", ""]
        for follow_up in entry.follow_ups:
            lines += [f"**Follow-up:** {_inline(follow_up.question)}", "", follow_up.answer.strip(), ""]
        footer = _footer(entry)
        if footer:
            lines += [f"*{footer}*", ""]
    if count == 0:
        lines += ["No captions.", ""]
    return "\n".join(lines)


def export_json(entries: Iterable[Entry]) -> str:
    """``{"format": "inkscope-desktop-history", "version": 1, "exported": ISO time, "entries": [...]}``.

    Times are ISO 8601 in UTC; thumbnails are not included (``has_thumbnail`` says whether one is kept).
    """
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "entries": [entry_as_dict(entry) for entry in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def entry_as_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "time": entry.time.isoformat(timespec="seconds"),
        "subject": entry.subject,
        "source": entry.source,
        "prompt": entry.prompt,
        "caption": entry.caption,
        "engine": entry.engine,
        "timings": dict(entry.timings),
        "follow_ups": [
            {"time": f.time.isoformat(timespec="seconds"), "question": f.question, "answer": f.answer}
            for f in entry.follow_ups
        ],
        "has_thumbnail": entry.has_thumbnail,
    }


def _inline(text: str) -> str:
    """One line of text with Markdown's special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _footer(entry: Entry) -> str:
    parts = [entry.engine] if entry.engine else []
    total = entry.timings.get("total_s")
    if total:
        parts.append(f"{total:.1f} s")
    return _inline(", ".join(parts))
