"""Stage 3: section headings and sub-headings (library)."""

import pytest

from jtai_extract.document import Block
from jtai_extract.findings import collect
from jtai_extract.sections import build_sections, classify_heading


@pytest.mark.parametrize("heading,kind", [
    ("Key Strengths", "strengths"), ("Strengths", "strengths"), ("Early help strengths", "strengths"),
    ("Areas for improvement", "areas_for_improvement"), ("What needs to improve?", "areas_for_improvement"),
    ("What needs to improve in this area", "areas_for_improvement"),
    ("Areas for priority action", "priority_actions"), ("Area for priority action", "priority_actions"),
    ("Areas for priority actions", "priority_actions"),
    ("Case study: highly effective practice", "case_study"), ("Case Study: areas for improvement.", "case_study"),
    ("Practice  study: area(s) for improvement", "case_study"),
    ("Places and Spaces: highly effective practice", "case_study"),
    ("Next steps", "next_steps"), ("Headline findings", "headline_findings"), ("Main findings", "main_findings"),
    ("Context", "context"), ("Leadership and management", None),
])
def test_headings_of_both_layouts(heading, kind):
    assert classify_heading(heading) == kind


def B(kind, text):
    return Block(kind=kind, text=text, pages=[1])


def test_subheadings_inside_a_list_and_no_priority_actions():
    blocks = [B("heading", "Areas for improvement"), B("heading", "Leadership and management"),
              B("bullet", "Boards lack data."), B("heading", "Health"), B("bullet", "GPs are not invited."),
              B("heading", "Areas for priority action"), B("bullet", "There are no areas for priority action"),
              B("heading", "Key strengths"), B("heading", "Multi-agency strengths"), B("bullet", "Police act fast.")]
    content = collect(build_sections(blocks))
    improvements = content.lists["areas_for_improvement"]
    assert [(i.heading, i.text) for i in improvements] == [("Leadership and management", "Boards lack data."),
                                                           ("Health", "GPs are not invited.")]
    assert content.lists["priority_actions"] == []
    assert [(i.heading, i.text) for i in content.lists["strengths"]] == [("Multi-agency strengths",
                                                                          "Police act fast.")]


def test_list_without_bullets_has_one_finding_per_paragraph():
    blocks = [B("heading", "Strengths"), B("paragraph", "One."), B("paragraph", "Two.")]
    assert [i.text for i in collect(build_sections(blocks)).lists["strengths"]] == ["One.", "Two."]


def test_unknown_heading_followed_by_paragraphs_ends_a_bulleted_list():
    blocks = [B("heading", "What needs to improve?"), B("bullet", "Audits."),
              B("heading", "Northam Safeguarding Partnership (NSP)"), B("paragraph", "Leaders are stable.")]
    content = collect(build_sections(blocks))
    assert [i.text for i in content.lists["areas_for_improvement"]] == ["Audits."]
    assert [(n.section, n.heading) for n in content.narrative] == [("other", "Northam Safeguarding Partnership (NSP)")]


def test_case_study_keeps_its_own_bold_title_but_ends_at_a_later_heading():
    blocks = [B("heading", "Practice study: highly effective practice"), B("heading", "Jo’s story"),
              B("paragraph", "Jo was helped."), B("heading", "Multi-agency practice with children"),
              B("paragraph", "Narrative.")]
    content = collect(build_sections(blocks))
    assert [c.text for c in content.case_studies] == ["Jo’s story Jo was helped."]
    assert content.narrative[0].text == "Narrative."
