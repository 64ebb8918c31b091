"""Stage 2: lines to blocks, furniture removed (library). Fixtures are written for the tests."""

from jtai_extract.document import Block, Document, Line, Page
from jtai_extract.layout import (
    LayoutContext,
    build_blocks,
    continues_bullet,
    continues_heading,
    continues_paragraph,
    crosses_frame,
    is_heading_line,
    is_plain_heading,
    is_sub_bullet,
    join_lines,
    remove_furniture,
    starts_bullet,
    text_footnote_start,
)
from jtai_extract.sections import classify_heading
from jtai_extract.settings import DEFAULT


def L(text, page=1, x0=71.0, top=100.0, size=12.0, bold=False, x1=None):
    return Line(text=text, page=page, x0=x0, x1=x1 if x1 is not None else x0 + 6 * len(text), top=top,
                bottom=top + size, size=size, bold=bold)


def blocks_of(lines):
    pages = sorted({ln.page for ln in lines})
    doc = Document(pages=[Page(p, 595, 842, [ln for ln in lines if ln.page == p]) for p in pages], format="pdf")
    return build_blocks(remove_furniture(doc), doc, lambda t: classify_heading(t) is not None)


def test_hyphen_at_line_end_is_kept_when_part_of_the_word():
    assert join_lines(["a multi-", "agency response"]) == "a multi-agency response"
    assert join_lines(["from 9 to 13 October –", "the week"]) == "from 9 to 13 October – the week"


def test_page_numbers_and_footnote_text_are_removed():
    lines = [L("Body text that goes on for longer than the note.", top=700),
             L("1 A footnote in small type.", top=760, size=10),
             L("7", top=790, size=9, x0=520)]
    [block] = blocks_of(lines)
    assert block.text == "Body text that goes on for longer than the note."


def test_small_boxed_text_without_a_footnote_number_is_kept():
    lines = [L("Case study: area for improvement", top=600, bold=True, x0=94),
             L("Police officers do not always assess the risk.", top=620, size=11, x0=94)]
    blocks = blocks_of(lines)
    assert [b.kind for b in blocks] == ["heading", "paragraph"]


def test_private_use_bullets_hanging_lines_and_a_bullet_over_a_page_break():
    lines = [L("Key strengths", top=100, bold=True, size=14),
             L("\uf06e Leaders know their area well and act", top=130),
             L("on what they learn.", top=145, x0=99),
             L("\uf06e Schools report concerns promptly and", top=760),
             L("consistently to the front door.", page=2, top=104, x0=99)]
    blocks = blocks_of(lines)
    assert [b.kind for b in blocks] == ["heading", "bullet", "bullet"]
    assert blocks[1].text == "Leaders know their area well and act on what they learn."
    assert blocks[2].text == "Schools report concerns promptly and consistently to the front door."
    assert blocks[2].pages == [1, 2]


def test_sub_bullets_belong_to_their_parent_and_a_glyph_alone_on_its_line():
    lines = [L("\u25fc Leaders need to act. This includes:", top=100),
             L("\u2212 ensuring capacity in the MASH", top=120, x0=89),
             L("\u2212 ensuring audits take place", top=140, x0=89),
             L("\u25fc", top=170), L("Sharing learning with staff.", top=170.5, x0=89)]
    blocks = blocks_of(lines)
    assert len(blocks) == 2
    assert blocks[0].text == ("Leaders need to act. This includes: \u2212 ensuring capacity in the MASH "
                              "\u2212 ensuring audits take place")


def test_indented_top_level_glyph_is_a_new_bullet_not_a_sub_bullet():
    lines = [L("\uf06e First finding.", top=100), L("\uf06e Second finding, indented a little.", top=130, x0=81)]
    assert len(blocks_of(lines)) == 2


def test_wrapped_bold_title_is_one_heading():
    lines = [L("Joint targeted area inspection of the multi-agency response to child", top=100, bold=True,
               x1=520),
             L("sexual exploitation in Northam", top=114, bold=True)]
    [block] = blocks_of(lines)
    assert block.kind == "heading" and block.text.endswith("exploitation in Northam")


def test_lone_glyph_bullet_keeps_its_hanging_lines_but_not_a_left_margin_paragraph():
    # a regression: the hanging indent was taken from the glyph, so a paragraph at the left
    # margin was swallowed into the bullet
    lines = [L("\u25fc", top=100), L("Partners share information daily", top=100.5, x0=99),
             L("and act on it.", top=115, x0=99), L("A paragraph at the margin follows here.", top=150, x0=71)]
    blocks = blocks_of(lines)
    assert [b.kind for b in blocks] == ["bullet", "paragraph"]
    assert blocks[0].text == "Partners share information daily and act on it."


def test_numbered_paragraphs_are_each_a_paragraph():
    lines = [L("1. The partnership has a clear plan for", top=100), L("neglect.", top=115),
             L("2. Schools refer promptly.", top=130), L("3. Police share information.", top=145)]
    assert [b.text for b in blocks_of(lines)] == ["1. The partnership has a clear plan for neglect.",
                                                  "2. Schools refer promptly.", "3. Police share information."]


# --- one test per decision of the PDF layout (layout.py predicates) -------------------------------

CTX = LayoutContext(em=12.0, pitch=14.5, widths={1: 595.0, 2: 595.0}, settings=DEFAULT,
                    is_known_heading=lambda t: classify_heading(t) is not None)


def block(kind, *lines):
    return Block(kind=kind, text=" ".join(ln.text for ln in lines), pages=[lines[0].page], lines=list(lines))


def test_starts_bullet_unless_a_bold_line_opens_with_a_dash():
    assert starts_bullet(L("\u25fc Text"), "\u25fc")
    assert not starts_bullet(L("- Health", bold=True), "-")
    assert starts_bullet(L("\u25fc Bold finding", bold=True), "\u25fc")


def test_is_sub_bullet_when_indented_under_the_bullet_above():
    parent = block("bullet", L("\u25fc Leaders act.", x0=71))
    assert is_sub_bullet(CTX, L("\u2212 in the MASH", x0=89), "\u2212", parent, bullet_x=71)
    assert not is_sub_bullet(CTX, L("\u2212 in the MASH", x0=73), "\u2212", parent, bullet_x=71)
    assert not is_sub_bullet(CTX, L("\u25fc Another", x0=81), "\u25fc", parent, bullet_x=71)  # glyphs: 1.25 em


def test_is_heading_line_bold_or_larger():
    assert is_heading_line(CTX, L("Strengths", bold=True))
    assert is_heading_line(CTX, L("Strengths", size=13.5))
    assert not is_heading_line(CTX, L("Strengths", size=13))


def test_is_plain_heading_a_known_heading_standing_alone():
    above, below = L("The last sentence.", top=100), L("A study's text.", top=150)
    heading = L("Practice study: highly effective practice", top=125)
    assert is_plain_heading(CTX, above, heading, below)
    assert not is_plain_heading(CTX, above, L("Our strengths", top=125), below)  # not a known heading
    run_on = L("Strengths", top=113)  # set as the next line of a running paragraph
    assert not is_plain_heading(CTX, L("which shows the", top=100), run_on, L("of the service.", top=126))


def test_continues_heading_a_wrapped_title():
    first = L("Joint targeted area inspection of the multi-agency response to child", top=100, bold=True, x1=520)
    last = block("heading", first)
    assert continues_heading(CTX, first, L("exploitation in Northam", top=114, bold=True), last)
    assert not continues_heading(CTX, first, L("exploitation in Northam", top=140, bold=True), last)  # too far
    short = L("Key strengths", top=100, bold=True)
    assert not continues_heading(CTX, short, L("Health", top=114, bold=True), block("heading", short))


def test_continues_bullet_hanging_lines_also_over_a_page_break():
    first = L("\u25fc Leaders know their area", top=100, x0=71)
    last = block("bullet", first)
    assert continues_bullet(CTX, first, L("and act on it.", top=115, x0=89), last, hang=89)
    assert not continues_bullet(CTX, first, L("A margin paragraph.", top=115, x0=71), last, hang=89)
    assert continues_bullet(CTX, first, L("over the page.", page=2, top=80, x0=89), last, hang=89)
    assert not continues_bullet(CTX, first, L("far below.", top=160, x0=89), last, hang=89)  # > 2.5 pitches


def test_continues_paragraph_close_under_it_or_an_unfinished_sentence_over_a_page():
    first = L("The partnership has a plan for", top=100)
    last = block("paragraph", first)
    assert continues_paragraph(CTX, first, L("neglect.", top=114), last)
    assert not continues_paragraph(CTX, first, L("neglect.", top=125), last)  # a paragraph gap
    assert not continues_paragraph(CTX, first, L("2. Schools refer promptly.", top=114), last)
    assert continues_paragraph(CTX, first, L("neglect.", page=2, top=80), last)
    ended = L("The plan works.", top=100)
    assert not continues_paragraph(CTX, ended, L("Next page.", page=2, top=80), block("paragraph", ended))


def test_crosses_frame_edges_but_not_a_frame_broken_over_a_page():
    outside, inside = L("Body", top=100), L("Study", top=114)
    inside.frame = 0
    assert crosses_frame(outside, inside) and crosses_frame(inside, outside)
    other = L("Another study", top=130)
    other.frame = 1
    assert crosses_frame(inside, other)
    next_page = L("Study, continued", page=2, top=80)
    next_page.frame = 2
    assert not crosses_frame(inside, next_page)


def test_a_frame_edge_ends_a_bullet_and_its_known_heading_in_plain_weight_opens_a_study():
    lines = [L("Strengths", top=100, bold=True), L("\u25fc Youth workers meet children.", top=125),
             L("Practice study: highly effective practice", top=145, x0=89),
             L("A girl was helped the same day.", top=166, x0=89)]
    for ln in lines[2:]:
        ln.frame = 0
    assert [(b.kind, b.text[:12]) for b in blocks_of(lines)] == [
        ("heading", "Strengths"), ("bullet", "Youth worker"), ("heading", "Practice stu"),
        ("paragraph", "A girl was h")]


def test_running_header_repeated_on_three_pages_is_removed():
    lines = [ln for p in (1, 2, 3) for ln in (L("Northam JTAI findings letter", page=p, top=20, size=9),
                                                L(f"Body text on page {p}.", page=p, top=100))]
    assert [b.text for b in blocks_of(lines)] == ["Body text on page 1.", "Body text on page 2.",
                                                 "Body text on page 3."]


def T(*texts):
    return [Line(text=t, page=1) for t in texts]


def test_text_footnotes_after_their_number_run_on_from_the_body_and_split_by_a_blank_line():
    width = 80
    after_number = T("They act on it, as the panel2 found.", "", "2", "", "The panel is a group of staff.")
    assert text_footnote_start(after_number, width) == 2
    run_on = T("\u25fc Staff act quickly on what they hear and tell the police.",
               "The Lantern scheme is a fictional arrangement by which the police tell schools overnight events.",
               "It was written for this test.")
    assert text_footnote_start(run_on, width) == 1
    split = T("Workers ask children what they think3 every time.", "", "3", "",
              "The Lantern panel is a fictional group of practitioners who meet every fortnight to review the", "",
              "plans of children.")
    assert text_footnote_start(split, width) == 2
    body = T("A body paragraph that ends the page without any footnote at all.", "and its last line.")
    assert text_footnote_start(body, width) == 2


def test_join_lines_keeps_word_hyphens_and_spaces_the_rest():
    from jtai_extract.layout import join_lines

    assert join_lines(["multi-", "agency work"]) == "multi-agency work"
    assert join_lines(["aged 9-", "12"]) == "aged 9- 12"  # not a word broken at its hyphen
    assert join_lines(["risk", "-", "based"]) == "risk - based"
    assert join_lines(["  one ", "", "two"]) == "one two"


def test_a_text_letter_of_a_million_short_lines_joins_in_one_pass():
    # regression (repro 02): each line was appended to a growing string, and a text of many
    # short lines took minutes; the pieces are now joined once
    from jtai_extract.layout import join_lines

    parts = ["x"] * 1_000_000
    assert join_lines(parts) == " ".join(parts)
