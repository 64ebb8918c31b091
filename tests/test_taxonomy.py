"""The taxonomy ships in the package: labels.tsv agrees with TAXONOMY.md and the lexicons."""

from __future__ import annotations

import re

from jtai_extract.resources import data_files, labels, models_dir


def test_labels_tsv_lists_exactly_the_slugs_of_taxonomy_md():
    text = (models_dir() / "TAXONOMY.md").read_text(encoding="utf-8")
    in_tables = set(re.findall(r"^\| `(\w+)` \|", text, re.M))
    ours = {lab.slug for lab in labels() if lab.kind in ("agency", "theme")}
    assert ours == in_tables
    letter_themes = {lab.slug for lab in labels() if lab.kind == "letter_theme"}
    listed = re.search(r"## Letter themes.*?\n(.*?)See CONTRACT", text, re.S)
    assert listed is not None and letter_themes == set(re.findall(r"`(\w+)`", listed.group(1)))


def test_every_finding_label_has_a_lexicon_and_a_readable_name():
    lexicons = {p.name.removesuffix(".tsv") for p in data_files("lexicons")}
    assert {lab.slug for lab in labels() if lab.kind in ("agency", "theme")} == lexicons
    assert all(lab.name and lab.definition for lab in labels())
