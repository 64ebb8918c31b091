"""Stage 2: lines to blocks, furniture removed (library). Fixtures are written for the tests."""

from jtai_extract.document import Document, Line, Page
from jtai_extract.layout import build_blocks, join_lines, remove_furniture
from jtai_extract.sections import classify_heading


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
