"""End to end on the fictional sample letters in samples/ (built by scripts/make_samples.py):
both layouts, and one letter for each way real letters outside the dev set went wrong."""

import json

import pytest

from jtai_extract import extract

from .conftest import SAMPLES

SAMPLE_FILES = sorted([*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])
PDF_SAMPLES = [p.stem for p in SAMPLE_FILES if p.suffix == ".pdf"]


@pytest.fixture(scope="module")
def tagger():
    from jtai_extract.tagging import Tagger

    return Tagger.load()


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_matches_expected_json(path, tagger):
    got = extract(f"samples/{path.name}", tagger=tagger).model_dump(mode="json")
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert got == expected


def test_every_sample_has_its_expected_output():
    assert len(SAMPLE_FILES) >= 9
    assert all(p.with_suffix(".expected.json").exists() for p in SAMPLE_FILES)


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


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_fake_bold_and_overlapping_lines(engine):
    # eastwold: the date, salutation, title, headings and signatures drawn twice a hair apart;
    # the opening paragraphs set so tight that their lines overlap; a running header
    letter = extract(SAMPLES / "eastwold-2024-06.pdf", engine=engine, tags=False)
    assert letter.letter_date == "2024-06-21"
    assert letter.title == "Joint targeted area inspection of Eastwold"
    assert (letter.area, letter.theme.label) == ("Eastwold", "initial_need_and_risk")
    assert (letter.inspection.start, letter.inspection.end) == ("2024-04-15", "2024-04-19")
    assert letter.inspectorates == ["Ofsted", "CQC", "HMICFRS"]
    assert [s.name for s in letter.signatories] == ["Aled Marlowe", "Dr Isobel Crane", "Tomasz Reed"]
    assert len(letter.strengths) == 5 and len(letter.areas_for_improvement) == 2
    assert letter.narrative[0].text.startswith("This letter summarises the findings of the joint targeted area "
                                               "inspection (JTAI) of the multi-agency response to identification")
    assert not any("findings letter" in n.text for n in letter.narrative)  # the running header is furniture
    assert letter.warnings == []


def test_theme_from_what_the_deep_dive_is_into():
    # kelsey moor: the deep dive is into neglect; mental health is mentioned after it
    letter = extract(SAMPLES / "kelsey-moor-2019-02.pdf", tags=False)
    assert (letter.theme.label, letter.theme.text) == ("neglect", "neglect")
    [warning] = letter.warnings
    assert "several themes" in warning and "took neglect" in warning


def test_theme_with_the_area_name_inside_its_phrase():
    letter = extract(SAMPLES / "westmere-2023-10.pdf", tags=False)
    assert letter.theme.label == "families_who_need_help"
    assert letter.theme.text == "children and families in Westmere who need help"


def test_list_without_bullets_under_bold_subheadings():
    letter = extract(SAMPLES / "westmere-2023-10.pdf", tags=False)
    assert [(a.subheading, a.text[:30]) for a in letter.areas_for_improvement] == [
        ("Leadership and governance", "The partnership does not know "),
        ("Health services", "Midwives do not always share t"),
        ("Health services", "General practitioners are not ")]
    assert [s.subheading for s in letter.strengths] == ["Schools", "Police"]
    assert {n.section for n in letter.narrative} == {"summary", "main_findings", "next_steps"}
    assert letter.warnings == []


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_case_studies_in_drawn_frames(engine):
    # brackley: frames of four kinds; a plain-weight heading right after a bulleted list; more
    # numbered paragraphs after a frame; a frame broken over a page
    letter = extract(SAMPLES / "brackley-2024-11.pdf", engine=engine, tags=False)
    assert [s.text for s in letter.strengths] == [
        "Youth workers meet children in hospital on the night they are hurt.",
        "The partnership listens to children about the places where they feel unsafe."]
    assert [(c.kind, c.heading, c.pages) for c in letter.case_studies] == [
        ("effective_practice", "Practice study: highly effective practice", [1]),
        ("area_for_improvement", "Practice study: area for improvement", [1]),
        ("effective_practice", "Places and spaces: highly effective practice", [2, 3]),
        ("effective_practice", "Practice study: highly effective practice", [3])]
    assert letter.case_studies[1].text.endswith("learned of it from his friends.")
    assert letter.case_studies[2].text.endswith("now use the youth shelter in the evening.")
    numbered = [n.text.split(".")[0] for n in letter.narrative if n.section == "main_findings"]
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]  # the main findings resume after frames
    assert [b.page for b in letter.case_studies[2].boxes] == [2, 3]


def test_addressee_names_of_other_shapes():
    letter = extract(SAMPLES / "lowfield-2022-05.pdf", tags=False)
    assert [a.name for a in letter.addressees] == [
        "Aoife O’Sullivan-Reid", "Dr Pieter van der Berg", "Maria de la Cruz Romero", "Lena FitzGerald",
        "Tomos MacKenzie-Price", "Mary Anne Jones Okoro", "Sam Leigh", "Kit Moore", "Nina Patel"]
    assert [(a.role, a.organisation) for a in letter.addressees[6:8]] == [
        ("Director of Public Health", None), ("Head of Safeguarding", "Lowfield Council")]
    assert [a.agency for a in letter.addressees] == [
        "childrens_social_care", "health", "police", "safeguarding_partnership", "safeguarding_partnership",
        "youth_justice", "health", "childrens_social_care", "adult_services"]


def test_text_copy_signatory_roles_and_footnotes():
    # marshby: pdftotext's flattened signature grid (one column's signature an image) and
    # footnotes after a number line, run on from the body, and split by a blank line
    letter = extract(SAMPLES / "marshby-2018-07.txt", tags=False)
    assert [(s.name, s.role, s.inspectorate) for s in letter.signatories] == [
        ("Aled Marlowe", "National Director, Social Care", "Ofsted"),
        ("Ruth Penhale", "Deputy Chief Inspector", "CQC"),
        ("Tomasz Reed", "HMI Constabulary and Fire & Rescue Services", "HMICFRS")]
    texts = [i.text for i in [*letter.narrative, *letter.strengths, *letter.areas_for_improvement]]
    assert not any("fictional" in t for t in texts)
    assert letter.strengths[2].text.endswith("every fortnight and records its decisions.")
    assert letter.narrative[1].text.endswith("they review what they learn from audits with every agency.")


def test_2025_boilerplate_is_narrative_and_an_unknown_theme_is_null():
    letter = extract(SAMPLES / "ashby-fen-2025-09.pdf", tags=False)
    assert letter.theme.label is None and letter.theme.text is None
    assert any(w.startswith("no known theme in the deep dive: 'This letter summarises") and "harm online" in w
               for w in letter.warnings)
    assert [a.text[:20] for a in letter.areas_for_improvement] == ["The help given to pa", "The training of staf"]
    scoping = [n for n in letter.narrative if n.text.startswith("All references to children")]
    assert [n.section for n in scoping] == ["summary", "areas_for_improvement"]


@pytest.mark.parametrize("name", PDF_SAMPLES)
def test_every_finding_text_occurs_in_the_document(name):
    from jtai_extract.layout import remove_furniture
    from jtai_extract.readers import Source, read

    doc = read(Source.from_path(SAMPLES / f"{name}.pdf"))
    flat = " ".join(ln.text for ln in remove_furniture(doc)).replace("- ", "-")
    squash = "".join(flat.split())
    letter = extract(SAMPLES / f"{name}.pdf", tags=False)
    for item in [*letter.strengths, *letter.areas_for_improvement, *letter.case_studies]:
        assert "".join(item.text.split()) in squash
