"""Sentence splitter: turns a stream of text chunks into speakable pieces as soon as each one is complete.

A piece ends at a sentence end (``.``, ``!``, ``?``, an ellipsis, with any closing quotes or brackets), at a
line break (list items, headings), or, in text without punctuation, after ``max_chars`` at a clause or word
boundary. Abbreviations (``Dr.``, ``e.g.``, ``U.S.``, initials), decimals and version numbers (``3.5``,
``v1.2.3``) and list numbers (``1. Open``) do not end a piece. Deciding whether a full stop ends a sentence
may need the next character (``3.`` could become ``3.5``), so a piece is given out once that character has
arrived; ``flush()`` gives out the rest when generation ends. With ``eager=True`` a sentence that plainly
ends (``?``, ``!``, or a full stop after an ordinary word) is given out without waiting for the next chunk,
which saves one token's time; in the rare case that the stream goes on inside the word (``example.`` +
``com``) the cut is in a slightly wrong place, never text lost.

The pieces are the text cut into parts and stripped: joined, they give back the text, whitespace aside.
Without ``eager`` the result does not depend on how the text was cut into chunks.

Threading: a SentenceSplitter keeps state and is not thread-safe; one owner (the narrator's worker) uses it.
"""

from __future__ import annotations

import re

#: Pieces longer than this are cut at a clause or word boundary (text without sentence punctuation).
DEFAULT_MAX_CHARS = 150

_TERMINATORS = ".!?…。！？।"
_WIDE_TERMINATORS = "。！？।"  # end a sentence with no space after them (Chinese, Japanese, Hindi)
_CLOSERS = "\"'”’»)]}*_`」』）】"
_CLAUSE_ENDS = ",;:–—"
#: Never end a sentence: titles before a name, and abbreviations that always go on.
_NEVER_ENDS = frozenset(
    "mr mrs ms dr prof sr jr st mt rev gen col capt lt sgt hon fr e.g i.e cf vs viz approx".split()
)
#: End a sentence only when a capital letter follows ("etc. The next" but "etc. and so on").
_MAYBE_ENDS = frozenset(
    "etc inc ltd co corp al dept est no nos fig figs vol ed eds ch sec p pp ca min max misc a.m p.m".split()
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LIST_MARKER = re.compile(r"(?:[-*•+]\s*)?(?:\d{1,3}|[A-Za-z])")
_SPEECH_NOISE = re.compile(r"\*\*|__|`+|~~|^\s*#{1,6}\s+|^\s*[-*•+]\s+|^\s*>\s*|[-=_*]{3,}", re.MULTILINE)


class SentenceSplitter:
    """Cuts streamed text into speakable pieces; ``feed`` each chunk, ``flush`` when the text ends."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS, *, eager: bool = False) -> None:
        if max_chars < 20:
            raise ValueError("max_chars must be at least 20")
        self._max_chars = max_chars
        self._is_eager = eager
        self._hard_limit = 2 * max_chars  # a single "word" longer than this is cut anyway
        self._text = ""  # the pending piece and what follows it
        self._pos = 0  # the next character to decide on

    def feed(self, chunk: str) -> list[str]:
        """Add ``chunk``; return the pieces it completed (often none), in order."""
        if not chunk:
            return []
        self._text += chunk
        pieces: list[str] = []
        while self._pos < len(self._text):
            end = self._boundary_at(self._pos)
            if end is None:  # the next character is needed to decide
                break
            if end > 0:
                self._cut(end, pieces)
                continue
            self._pos = -end  # no boundary here: go on after what was looked at
            if self._pos > self._max_chars:
                self._cut(self._long_piece_end(), pieces)
        return pieces

    def flush(self) -> list[str]:
        """The rest of the text as a last piece (none if only whitespace is left); the splitter is reset."""
        rest, self._text, self._pos = self._text.strip(), "", 0
        return [rest] if rest else []

    def reset(self) -> None:
        """Drop pending text (a new caption starts)."""
        self._text, self._pos = "", 0

    # --- deciding ------------------------------------------------------------------------------------
    def _cut(self, end: int, pieces: list[str]) -> None:
        piece = self._text[:end].strip()
        if piece:
            pieces.append(piece)
        self._text = self._text[end:]
        self._pos = max(0, self._pos - end)

    def _boundary_at(self, i: int) -> int | None:
        """``k > 0``: a piece ends before index k; ``-k`` (k >= 1): no boundary, go on at k; None: wait."""
        text = self._text
        char = text[i]
        if char in "\r\n":
            return i + 1 if text[:i].strip() else -(i + 1)
        if char not in _TERMINATORS:
            return -(i + 1)
        run_end = i
        while run_end < len(text) and text[run_end] in _TERMINATORS:
            run_end += 1
        end = run_end
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        run = text[i:run_end]
        if end == len(text):  # "3." may become "3.5", "Dr" + "." may be followed by a quote: wait
            return end if self._is_eager and self._plainly_ends(i, run) else None
        if any(mark in _WIDE_TERMINATORS for mark in run):
            return end
        if not text[end].isspace():
            return -run_end  # "3.5", "file.txt", "U.S" inside a word
        if "?" in run or "!" in run:
            return end
        if run == ".":
            verdict, _ = self._full_stop_verdict(i)
            if verdict == "end":
                return end
            if verdict == "never":
                return -run_end
        return self._if_capital_follows(end, run_end)  # ellipses and abbreviations like "etc."

    def _plainly_ends(self, i: int, run: str) -> bool:
        """Whether the terminator run at ``i``, with nothing after it yet, surely ends a sentence."""
        if set(run) <= set("!?") or any(mark in _WIDE_TERMINATORS for mark in run):
            return True
        if run != ".":
            return False  # an ellipsis may go on in lower case
        verdict, word = self._full_stop_verdict(i)
        return verdict == "end" and len(word) > 1 and word[-1].isalpha()  # not "3." (maybe "3.5")

    def _full_stop_verdict(self, i: int) -> tuple[str, str]:
        """('end' | 'never' | 'maybe', word) for the single full stop at ``i``, from the word before it."""
        start = i
        while start > 0 and not self._text[start - 1].isspace():
            start -= 1
        word = self._text[start:i].lstrip("\"'“‘«([{*_")
        lower = word.lower()
        if not word:
            return "end", word
        before = self._text[:start]
        if not before.strip() and _LIST_MARKER.fullmatch(word):
            return "never", word  # "1. Open the file", "a. First option" at the start of a piece
        if lower in _NEVER_ENDS or (len(word) == 1 and word.isupper()):
            return "never", word  # "Dr. Smith", "e.g. this", "J. Smith"
        if lower in _MAYBE_ENDS:
            return "maybe", word
        if _DOTTED.fullmatch(word):
            return ("never" if word.isupper() else "maybe"), word  # "U.S. Army"; "5 p.m. Then"
        return "end", word

    def _if_capital_follows(self, end: int, run_end: int) -> int | None:
        text = self._text
        j = end
        while j < len(text) and text[j].isspace():
            if text[j] in "\r\n":
                return end
            j += 1
        if j == len(text):
            return None
        return end if (text[j].isupper() or text[j] in "\"“‘«([") else -run_end

    def _long_piece_end(self) -> int:
        """Where to cut a piece that grew past ``max_chars``: a clause end, else a word boundary."""
        text, limit = self._text, self._pos
        lowest = limit // 2
        for i in range(limit - 2, lowest, -1):  # only what is decided: text[:limit]
            if text[i] in _CLAUSE_ENDS and text[i + 1].isspace():
                return i + 1
        for i in range(limit - 1, 0, -1):
            if text[i].isspace() and text[:i].strip():
                return i
        return limit if limit >= self._hard_limit else 0  # one long word: wait, up to the hard limit


def split_sentences(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """All pieces of a whole text: the same as feeding it in any chunks (not eagerly) and flushing."""
    splitter = SentenceSplitter(max_chars)
    return splitter.feed(text) + splitter.flush()


def speakable(piece: str) -> str:
    """``piece`` as a voice should say it: without Markdown marks (``**``, ``#``, bullets, rules), and with a
    video part's heading ("1:00–2:00: ") in words, which voices otherwise read digit by digit; may be ''."""
    return " ".join(_SPEECH_NOISE.sub(" ", _TIME_RANGE_HEADING.sub(_spoken_range, piece)).split())


#: The heading a video part's caption starts with (``core.video.format_time_range`` and a colon).
_TIME_RANGE_HEADING = re.compile(r"^(\s*)((?:\d+:)?\d{1,2}:\d{2})–((?:\d+:)?\d{1,2}:\d{2}):(?=\s)", re.MULTILINE)


def _spoken_range(match: re.Match[str]) -> str:
    return f"{match[1]}From {_spoken_time(match[2])} to {_spoken_time(match[3])}:"


def _spoken_time(text: str) -> str:
    """"1:05" -> "1 minute 5 seconds", "1:00:00" -> "1 hour", "0:00" -> "0 seconds"."""
    hours, minutes, seconds = ([0] * 3 + [int(part) for part in text.split(":")])[-3:]
    parts = [f"{count} {unit}{'' if count == 1 else 's'}"
             for count, unit in ((hours, "hour"), (minutes, "minute"), (seconds, "second")) if count]
    return " ".join(parts) or "0 seconds"
