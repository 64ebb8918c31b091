"""Every rule row of the data files in models/ carries an example written for it, and each
example is read by its own row (the eyecite / reporters-db way); every row is exercised by a
sample letter or a real one. (lexicons/ and letter_theme_labels.tsv are the tagger's: see
test_tagging.)"""

from __future__ import annotations

import pytest

from jtai_extract import extract, fields
from jtai_extract.findings import _boilerplate, is_boilerplate
from jtai_extract.resources import models_dir, read_tsv
from jtai_extract.sections import _patterns, classify_heading, clean_heading

from .conftest import SAMPLES, corpus_dir

# data file -> the number of fields of a row with its example (the example is the last)
RULE_FILES = {"sections.tsv": 3, "letter_themes.tsv": 3, "organisations.tsv": 3, "inspectorates.tsv": 3,
              "boilerplate.tsv": 2}


def rows(name: str) -> list[list[str]]:
    return [f for _, f in read_tsv(models_dir() / name, RULE_FILES[name])]


@pytest.mark.parametrize("name", sorted(RULE_FILES))
def test_every_rule_row_carries_an_example(name):
    assert all(len(row) == RULE_FILES[name] and row[-1] for row in rows(name))


@pytest.mark.parametrize("kind,pattern,example", rows("sections.tsv"))
def test_section_examples(kind, pattern, example):
    assert classify_heading(example) == kind


@pytest.mark.parametrize("label,pattern,example", rows("letter_themes.tsv"))
def test_letter_theme_examples(label, pattern, example):
    assert fields.theme_matches(example)[0].label == label


@pytest.mark.parametrize("label,pattern,example", rows("organisations.tsv"))
def test_organisation_examples(label, pattern, example):
    assert fields.agency_label(example) == label


@pytest.mark.parametrize("name,pattern,example", rows("inspectorates.tsv"))
def test_inspectorate_examples(name, pattern, example):
    assert fields.inspectorates_in_order(example) == [name]


@pytest.mark.parametrize("pattern,example", rows("boilerplate.tsv"))
def test_boilerplate_examples(pattern, example):
    assert is_boilerplate(example)


def _letters() -> list:
    """The sample letters, and the real letters' text copies when the corpus is here."""
    paths = sorted([*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])
    corpus = corpus_dir()
    if corpus is not None:
        paths += sorted((corpus / "text").glob("*.txt"))
    return paths


def test_every_rule_row_is_exercised_by_a_sample_or_a_letter(corpus):
    """Needs the real letters (JTAI_CORPUS): the samples alone do not show every letter theme."""
    from jtai_extract import layout
    from jtai_extract.pipeline import split_letter
    from jtai_extract.readers import Source, read

    used: dict[str, set[int]] = {name: set() for name in RULE_FILES}
    orgs = fields._compiled("organisations.tsv")
    themes = [row[0] for row in rows("letter_themes.tsv")]
    names = [row[0] for row in rows("inspectorates.tsv")]
    for path in _letters():
        doc = read(Source.from_path(path))
        parts = split_letter(layout.remove_furniture(doc), doc)
        for block in layout.build_blocks(parts.body, doc, lambda t: classify_heading(t) is not None):
            cleaned = clean_heading(block.text)
            hit = next((i for i, (_, p) in enumerate(_patterns()) if p.fullmatch(cleaned)), None)
            if block.kind == "heading" and hit is not None:
                used["sections.tsv"].add(hit)
            used["boilerplate.tsv"] |= {i for i, p in enumerate(_boilerplate()) if p.match(block.text)}
        letter = extract(path, tags=False)
        if letter.theme.label:
            used["letter_themes.tsv"].add(themes.index(letter.theme.label))
        used["inspectorates.tsv"] |= {names.index(n) for n in letter.inspectorates}
        for person in letter.addressees:
            for text in (person.role, person.organisation):
                hit = next((i for i, (_, p) in enumerate(orgs) if text and p.search(text)), None)
                if hit is not None:
                    used["organisations.tsv"].add(hit)
                    break
    unused = {name: sorted(set(range(len(rows(name)))) - rows_used) for name, rows_used in used.items()}
    assert unused == {name: [] for name in RULE_FILES}
