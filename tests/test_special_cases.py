"""The tagger's tokenizer (special_cases.py) splits every text as spacy.blank("en")'s does, though it
adds its special cases only when a text contains them."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from jtai_extract.spacy_import import import_spacy
from jtai_extract.special_cases import LazyTokenizer, blank_english
from jtai_extract.tag_lexicon import normalise_text

# sentences of our own, full of the cases English's tokenizer has: contractions in both apostrophes
# and cases, abbreviations with full stops, times, emoticons, cases inside brackets and quotes,
# cases at a sentence's end, a case's letters inside a longer word, white space of every kind
TEXTS = [
    "The social worker didn't visit; she couldn't, and they'd've said so (wouldn't they?).",
    "Parents don\u2019t always attend. Ain't it so? I'm sure we'll see, y'all.",
    "Meetings start at 9 a.m. or 2 p.m. on Wed. and Thurs., e.g. at the Dr. Jones clinic, etc.",
    "Staff were pleased :) but some were not :( and one wrote <3 in the margin :-)",
    "\"Can't\" is one word; 'cannot' is another; gonna and wanna are spoken.",
    "The CAMHS team's work (i.e. the trust's) isn't reviewed. It's the board's job.",
    "He'd id the child.  Two  spaces\tand a tab\nand a line\u00a0and a no-break space \u2014 and a dash.",
    "Idea, ideas, provide, wed, Wed, ima, Ima, Im, im, ive and Ive appear as words.",
    "See www.example.org/help or mail help@example.org, 24/7, at 10:30pm (approx.).",
    "O.K., Mr. and Mrs. Smith; Jan. Feb. Mar. Apr. Aug. Sept. Oct. Nov. Dec. and a.k.a. too",
    "",
    " ",
    "dont wont cant isnt arent hasnt shouldnt youre theyre",
]


def tokens(tokenizer, text: str) -> list[tuple[str, str, str]]:
    return [(t.text, t.whitespace_, t.norm_) for t in tokenizer(text)]


@pytest.fixture(scope="module")
def spacy_blank():
    return import_spacy().blank("en")


@pytest.mark.parametrize("text", TEXTS)
def test_splits_as_spacy_blank_en(spacy_blank, text: str) -> None:
    lazy = blank_english().tokenizer  # a new one each time: no case added by an earlier text
    assert tokens(lazy, text) == tokens(spacy_blank.tokenizer, text)
    assert tokens(lazy, normalise_text(text)) == tokens(spacy_blank.tokenizer, normalise_text(text))


def test_all_texts_in_one_tokenizer_in_turn(spacy_blank) -> None:
    lazy = blank_english().tokenizer
    for text in TEXTS + TEXTS[::-1]:
        assert tokens(lazy, text) == tokens(spacy_blank.tokenizer, text)


def test_adds_only_the_cases_a_text_contains() -> None:
    lazy = blank_english().tokenizer
    before = len(lazy.rules)
    lazy("A plain sentence without any case in it")
    assert len(lazy.rules) == before
    lazy("They can't.")
    assert "can't" in lazy.rules and "can't" not in lazy.pending
    assert ":)" in lazy.pending


def test_has_the_settings_of_spacy_blank_en(spacy_blank) -> None:
    lazy, full = blank_english().tokenizer, spacy_blank.tokenizer
    for setting in ("prefix_search", "suffix_search", "infix_finditer"):
        assert getattr(lazy, setting).__self__.pattern == getattr(full, setting).__self__.pattern
    assert lazy.token_match == full.token_match and lazy.url_match == full.url_match
    assert {**lazy.pending, **lazy.rules}.keys() == full.rules.keys()


def test_a_case_added_by_hand_replaces_a_pending_one(spacy_blank) -> None:
    lazy = blank_english().tokenizer
    full = import_spacy().blank("en").tokenizer
    for tokenizer in (lazy, full):
        tokenizer.add_special_case("can't", [{"ORTH": "can't"}])
    assert tokens(lazy, "We can't.") == tokens(full, "We can't.")
    assert [t.text for t in lazy("We can't.")] == ["We", "can't", "."]


def test_pickled_with_its_pending_cases(spacy_blank) -> None:
    lazy = blank_english().tokenizer
    lazy("They can't.")
    again = pickle.loads(pickle.dumps(lazy))
    assert isinstance(again, LazyTokenizer)
    assert {**again.pending, **again.rules}.keys() == {**lazy.pending, **lazy.rules}.keys()
    text = TEXTS[2]
    assert tokens(again, text) == tokens(spacy_blank.tokenizer, text)


@pytest.mark.skipif(not os.environ.get("JTAI_CORPUS"), reason="JTAI_CORPUS (the real letters) not given")
def test_real_letters_split_as_spacy_blank_en(spacy_blank) -> None:
    lazy = blank_english().tokenizer
    files = sorted((Path(os.environ["JTAI_CORPUS"]) / "text").glob("*.txt"))
    assert files
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for text in (line, normalise_text(line)):
                assert tokens(lazy, text) == tokens(spacy_blank.tokenizer, text), (path.name, text)


def test_a_tagger_adds_the_rest_of_the_cases_from_its_second_letter() -> None:
    """LAZY_SPECIAL_CASE_LETTERS: the first letter is split with the cases it contains; from the
    second on, all are in (no letter empties the tokenizer's cache), and the tags are the same."""
    from jtai_extract import extract
    from jtai_extract.output import to_json
    from jtai_extract.tagging import LAZY_SPECIAL_CASE_LETTERS, Tagger, default_lexicon

    from .conftest import SAMPLES

    first, second = sorted(SAMPLES.glob("*.pdf"))[:2]
    tagger = Tagger(default_lexicon())
    assert LAZY_SPECIAL_CASE_LETTERS == 1
    one = extract(first, tagger=tagger)
    assert tagger.nlp.tokenizer.pending  # only what the first letter contains was added
    extract(second, tagger=tagger)
    assert not tagger.nlp.tokenizer.pending
    again = extract(first, tagger=tagger)  # tagged with every case in from the start
    assert to_json(again.model_dump(mode="json")) == to_json(one.model_dump(mode="json"))
