"""A plain-text letter (pdftotext style) end to end: same output, minus what only layout tells."""

from jtai_extract import extract
from jtai_extract.readers import Source

from .conftest import FIXTURES


def test_era_a_text_letter():
    letter = extract(FIXTURES / "era-a-letter.txt")
    assert letter.source.format == "text"
    assert letter.letter_date == "2018-04-12"
    assert (letter.inspection.start, letter.inspection.end) == ("2018-02-12", "2018-02-16")
    assert letter.theme.label == "neglect"
    assert letter.area == "Midshire"
    assert [a.name for a in letter.addressees] == ["Ann Example", "Bob Sample", "Carol Testa"]
    assert [s.text for s in letter.strengths] == [
        "Police officers share information with the multi-agency safeguarding hub promptly.",
        "Health visitors identify neglect early and make timely referrals."]
    assert [(a.subheading, a.text) for a in letter.areas_for_improvement] == [
        ("Leadership and management", "The partnership does not yet have data on repeat referrals for neglect.")]
    assert letter.priority_actions == []
    assert [c.kind for c in letter.case_studies] == ["area_for_improvement"]
    assert letter.deadlines[0].date == "2018-07-03"
    assert [s.name for s in letter.signatories] == ["Dana Fictive", "Eli Madeup"]
    # the footnote at the foot of page 1 is not part of the summary
    assert not any("fictional letter" in n.text for n in letter.narrative)


def test_text_is_told_apart_from_pdf_by_content():
    data = (FIXTURES / "era-a-letter.txt").read_bytes()
    assert extract(Source("-", data)).area == "Midshire"


def test_sanity_warnings_say_what_was_not_read():
    text = ("12 April 2018\n\nDear partners\nJoint targeted area inspection\nLeaders know their area.\n"
            "Strengths\nStrengths\nAreas for improvement\n\u25fc Plans are late.\n")
    letter = extract(Source("letter.txt", text.encode()))
    assert letter.area is None and letter.inspectorates == [] and letter.theme.label is None
    assert set(letter.warnings) >= {
        "no area found in the title, the opening or the salutation",
        "no inspectorates named in the title or the opening",
        "no inspection dates found",
        "no theme found: the letter names no deep dive",
        "the 'Strengths' section has no items: its items may have been read as narrative"}
