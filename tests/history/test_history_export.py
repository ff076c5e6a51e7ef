"""History exports: Markdown for people, JSON for scripts."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from inkscope_desktop.history import Entry, FollowUp, export_json, export_markdown

WHEN = datetime(2026, 5, 9, 12, 3, 4, tzinfo=timezone.utc)


def _entries() -> list[Entry]:
    return [
        Entry(id=7, time=WHEN, source="Active window: *Draft* #1", prompt="Describe it.",
              caption="A text editor.\n\n- one\n- two", engine="qwen2-vl", timings={"total_s": 2.25},
              follow_ups=(FollowUp("What is the title?", "Draft 1.", WHEN, 3),), subject="window",
              has_thumbnail=True),
        Entry(id=6, time=WHEN, source="", prompt="", caption="", subject="screen"),
    ]


def test_markdown_has_a_section_per_entry_with_follow_ups_and_engine():
    local = WHEN.astimezone().strftime("%Y-%m-%d %H:%M")
    assert export_markdown(_entries()) == "\n".join([
        "# Inkscope Desktop history",
        "",
        f"## {local} — Active window: \\*Draft\\* \\#1",
        "",
        "**Prompt:** Describe it.",
        "",
        "A text editor.\n\n- one\n- two",
        "",
        "**Follow-up:** What is the title?",
        "",
        "Draft 1.",
        "",
        "*qwen2-vl, 2.2 s*",
        "",
        f"## {local} — screen",
        "",
        "*(no caption)*",
        "",
    ])


def test_markdown_of_nothing_says_so():
    assert export_markdown([], title="Search: cat") == "# Search: cat\n\nNo captions.\n"


def test_json_holds_every_field_with_utc_times():
    document = json.loads(export_json(_entries()))
    assert document["format"] == "inkscope-desktop-history" and document["version"] == 1
    assert document["exported"].endswith("+00:00")
    assert document["entries"][0] == {
        "id": 7, "time": "2026-05-09T12:03:04+00:00", "subject": "window", "source": "Active window: *Draft* #1",
        "prompt": "Describe it.", "caption": "A text editor.\n\n- one\n- two", "engine": "qwen2-vl",
        "timings": {"total_s": 2.25},
        "follow_ups": [{"time": "2026-05-09T12:03:04+00:00", "question": "What is the title?", "answer": "Draft 1."}],
        "has_thumbnail": True,
    }
    assert [e["id"] for e in document["entries"]] == [7, 6]


def test_json_keeps_non_ascii_text_readable():
    entry = Entry(id=1, time=WHEN, source="Fenster: Übersicht", prompt="", caption="Ein grüner Knopf.")
    assert "Ein grüner Knopf." in export_json([entry])
