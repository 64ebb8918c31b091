"""The tag lexicons as data: every row of every data file carries an example written for the tests,
and the example must show the row at work; the pattern language (lemmas, possessives, hyphens,
alternatives, optional words, wildcards, verb forms, regular expressions); ``--taxonomy`` files
and folders that add, replace and remove rows."""

from __future__ import annotations

import pytest

from jtai_extract.tag_lexicon import (
    TaxonomyError,
    lemmas,
    merge,
    normalise_text,
    pattern_problem,
    read_taxonomy,
)
from jtai_extract.tagging import Tagger, decide, role_rows


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


def row_spans(tagger: Tagger, index: int, text: str) -> list[tuple[int, int]]:
    [doc] = tagger._docs([text])
    return [(a, b) for r, a, b in tagger.vocabulary(doc) if r == index]


def test_every_lexicon_row_has_an_example_that_shows_it_at_work(tagger):
    failures = []
    for i, e in enumerate(tagger.entries):
        if not e.example:
            failures.append(f"{e.where}: no example")
            continue
        spans = row_spans(tagger, i, e.example)
        [a] = tagger.analyse([e.example], [None])
        if not spans:
            failures.append(f"{e.where}: {e.pattern!r} does not match its example {e.example!r}")
        elif e.blocks:  # a block: nothing of its label survives inside its match
            if any(m.key == e.key and s <= m.start and m.end <= t for m in a.mentions for s, t in spans):
                failures.append(f"{e.where}: {e.pattern!r} does not block its label in {e.example!r}")
        elif not any(m.source == f"{e.where} {e.pattern}" for m in a.mentions):
            failures.append(f"{e.where}: {e.pattern!r} is blocked in its own example {e.example!r}")
    assert not failures, "\n".join(failures)


def test_a_strong_rows_example_is_tagged_with_its_label_or_comes_close(tagger):
    """A row of weight 3 names its label: in its example it tags the label, or (where the fitted
    threshold asks for more than one mention) comes within reach of it."""
    from jtai_extract.tagging import near_misses

    missed = []
    for e in tagger.entries:
        if e.weight >= 3:
            [a] = tagger.analyse([e.example], [None])
            d = decide(a, tagger.params)
            close = {s.key for s in near_misses(d)}
            if e.label not in d.agencies + d.themes and e.key not in close:
                missed.append(f"{e.where}: {e.example!r}")
    assert not missed, "\n".join(missed)


def test_every_lemma_row_has_an_example_with_its_word():
    from jtai_extract.resources import models_dir, read_tsv

    table = lemmas()
    for number, row in read_tsv(models_dir() / "tagging" / "lemmas.tsv", 4):
        kind, word, value, example = row[:4]
        assert example, f"lemmas.tsv:{number}: no example"
        if kind == "form":
            assert word in example.lower() and table.lower(word) == value, f"lemmas.tsv:{number}"
        elif kind == "keep":
            assert word in example.lower() and table.lower(word) == word, f"lemmas.tsv:{number}"
        elif kind == "verb":
            assert any(f in example.lower() for f in value.split(",")), f"lemmas.tsv:{number}"
            assert set(value.split(",")) <= set(table.verb_forms(word)), f"lemmas.tsv:{number}"
        elif kind == "suffix":
            ending = word.split("|")[0]
            assert any(w.endswith(ending) for w in example.lower().replace(".", "").replace(";", "").split())


def test_every_role_row_has_an_example_in_which_its_role_is_found(tagger):
    for row in role_rows():
        assert row.example, row
        if row.role in ("filler", "verb"):
            continue
        [a] = tagger.analyse([row.example], [None])
        found = {m.role for m in a.mentions}
        if row.role == "neutral":  # the cue cancels a recipient's "to": the mention is an actor or the subject
            assert found and found <= {"actor", "subject"}, (row.role, row.pattern, row.example)
            continue
        assert row.role in found, (row.role, row.pattern, row.example)


@pytest.mark.parametrize("word,lemma", [
    ("children", "child"), ("agencies", "agency"), ("processes", "process"), ("cases", "case"), ("focus", "focus"),
    ("social", "social"), ("midwives", "midwife"), ("crises", "crisis"), ("behavior", "behaviour"),
])
def test_lemmas_reduce_plurals_and_spellings(word, lemma):
    assert lemmas().lower(word) == lemma


def test_acronyms_keep_their_case_and_lose_their_plural():
    assert lemmas().cased("GPs") == "GP" and lemmas().cased("CAMHS") == "CAMHS" and lemmas().cased("Police") is None


def test_text_normalisation_keeps_the_length():
    text = "The children’s social-care team and the partners’ out-of-court work  (MASH)."
    norm = normalise_text(text)
    assert len(norm) == len(text) and "-" not in norm and "’" not in norm



@pytest.mark.parametrize("text, expected", [
    # (each replacement found by its own character first: regression test for the rewrite of
    # normalise_text from str.translate and look-behind regexes, which must give the same text)
    ("the out-of-court work", "the out of court work"),  # hyphens between words
    ("a one-to\u2013one \u2014 chat -x", "a one to one \u2014 chat -x"),  # dashes: only between word characters
    ("the child's plan", "the child\u2060s plan"),  # a possessive
    ("the parents' views", "the parents\u2060 views"),  # a plural possessive
    ("it's 'quoted'", "it\u2060s 'quoted'"),  # a quote that is not a possessive stays
    ("\u2018so\u2019 \u201cso\u201d `so`", "'so' \"so\" 'so'"),  # curly and back quotes straightened
    ("a  b   c", "a \u200bb \u200b\u200bc"),  # a second space and more: no empty token
    ("line\nbreak\ttab\u00a0nb", "line break tab nb"),  # breaks and odd spaces
])
def test_text_normalisation_examples(text, expected):
    assert normalise_text(text) == expected and len(expected) == len(text)


PATTERNS = [
    ("social worker", "The social workers' visits.", True),  # plural and plural possessive
    ("social worker", "The social worker’s visit.", True),  # possessive, curly apostrophe
    ("out of court disposal", "Out-of-court disposals are used.", True),  # hyphens and case
    ("step~ down", "Families were stepped down.", True),  # verb forms
    ("strategy discussion|meeting", "Strategy meetings are held.", True),  # alternatives
    ("NHS? trust", "The trust audits records.", True),  # optional word
    ("information be|is _? share~", "Information is routinely shared.", True),  # a wildcard
    ("wait~ too long / waiting list", "Children are on a waiting list.", True),  # whole-phrase alternatives
    ("re:^[A-Z]{1,4}SCP$", "The KSCP met.", True),  # a regular expression
    ("MASH", "The mash was hot.", False),  # an acronym matches its case only
    ("social worker", "Social work is strong.", False),
]


@pytest.fixture(scope="module")
def pattern_tagger(tmp_path_factory) -> Tagger:
    lexicon = tmp_path_factory.mktemp("patterns") / "patterns.tsv"
    lexicon.write_text("".join(f"theme\tpattern{i}\t{p}\t3\t{t}\n" for i, (p, t, _) in enumerate(PATTERNS)),
                       encoding="utf-8")
    return Tagger.load(str(lexicon))


@pytest.mark.parametrize("n", range(len(PATTERNS)))
def test_the_pattern_language(pattern_tagger, n):
    _, text, matches = PATTERNS[n]
    index = next(i for i, e in enumerate(pattern_tagger.entries) if e.label == f"pattern{n}")
    assert bool(row_spans(pattern_tagger, index, text)) == matches


@pytest.mark.parametrize("pattern,problem", [
    ("bus? station?", "every word is optional"),
    ("re:[unclosed", "bad regular expression"),
    ("a||b", "cannot read"),
])
def test_bad_patterns_are_refused(pattern, problem):
    found = pattern_problem(pattern)
    assert found is not None and problem in found


def test_taxonomy_row_replaces_or_removes_a_shipped_row(tmp_path, tagger):
    text = "School nurses see children at school."
    assert "health" in {*tagger.tag_texts([text], [None])[0][0]}
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("agency\thealth\tschool nurse|nursing\tremove\n"
                       "agency\thealth\tnurse|nursing\t0\tA nurse is not health here.\n", encoding="utf-8")
    mine = Tagger.load(str(lexicon))
    assert "health" not in mine.tag_texts([text], [None])[0][0]
    assert len(mine.entries) == len(tagger.entries) - 1


def test_taxonomy_folder_is_read_in_name_order(tmp_path):
    (tmp_path / "a.tsv").write_text("theme\tbuses\tbus station\t1\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("theme\tbuses\tbus station\t4\tBuses leave the bus station.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a lexicon", encoding="utf-8")
    rows = read_taxonomy(tmp_path)
    merged = merge([], rows)
    assert [e.weight for e in merged if e.label == "buses"] == [4.0]


def test_taxonomy_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("agency\thealth\tno such phrase at all\tremove\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as caught:
        Tagger.load(str(bad))
    assert f"{bad}:1:" in str(caught.value) and "nothing to remove" in str(caught.value)
    with pytest.raises(TaxonomyError) as caught:
        read_taxonomy(tmp_path / "missing")
    assert "no such file or folder" in str(caught.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TaxonomyError):
        read_taxonomy(tmp_path / "empty")
