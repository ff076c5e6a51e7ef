"""The sentence splitter: examples for each rule, and properties over generated text and chunkings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkscope_desktop.speech.splitter import SentenceSplitter, speakable, split_sentences


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("text, pieces", [
    ("Dr. Smith is here. He waves.", ["Dr. Smith is here.", "He waves."]),
    ("Icons, e.g. a folder, are shown. Next one.", ["Icons, e.g. a folder, are shown.", "Next one."]),
    ("The U.S. Army base is shown. Next one.", ["The U.S. Army base is shown.", "Next one."]),
    ("J. R. R. Tolkien wrote it. Next one.", ["J. R. R. Tolkien wrote it.", "Next one."]),
    ("Apples, pears, etc. and more. Then this.", ["Apples, pears, etc. and more.", "Then this."]),
    ("Apples, pears, etc. Then this.", ["Apples, pears, etc.", "Then this."]),
    ("It starts at 9 a.m. Then it ends.", ["It starts at 9 a.m.", "Then it ends."]),
    ("It costs 3.50 dollars. Next one.", ["It costs 3.50 dollars.", "Next one."]),
    ("Python 3.11.2 is installed. Next one.", ["Python 3.11.2 is installed.", "Next one."]),
    ("The version is 2.3. The end.", ["The version is 2.3.", "The end."]),
    ("Open example.com now. Next one.", ["Open example.com now.", "Next one."]),
    ("Loading... Please wait.", ["Loading...", "Please wait."]),
    ("Wait... what is that? Nothing.", ["Wait... what is that?", "Nothing."]),
    ("Loading… Done.", ["Loading…", "Done."]),
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("(This is an aside.) Next one.", ["(This is an aside.)", "Next one."]),
    ("Really?! Yes!! Fine.", ["Really?!", "Yes!!", "Fine."]),
    ("**Title.** Body text.", ["**Title.**", "Body text."]),
    ("- One\n- Two\n* Three\n• Four", ["- One", "- Two", "* Three", "• Four"]),
    ("Steps:\n1. Open the file.\n2. Save it.", ["Steps:", "1. Open the file.", "2. Save it."]),
    ("1. Open the file and look.", ["1. Open the file and look."]),
    ("## Overview\nA window.\n\nA dialog.", ["## Overview", "A window.", "A dialog."]),
    ("这是第一句。这是第二句！好吗？", ["这是第一句。", "这是第二句！", "好吗？"]),
    ("No punctuation at all", ["No punctuation at all"]),
    ("", []),
    ("   \n  ", []),
])
def test_examples(text, pieces):
    assert split_sentences(text) == pieces


def test_a_piece_waits_for_the_character_after_its_full_stop():
    splitter = SentenceSplitter()
    assert splitter.feed("The") == []
    assert splitter.feed(" cat") == []
    assert splitter.feed(" sat.") == []  # could still become "sat.5" or 'sat."'
    assert splitter.feed(" It") == ["The cat sat."]
    assert splitter.feed(" purred") == []
    assert splitter.flush() == ["It purred"]
    assert splitter.flush() == []


def test_a_decimal_split_across_chunks_stays_whole():
    splitter = SentenceSplitter()
    assert splitter.feed("It is 3.") == []
    assert splitter.feed("5 metres long. And") == ["It is 3.5 metres long."]


def test_a_newline_ends_a_piece_at_once():
    splitter = SentenceSplitter()
    assert splitter.feed("- First item") == []
    assert splitter.feed("\n") == ["- First item"]


def test_text_without_punctuation_is_cut_at_word_boundaries_after_the_limit():
    words = [f"word{i}" for i in range(200)]
    pieces = split_sentences(" ".join(words), max_chars=60)
    assert len(pieces) > 5
    assert all(len(piece) <= 60 for piece in pieces)
    assert [w for piece in pieces for w in piece.split()] == words  # no word was broken


def test_a_long_clause_list_is_cut_after_a_comma():
    text = ", ".join(f"item number {i}" for i in range(30))
    pieces = split_sentences(text, max_chars=80)
    assert all(piece.endswith(",") for piece in pieces[:-1])


def test_a_single_huge_word_is_cut_at_twice_the_limit():
    pieces = split_sentences("x" * 500, max_chars=50)
    assert [len(piece) for piece in pieces] == [100] * 5


def test_reset_drops_pending_text():
    splitter = SentenceSplitter()
    splitter.feed("Half a sent")
    splitter.reset()
    assert splitter.feed("New one. Next") == ["New one."]


def test_too_small_limit_is_refused():
    with pytest.raises(ValueError):
        SentenceSplitter(max_chars=5)


@pytest.mark.parametrize("piece, spoken", [
    ("**Bold** text", "Bold text"),
    ("## Heading", "Heading"),
    ("- Item one", "Item one"),
    ("• Item", "Item"),
    ("Use `ls -l` here", "Use ls -l here"),
    ("---", ""),
    ("1. Open the file.", "1. Open the file."),
    ("It is -5 degrees.", "It is -5 degrees."),
])
def test_speakable_drops_markdown_marks(piece, spoken):
    assert speakable(piece) == spoken


@pytest.mark.parametrize("piece, spoken", [
    ("0:00–1:00: A man walks in.", "From 0 seconds to 1 minute: A man walks in."),
    ("1:00–2:05: He sits.", "From 1 minute to 2 minutes 5 seconds: He sits."),
    ("59:30–1:00:30: Credits roll.", "From 59 minutes 30 seconds to 1 hour 30 seconds: Credits roll."),
    ("The meeting is 10:00–11:00: in room 4.", "The meeting is 10:00–11:00: in room 4."),  # not a heading
    ("The clock shows 10:30.", "The clock shows 10:30."),
    ("He leaves\n1:00–2:00: A car.", "He leaves From 1 minute to 2 minutes: A car."),  # a part without a full stop
])
def test_a_video_parts_heading_is_spoken_in_words(piece, spoken):
    assert speakable(piece) == spoken


# --- properties -----------------------------------------------------------------------------------------
WORDS = st.sampled_from([
    "a", "window", "the", "Dr.", "e.g.", "U.S.", "etc.", "3.5", "v1.2.3", "42", "file.txt", "J.", "p.m.",
    "OK", "dialog", "(see", "note)", '"quoted"', "it's", "—", "x" * 30, "Über", "日本語",
])
ENDINGS = st.sampled_from([".", "!", "?", "...", "…", '."', ".)", "?!", ":", ",", ";", "", "\n", "\n- ", "\n1. "])
SPACES = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", ""])


@st.composite
def captions(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        parts += [draw(WORDS), draw(ENDINGS) if draw(st.booleans()) else "", draw(SPACES)]
    return "".join(parts)


@st.composite
def chunkings(draw, text: str) -> list[str]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=30)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


@settings(max_examples=200, deadline=None)
@given(st.one_of(captions(), st.text(max_size=400)))
def test_pieces_joined_give_back_the_text(text):
    pieces = split_sentences(text, max_chars=40)
    assert no_space("".join(pieces)) == no_space(text)
    assert all(piece and piece == piece.strip() for piece in pieces)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_pieces_do_not_depend_on_how_the_text_was_chunked(data):
    text = data.draw(st.one_of(captions(), st.text(max_size=300)))
    splitter = SentenceSplitter(max_chars=40)
    streamed = [piece for chunk in data.draw(chunkings(text)) for piece in splitter.feed(chunk)]
    assert streamed + splitter.flush() == split_sentences(text, max_chars=40)


SENTENCE_WORDS = st.lists(st.sampled_from(["the", "window", "shows", "a", "red", "button", "and", "text"]),
                          min_size=2, max_size=8)  # a lone "A." reads as an initial


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SENTENCE_WORDS, st.sampled_from([".", "!", "?", "..."])), min_size=1, max_size=8))
def test_plain_sentences_come_out_one_piece_each(sentences):
    expected = [" ".join(words).capitalize() + end for words, end in sentences]
    assert split_sentences(" ".join(expected)) == expected


@settings(max_examples=200, deadline=None)
@given(captions())
def test_ordinary_pieces_stay_near_the_limit(text):
    # A run of characters with no space at all (words drawn with no space between) is cut at the hard limit,
    # twice max_chars; anything else at a clause or word boundary before it.
    assert all(len(piece) <= 2 * 40 for piece in split_sentences(text, max_chars=40))
    assert split_sentences("x" * 90 + " end.", max_chars=40)[0] == "x" * 80


# --- eager mode: a plainly finished sentence goes out without waiting for the next chunk ----------------
@pytest.mark.parametrize("chunk, pieces", [
    ("The cat sat.", ["The cat sat."]),
    ("Is it open?", ["Is it open?"]),
    ("Yes!", ["Yes!"]),
    ('He said "stop."', ['He said "stop."']),
    ("这是第一句。", ["这是第一句。"]),
    ("It is 3.", []),  # may become 3.5
    ("Ask Dr.", []),
    ("Apples, etc.", []),
    ("Wait...", []),  # may go on in lower case
    ("Plan A.", []),
    ("The U.S.", []),
])
def test_eager_mode_gives_out_plain_sentence_ends_at_once(chunk, pieces):
    assert SentenceSplitter(eager=True).feed(chunk) == pieces


def test_eager_mode_keeps_the_rest_for_the_next_piece():
    splitter = SentenceSplitter(eager=True)
    assert splitter.feed("A window.") == ["A window."]
    assert splitter.feed(" It is 3.") == []
    assert splitter.feed("5 cm wide. Done") == ["It is 3.5 cm wide."]
    assert splitter.flush() == ["Done"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_eager_pieces_joined_give_back_the_text_however_it_is_chunked(data):
    text = data.draw(st.one_of(captions(), st.text(max_size=300)))
    splitter = SentenceSplitter(max_chars=40, eager=True)
    pieces = [piece for chunk in data.draw(chunkings(text)) for piece in splitter.feed(chunk)] + splitter.flush()
    assert no_space("".join(pieces)) == no_space(text)
    assert all(piece and piece == piece.strip() for piece in pieces)


@settings(max_examples=200, deadline=None)
@given(st.one_of(captions(), st.text(max_size=300)))
def test_eager_mode_changes_nothing_for_a_whole_text(text):
    eager = SentenceSplitter(max_chars=40, eager=True)
    assert eager.feed(text) + eager.flush() == split_sentences(text, max_chars=40)
