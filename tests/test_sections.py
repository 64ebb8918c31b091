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


def test_list_style_follows_the_items_a_list_prints():
    from jtai_extract.sections import list_style

    bulleted = [B("heading", "Strengths"), B("paragraph", "Intro."), B("bullet", "One.")]
    numbered = [B("heading", "Strengths"), B("heading", "Health"), B("paragraph", "1. One.")]
    plain = [B("heading", "Strengths"), B("heading", "Health"), B("paragraph", "One."), B("heading", "Next steps"),
             B("bullet", "Not the list's.")]
    assert [list_style(b, 0) for b in (bulleted, numbered, plain)] == ["bullet", "numbered", "plain"]


def test_bold_subheadings_over_plain_paragraphs_in_a_list_without_bullets():
    blocks = [B("heading", "What needs to improve?"), B("heading", "Health"), B("paragraph", "GPs are not told."),
              B("heading", "Police"), B("paragraph", "Officers wait."), B("paragraph", "Records are late."),
              B("heading", "Main findings"), B("paragraph", "Narrative.")]
    content = collect(build_sections(blocks))
    assert [(i.heading, i.text) for i in content.lists["areas_for_improvement"]] == [
        ("Health", "GPs are not told."), ("Police", "Officers wait."), ("Police", "Records are late.")]


def test_numbered_list_subheading_needs_a_numbered_item_after_it():
    blocks = [B("heading", "Strengths"), B("paragraph", "1. Leaders act."), B("heading", "Health"),
              B("paragraph", "2. GPs refer."), B("heading", "Northam partnership"), B("paragraph", "Narrative.")]
    content = collect(build_sections(blocks))
    assert [(i.heading, i.text) for i in content.lists["strengths"]] == [
        (None, "1. Leaders act."), ("Health", "2. GPs refer.")]
    assert [n.heading for n in content.narrative] == ["Northam partnership"]


def framed(kind, text, frame, page=1):
    from jtai_extract.document import Line

    line = Line(text=text, page=page, frame=frame)
    return Block(kind=kind, text=text, pages=[page], lines=[line])


def test_a_framed_study_ends_with_its_frame_and_the_section_before_it_resumes():
    blocks = [framed("heading", "Main findings", None), framed("paragraph", "1. Leaders act.", None),
              framed("heading", "Practice study: area for improvement", 0), framed("paragraph", "A boy moved.", 0),
              framed("paragraph", "2. Schools refer.", None), framed("heading", "Next steps", None),
              framed("paragraph", "Send the statement.", None)]
    content = collect(build_sections(blocks))
    assert [c.text for c in content.case_studies] == ["A boy moved."]
    assert [(n.section, n.text) for n in content.narrative] == [
        ("main_findings", "1. Leaders act."), ("main_findings", "2. Schools refer."),
        ("next_steps", "Send the statement.")]


def test_a_framed_study_broken_over_a_page_continues_and_a_framed_banner_ends_nothing():
    blocks = [framed("heading", "Practice study: effective practice", 0), framed("paragraph", "Jo was", 0),
              framed("paragraph", "helped.", 1, page=2), framed("heading", "Next steps", 2, page=2),
              framed("paragraph", "Send it.", None, page=2)]
    content = collect(build_sections(blocks))
    assert [c.text for c in content.case_studies] == ["Jo was helped."]
    assert [(n.section, n.text) for n in content.narrative] == [("next_steps", "Send it.")]


def test_boilerplate_at_the_top_of_a_plain_list_is_narrative():
    blocks = [B("heading", "What needs to improve?"),
              B("paragraph", "All references to children in this section relate to children in care."),
              B("paragraph", "Placements are found too late.")]
    content = collect(build_sections(blocks))
    assert [i.text for i in content.lists["areas_for_improvement"]] == ["Placements are found too late."]
    assert [n.section for n in content.narrative] == ["areas_for_improvement"]


def test_a_list_section_with_no_items_is_reported():
    blocks = [B("heading", "Strengths"), B("heading", "Strengths"), B("heading", "What needs to improve?"),
              B("bullet", "There are no areas for priority action")]
    content = collect(build_sections(blocks))
    assert content.empty_lists == ["Strengths"]
