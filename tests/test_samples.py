"""End to end on the fictional sample letters in samples/ (both layouts)."""

import json

import pytest

from jtai_extract import extract

from .conftest import SAMPLES

SAMPLE_NAMES = ["fernmouth-2019-03", "harrowgate-vale-2025-05"]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_matches_expected_json(name):
    from jtai_extract.tagging import Tagger

    got = extract(f"samples/{name}.pdf", tagger=Tagger.load()).model_dump(mode="json")
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert got == expected


def test_fernmouth_2016_20_layout():
    letter = extract(SAMPLES / "fernmouth-2019-03.pdf")
    assert letter.theme.label == "domestic_abuse"
    assert len(letter.strengths) == 7
    split = letter.strengths[-1]
    assert split.pages == [1, 2] and split.text.endswith("the children concerned.")
    assert "This includes: o sharing notifications" in letter.strengths[1].text
    assert [(a.subheading, a.id) for a in letter.areas_for_improvement] == [
        ("Leadership and management", "A1"), ("Health", "A2"), ("Health", "A3")]
    assert letter.priority_actions == []
    assert [c.kind for c in letter.case_studies] == ["effective_practice", "area_for_improvement"]
    assert [(s.name, s.inspectorate) for s in letter.signatories] == [
        ("Aled Marlowe", "Ofsted"), ("Ruth Penhale", "CQC"), ("Tomasz Reed", "HMICFRS"),
        ("Grace Ilori", "HMI Probation")]
    assert letter.addressees[1].organisation == "NHS Fernmouth and Eastwold Clinical Commissioning Group"
    assert not any("fictional inspection" in n.text for n in letter.narrative)  # footnote text removed


def test_harrowgate_vale_2022_layout():
    letter = extract(SAMPLES / "harrowgate-vale-2025-05.pdf")
    assert letter.theme.label == "serious_youth_violence"
    assert letter.inspectorates == ["Ofsted", "CQC", "HMICFRS", "HMI Probation"]
    assert letter.areas_for_improvement[0].text.endswith("\u2212 the recording of the reasons for each decision")
    assert [c.heading for c in letter.case_studies] == ["Practice study: highly effective practice",
                                                        "Places and spaces: highly effective practice"]
    assert letter.deadlines[0].date == "2025-07-17"  # "Friday 17 July 2025" was a Thursday
    assert [s.name for s in letter.signatories] == ["Aled Marlowe", "Dr Isobel Crane", "Tomasz Reed", "Martin Osei"]
    assert {n.section for n in letter.narrative} >= {"summary", "headline_findings", "main_findings", "next_steps"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_finding_text_occurs_in_the_document(name):
    from jtai_extract.layout import remove_furniture
    from jtai_extract.readers import Source, read

    doc = read(Source.from_path(SAMPLES / f"{name}.pdf"))
    flat = " ".join(ln.text for ln in remove_furniture(doc)).replace("- ", "-")
    squash = "".join(flat.split())
    letter = extract(SAMPLES / f"{name}.pdf")
    for item in [*letter.strengths, *letter.areas_for_improvement, *letter.case_studies]:
        assert "".join(item.text.split()) in squash
