"""The whole extraction, top to bottom as the data flows:

PDF or text -> lines (readers, lines) -> blocks (layout) -> sections (sections)
-> fields and findings (fields, findings) -> tags (tagging) -> the pydantic Letter (schema).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from . import fields, layout
from .capture import library_warnings
from .document import Document, Line
from .errors import ExtractError
from .findings import Content, Item, case_study_kind, collect
from .limits import DEFAULT_LIMITS, Limits, too_large_input
from .readers import DEFAULT_ENGINE, Source, decode_text, read, sniff_format
from .schema import Addressee, Box, CaseStudy, Finding, Inspection, Letter, Narrative, Signatory
from .schema import Source as SourceModel
from .sections import LIST_KINDS, build_sections, classify_heading
from .settings import DEFAULT, LayoutSettings

if TYPE_CHECKING:
    from .tagging import Tagger

JTAI_RE = re.compile(r"joint\s+targeted\s+area\s+inspection|\bJTAI\b", re.I)
SIGN_OFF_RE = re.compile(r"^yours\s+(sincerely|faithfully)", re.I)
ID_PREFIX = {"strengths": "S", "areas_for_improvement": "A", "priority_actions": "P"}
# a letter names itself on its first page: text that does not within its first megabyte is not
# one, and is refused before the whole of it is split into lines
EARLY_CHECK_BYTES = 1 << 20


@dataclass(slots=True)
class LetterParts:
    header: list[Line]  # date and addressees
    salutation: str | None
    title: str | None
    body: list[Line]
    signature: list[Line]


def split_letter(lines: list[Line], doc: Document) -> LetterParts:
    dear = next((i for i, ln in enumerate(lines[:80]) if re.match(r"^Dear\b", ln.text)), None)
    if dear is None:  # no salutation: the title line marks the end of the header
        dear = next((i - 1 for i, ln in enumerate(lines[:80]) if JTAI_RE.search(ln.text)), -1)
        salutation = None
    else:
        salutation = lines[dear].text
    header = lines[:max(dear, 0)]
    i = dear + 1
    title_lines: list[str] = []
    if doc.has_layout:
        while i < len(lines) and lines[i].bold and len(title_lines) < 4 and not classify_heading(lines[i].text):
            title_lines.append(lines[i].text)
            i += 1
    elif i < len(lines):
        while i < len(lines) and not lines[i].text:
            i += 1
        if i < len(lines) and JTAI_RE.search(lines[i].text):
            title_lines.append(lines[i].text)
            i += 1
            while (i < len(lines) and len(title_lines[-1]) >= 60 and lines[i].text
                   and not re.match(r"^(Between|This|From|In|On|The)\b", lines[i].text)):
                title_lines.append(lines[i].text)
                i += 1
    end = next((j for j in range(len(lines) - 1, i - 1, -1) if SIGN_OFF_RE.match(lines[j].text)), len(lines))
    return LetterParts(header=header, salutation=salutation, title=layout.join_lines(title_lines) or None,
                       body=lines[i:end], signature=lines[end:])


LetterInput = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO | Source


def extract(letter: LetterInput, engine: str = DEFAULT_ENGINE, tagger: Tagger | None = None, *,
            tags: bool = True, taxonomy: str | None = None,
            timings: dict[str, float] | None = None, settings: LayoutSettings = DEFAULT,
            limits: Limits | None = None) -> Letter:
    """Extract one letter, with its findings tagged.

    ``letter`` is a path, the bytes of a PDF or text letter, or a binary file object. Findings
    are tagged with the shipped lexicons (or ``taxonomy``, a user's lexicon file or folder);
    ``tags=False`` skips tagging; ``tagger`` passes a ``Tagger`` built once for many letters.
    Raises ``ExtractError`` (with a contract error code) for bad input. ``timings``, if given,
    receives the seconds each stage took (for ``make bench``). ``settings`` changes the layout
    thresholds (``jtai_extract.settings.LayoutSettings``). ``limits`` caps the input's size and
    its decompressed content (``limits.DEFAULT_LIMITS`` unless given); time and memory budgets
    need a worker process (``batch.run``). What the PDF library says while reading is reported
    in the letter's ``warnings``, never printed."""
    spent: dict[str, float] = {}
    limits = limits or DEFAULT_LIMITS
    source = to_source(letter, limits.max_input_bytes)
    if tagger is None and tags:
        from .tagging import Tagger

        tagger = Tagger.load(taxonomy)
    decide_early(source)
    with library_warnings() as said:
        doc = read(source, engine, spent, settings, limits)
    clock = time.perf_counter()
    extracted = letter_from_document(source, doc, settings, spent)
    extracted.warnings.extend(said)
    clock = time.perf_counter()
    if tagger is not None and tags:
        tagger.tag_letter(extracted)
        _lap(spent, "tagging", clock)
    if timings is not None:
        timings.update(spent)
    return extracted


def letter_from_document(source: Source, doc: Document, settings: LayoutSettings = DEFAULT,
                         timings: dict[str, float] | None = None) -> Letter:
    """The untagged letter from a document that has been read (furniture, blocks, sections,
    fields and findings)."""
    spent = timings if timings is not None else {}
    clock = time.perf_counter()
    lines = layout.remove_furniture(doc, settings)
    parts = split_letter(lines, doc)
    if not JTAI_RE.search(" ".join(ln.text for ln in lines[:120])):
        raise ExtractError("not_a_jtai_letter", "not a joint targeted area inspection letter")
    blocks = layout.build_blocks(parts.body, doc, lambda text: classify_heading(text) is not None, settings)
    clock = _lap(spent, "layout", clock)
    content = collect(build_sections(blocks))
    letter = assemble(source, doc, parts, content)
    letter.warnings.extend(doc.warnings)  # how the reader got the text (another engine, another encoding)
    _lap(spent, "sections_fields", clock)
    return letter


def to_source(letter: LetterInput, max_bytes: int | None = DEFAULT_LIMITS.max_input_bytes) -> Source:
    """A ``Source`` from whatever ``extract`` accepts, at most ``max_bytes`` long (``too_large``)."""
    streamed = False  # read from a file object only just past the limit: its whole size is not known
    if isinstance(letter, Source):
        source = letter
    elif isinstance(letter, (bytes, bytearray, memoryview)):
        source = Source("<bytes>", bytes(letter))
    elif isinstance(letter, (str, os.PathLike)):
        return Source.from_path(letter, max_bytes)
    elif callable(getattr(letter, "read", None)):
        data = letter.read() if max_bytes is None else letter.read(max_bytes + 1)  # type: ignore[union-attr]
        if isinstance(data, str):
            raise TypeError("open the file in binary mode ('rb'): extract() reads bytes")
        source = Source(str(getattr(letter, "name", "<stream>")), bytes(data))
        streamed = True
    else:
        raise TypeError(f"extract() takes a path, bytes or a binary file object, not {type(letter).__name__}")
    if max_bytes is not None and len(source.data) > max_bytes:
        raise too_large_input(None if streamed else len(source.data), max_bytes, "the input")
    return source


def decide_early(source: Source) -> None:
    """Refuse a long text that names no JTAI within its first megabyte, before it is split."""
    if len(source.data) <= EARLY_CHECK_BYTES or sniff_format(source.data) != "text":
        return
    head, _ = decode_text(source.data[:EARLY_CHECK_BYTES])
    if not JTAI_RE.search(head):
        raise ExtractError("not_a_jtai_letter", "not a joint targeted area inspection letter")


def _lap(spent: dict[str, float], stage: str, since: float) -> float:
    now = time.perf_counter()
    spent[stage] = spent.get(stage, 0.0) + now - since
    return now


def assemble(source: Source, doc: Document, parts: LetterParts, content: Content) -> Letter:
    warnings: list[str] = []
    opening = " ".join(i.text for i in content.narrative if i.section == "summary")
    letter_date = fields.letter_date(parts.header)
    start, end = fields.inspection_dates(opening, letter_date)
    next_steps = " ".join(i.text for i in content.narrative if i.section == "next_steps")
    people = fields.addressees(parts.header)
    findings = {kind: [_finding(f"{ID_PREFIX[kind]}{n}", item) for n, item in enumerate(content.lists[kind], 1)]
                for kind in LIST_KINDS}
    for kind, name in (("strengths", "strengths"), ("areas_for_improvement", "areas for improvement")):
        if not findings[kind] and not any(s.kind == kind for s in content.sections):
            warnings.append(f"no {name} section found")
    for heading in content.empty_lists:
        warnings.append(f"the '{heading}' section has no items: its items may have been read as narrative")
    deadlines = fields.deadlines(next_steps or " ".join(i.text for i in content.narrative[-6:]))
    if not deadlines:
        warnings.append("no deadline for the written statement of action found")
    for label, value in (("letter date", letter_date), ("inspection dates", start), ("title", parts.title)):
        if value is None:
            warnings.append(f"no {label} found")
    area = fields.area(parts.title, parts.salutation, opening)
    if not area:
        warnings.append("no area found in the title, the opening or the salutation")
    theme = fields.letter_theme(parts.title, opening, area, warnings)
    inspectorates = fields.inspectorates(f"{parts.title or ''} {opening[:1500]}")
    if not inspectorates:
        warnings.append("no inspectorates named in the title or the opening")
    studies = [CaseStudy(id=f"C{n}", kind=case_study_kind(item.heading or ""), heading=item.heading or "",
                         text=item.text, pages=sorted(item.pages), boxes=boxes(item.lines))
               for n, item in enumerate(content.case_studies, 1)]
    signatories = fields.signatories(parts.signature, doc.has_layout)
    warnings.extend(sanity_warnings(doc, content, people, signatories, studies))
    return Letter(
        source=SourceModel(path=source.path, sha256=source.sha256, format="pdf" if doc.has_layout else "text",
                           pages=len(doc.pages)),
        title=parts.title,
        letter_date=letter_date,
        area=area,
        theme=theme,
        inspection=Inspection(start=start, end=end),
        inspectorates=inspectorates,
        addressees=people,
        agencies=fields.agencies(people),
        narrative=[_narrative(f"N{n}", item) for n, item in enumerate(content.narrative, 1)],
        strengths=findings["strengths"],
        areas_for_improvement=findings["areas_for_improvement"],
        priority_actions=findings["priority_actions"],
        case_studies=studies,
        deadlines=deadlines,
        signatories=signatories,
        warnings=warnings,
    )


# Sanity limits, in printed lines and sections. Real organisations wrap onto a second line (in
# the dev letters, up to 1.5 lines); real case studies run to 2.5 times a letter's median section.
ORGANISATION_LINES = 2.0
NAME_LINES = 1.0
STUDY_SECTIONS = 3.0


def sanity_warnings(doc: Document, content: Content, people: list[Addressee], signatories: list[Signatory],
                    studies: list[CaseStudy]) -> list[str]:
    """What a wrong extraction looks like, said in words: a name longer than a printed line or
    an organisation longer than two (lines of the header ran together); a case study
    longer than three times the median of the letter's other sections (it ran on past its end)."""
    out: list[str] = []
    line = layout.text_body_width(doc)
    for person in people:
        for what, value, limit in (("name", person.name, NAME_LINES), ("organisation", person.organisation,
                                                                        ORGANISATION_LINES)):
            if value and len(value) > limit * line:
                out.append(f"addressee {person.name!r}: the {what} is longer than {limit:g} printed line(s) "
                           f"({len(value)} characters): lines of the header may have run together")
    for signatory in signatories:
        if len(signatory.name) > NAME_LINES * line:
            out.append(f"signatory {signatory.name!r}: the name is longer than a printed line")
    sizes = sorted(sum(len(b.text) for b in s.blocks) for s in content.sections
                   if s.blocks and s.kind != "case_study")
    if sizes and studies:
        median = sizes[len(sizes) // 2]
        for study in studies:
            if len(study.text) > STUDY_SECTIONS * median:
                out.append(f"case study {study.id} ('{study.heading}') is {len(study.text) / median:.1f} times as long "
                           f"as the letter's median section: it may run on past its end")
    return out


def _finding(id_: str, item: Item) -> Finding:
    return Finding(id=id_, text=item.text, pages=sorted(item.pages), subheading=item.heading,
                   boxes=boxes(item.lines))


def _narrative(id_: str, item: Item) -> Narrative:
    return Narrative(id=id_, section=item.section, heading=item.heading, text=item.text, pages=sorted(item.pages),
                     boxes=boxes(item.lines))


def boxes(lines: list[Line]) -> list[Box]:
    """One box per run of an item's lines on one page: the union of their line boxes."""
    runs: list[list[float]] = []  # page, x0, top, x1, bottom of each run (a Box per run, built once)
    for line in lines:
        if not line.has_layout:
            continue
        x0, top, x1, bottom = round(line.x0, 1), round(line.top, 1), round(line.x1, 1), round(line.bottom, 1)
        if runs and runs[-1][0] == line.page:
            last = runs[-1]
            last[1], last[3] = min(last[1], x0), max(last[3], x1)
            last[2], last[4] = min(last[2], top), max(last[4], bottom)
        else:
            runs.append([line.page, x0, top, x1, bottom])
    return [Box(page=int(page), x0=x0, top=top, x1=x1, bottom=bottom) for page, x0, top, x1, bottom in runs]
