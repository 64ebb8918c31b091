"""Stage 4a: the letter's fields - date, addressees, title, area, theme, inspection dates,
inspectorates, deadlines and signatories."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from .document import Line
from .resources import model_rows
from .schema import Addressee, Agency, Deadline, Signatory, Theme

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
DATE_RE = re.compile(rf"{WEEKDAY}?{DAY}\s+{MONTH},?\s+(\d{{4}}|\d{{2}})\b", re.I)
LETTER_DATE_RE = re.compile(rf"^{WEEKDAY}?{DAY}\s+{MONTH},?\s+(\d{{4}})$", re.I)
RANGE_RE = re.compile(
    rf"\b(?:between|from)\s+{DAY}(?:\s+{MONTH})?(?:,?\s+(\d{{4}}))?\s+(?:and|to|until|[-–])\s+{DAY}\s+{MONTH}"
    rf"(?:,?\s+(\d{{4}}))?", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
POSTNOMINAL_RE = re.compile(r"^(?:[A-Z]{2,}|QC|KC|BSc|MSc|MB|ChB|PhD|MBA|MA|BA|RGN|RN|DL|JP|Hons|\(Hons\))[.,]?$")


def iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def parse_date(text: str) -> str | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    return iso(_year(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))


def letter_date(header: list[Line]) -> str | None:
    for line in header[:6]:
        m = LETTER_DATE_RE.match(line.text.strip())
        if m:
            return iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    return None


def inspection_dates(text: str, letter_iso: str | None) -> tuple[str | None, str | None]:
    m = RANGE_RE.search(text)
    if not m:
        return None, None
    d1, m1, y1, d2, m2, y2 = m.groups()
    end_month = MONTHS[m2.lower()]
    start_month = MONTHS[m1.lower()] if m1 else end_month
    if y2:
        end_year = _year(y2)
    else:  # no year given: the one that puts the inspection before the letter
        letter = dt.date.fromisoformat(letter_iso) if letter_iso else dt.date.today()
        end_year = letter.year
        if (end_month, int(d2)) > (letter.month, letter.day):
            end_year -= 1
    start_year = _year(y1) if y1 else (end_year - 1 if start_month > end_month else end_year)
    return iso(start_year, start_month, int(d1)), iso(end_year, end_month, int(d2))


@cache
def _compiled(name: str, flags: int = re.I) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((label, re.compile(pattern, flags)) for label, pattern in model_rows(name, 2))


def letter_theme(title: str | None, opening: str) -> Theme:
    """The deep-dive theme: from the 'deep dive' sentence, else the title, else the sentences
    about the inspection's focus, else the whole opening."""
    # plain text keeps footnote numbers glued after full stops ("Borough.1 This ...")
    sentences = re.split(r"(?<=[.!?])\s+|(?<=[.!?]\d)\s+|(?<=[.!?]\d\d)\s+", opening)
    deep_dive = [s for s in sentences if re.search(r"deep\s+dive", s, re.I)]
    focus = [s for s in sentences if re.search(r"focus|looked at|inspection of", s, re.I)]
    for text in [*deep_dive, title or "", *focus, opening]:
        # the 2016-20 series is titled "abuse and neglect" whatever its deep dive: not a theme
        text = re.sub(r"(all forms of )?abuse,? and neglect", "", text, flags=re.I)
        for label, pattern in _compiled("letter_themes.tsv"):
            m = pattern.search(text)
            if m:
                return Theme(label=label, text=m.group(0).strip())
    return Theme(label=None, text=None)


def inspectorates(opening: str) -> list[str]:
    found = []
    for name, pattern in _compiled("inspectorates.tsv", 0):
        if pattern.search(opening):
            found.append(name)
    return found


def inspectorate_of(text: str) -> str | None:
    for name, pattern in _compiled("inspectorates.tsv", 0):
        if pattern.search(text):
            return name
    return None


AREA_PREFIX = re.compile(r"^(the\s+)?(london\s+borough\s+of|royal\s+borough\s+of|metropolitan\s+borough\s+of|"
                         r"city\s+of|county\s+of|borough\s+of)\s+", re.I)
AREA_SUFFIX = re.compile(r"\s+((metropolitan\s+)?(borough|district)(\s+council)?|city(\s+council)?|county(\s+council)?|"
                         r"council|local\s+authority)$", re.I)


def clean_area(text: str) -> str:
    text = text.strip().rstrip(".").strip()
    for _ in range(2):
        text = AREA_PREFIX.sub("", text)
        text = AREA_SUFFIX.sub("", text)
    return text.strip()


def area(title: str | None, salutation: str | None, opening: str = "") -> str | None:
    if title:
        t = " ".join(title.split())
        m = re.search(r"\bin\s+((?:the\s+)?[A-Z][\w’'-]*(?:[\s-]+(?:[A-Z][\w’'-]*|and|upon|on|with|of|the))*)\.?$", t)
        if m:
            return clean_area(m.group(1))
        m = re.search(r"inspection\s+of\s+(.+)$", t, re.I)
        if m and not re.search(r"multi-agency|response", m.group(1), re.I):
            return clean_area(m.group(1))
    if opening:  # "... the work of individual agencies in Greenwich local authority."
        m = re.search(r"individual agencies in\s+(.+?)\.", opening)
        if m:
            return clean_area(m.group(1))
    if salutation:
        m = re.match(r"Dear\s+(.+?),?\s+(Local\s+|Strategic\s+)?Safeguarding", salutation)
        if m:
            return clean_area(m.group(1))
    return None


# --- addressees -----------------------------------------------------------------------------

TITLE = (r"(?:(?:Acting\s+|Temporary\s+|Detective\s+)?(?:Dr|Sir|Dame|Ms|Mr|Mrs|Miss|Professor|Prof|Cllr|"
         r"Councillor|Lord|Lady|Baroness|Chief\s+Superintendent|Chief\s+Supt|Superintendent|Supt|Chief\s+Constable|"
         r"Chief\s+Inspector)\.?\s+)")
ROLE_START = (r"Assistant|Director|Designated|Chief|Manager|Head|Executive|Interim|Deputy|Strategic|Probation|"
              r"Commissioner|Service|Named|Lead|Senior|Acting|Divisional|Regional|Independent|Chair|CEO|"
              r"Accountable|Associate|Principal|Borough|Consultant|Nurse|Medical|Superintendent|Detective")
NOT_NAME = (rf"(?!(?:{ROLE_START}|Police|Council|Commissioning|Integrated|Command|Care|Board|Group|Trust|"
            r"Partnership|Health|Clinical|National|North|South|East|West|Youth|Local|Safeguarding|Children|Public|"
            r"Metropolitan|County|City|Programme|Operational|Corporate|Officer|Community|Company|Central|"
            r"Country|Rehabilitation|Division|Services|Limited|The)\b)")
NAME_WORD = rf"{NOT_NAME}[A-Z][a-z’'\-]+(?:[A-Z][a-z’'\-]+)?\b"
ADDRESSEE_RE = re.compile(rf"^(?P<name>{TITLE}?{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}})"
                          rf"(?P<post>(?:,?\s+(?:[A-Z]{{2,}}|QC|KC|DL)\b)*)"
                          rf"(?P<rest>(?:\s*,|\s+[–-]\s|\s+(?:{ROLE_START})\b|\s*$).*)$")
DANGLING = (",", " and", " of", " &", " for", " the", "’s", "'s", "/", " to", " –", "-", "(")


PAIR_RE = re.compile(rf"^(?P<a>{TITLE}?{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}})\s+(?:and|&)\s+"
                     rf"(?P<b>{TITLE}?{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}})(?P<rest>\s*,.*)$")


def addressee_lines(header: list[Line]) -> list[str]:
    """One string per addressee: wrapped lines joined, a line starts a new addressee when it
    begins with a personal name and the line before it is complete."""
    entries: list[str] = []
    for line in header:
        text = line.text.strip()
        if not text or LETTER_DATE_RE.match(text):
            continue
        m = ADDRESSEE_RE.match(text) or PAIR_RE.match(text)
        # "Name, ..." is a new addressee even after a line ending in a comma
        strong = bool(m) and (m.group("rest").lstrip()[:1] in (",", "–", "-") or bool(m.groupdict().get("post")))
        if entries and (not m or (entries[-1].endswith(DANGLING) and not strong)):
            entries[-1] += " " + text
        else:
            entries.append(text)
    return entries


def split_name(raw: str) -> str:
    """A personal name without post-nominals ('Cressida Dick DBE QPM' -> 'Cressida Dick')."""
    tokens = raw.replace(",", " ").split()
    while len(tokens) > 2 and POSTNOMINAL_RE.match(tokens[-1]):
        tokens.pop()
    # glyphs set tight in some PDFs run two names together ("YvetteStanley")
    return re.sub(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2})", " ", " ".join(tokens))


def agency_label(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        for label, pattern in _compiled("organisations.tsv"):
            if pattern.search(text):
                return label
    return None


def split_people(entry: str) -> list[str]:
    """Two people run together: "A, role; B, role" or "A and B, Joint Chairs, ..." -> one each."""
    parts = [p.strip() for p in entry.split(";") if p.strip()]
    if len(parts) > 1 and all(ADDRESSEE_RE.match(p) for p in parts):
        return [q for p in parts for q in split_people(p)]
    m = PAIR_RE.match(entry)
    if m:
        return [m.group("a") + m.group("rest"), m.group("b") + m.group("rest")]
    return [entry]


def addressees(header: list[Line]) -> list[Addressee]:
    people = []
    for entry in (one for joined in addressee_lines(header) for one in split_people(joined)):
        m = ADDRESSEE_RE.match(entry)
        if not m:
            continue
        name = split_name(m.group("name"))
        rest = [p.strip() for p in re.split(r",|\s[–-]\s", m.group("rest").strip(" ,–-")) if p.strip()]
        role = rest[0] if rest else None
        organisation = ", ".join(rest[1:]) or None
        if role and not organisation:
            m2 = re.match(r"^(.*?)\s+(?:of|for)\s+(?:the\s+)?(.*(?:Police|Council|Borough|Service|Trust|CCG|ICB|"
                          r"Board|Partnership|LSCB|LSCP|Constabulary|Group|Company|Authority).*)$", role)
            if m2:
                role, organisation = m2.group(1), m2.group(2)
        people.append(Addressee(name=name, role=role, organisation=organisation,
                                agency=agency_label(role, organisation)))
    return people


def agencies(people: list[Addressee]) -> list[Agency]:
    by_name: dict[str, Agency] = {}
    for person in people:
        org = person.organisation or person.role
        if not org:
            continue
        key = org.casefold()
        if key not in by_name:
            by_name[key] = Agency(name=org, label=agency_label(person.organisation) or person.agency,
                                  addressees=[])
        by_name[key].addressees.append(person.name)
    return list(by_name.values())


# --- next steps -----------------------------------------------------------------------------

def deadlines(next_steps: str) -> list[Deadline]:
    text = " ".join(next_steps.split())
    email = EMAIL_RE.search(text)
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        m = re.search(rf"\bby\s+({WEEKDAY}?{DAY}\s+{MONTH},?\s+(\d{{4}}|\d{{2}}))\b", sentence, re.I)
        if not m:
            continue
        date = parse_date(m.group(1))
        action = re.search(r"written statement of (proposed )?action", sentence, re.I)
        who = re.search(r"^(.*?)\s+(?:should|must|is required to|will need to)\s+(?:send|submit|provide)", sentence)
        sentence_email = EMAIL_RE.search(sentence) or email
        found.append(Deadline(date=date, action=action.group(0) if action else None,
                              email=sentence_email.group(0).rstrip(".") if sentence_email else None,
                              responsible=who.group(1).strip() if who else None))
        break
    if not found and email:
        found.append(Deadline(date=None, action=None, email=email.group(0).rstrip("."), responsible=None))
    return found


# --- signatures -----------------------------------------------------------------------------

NAME_RE = re.compile(r"^(?:(?:Dr|Sir|Dame|Professor|Mr|Mrs|Ms|Miss)\.?\s+)?[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]*){1,3}$")
ROLE_WORDS = re.compile(r"\b(Director|Inspector|Chief|Commission|Ofsted|Probation|Constabulary|Services?|Care|"
                        r"Social|National|Deputy|Assistant|Head|Healthcare|Regional|Majesty|HMI|Quality)\b")


def _looks_like_name(text: str) -> bool:
    name = split_name(text)
    return bool(NAME_RE.match(name)) and not ROLE_WORDS.search(name)


def signatories(lines: list[Line], has_layout: bool) -> list[Signatory]:
    lines = [ln for ln in lines if ln.text and not re.match(r"^yours\s+(sincerely|faithfully)", ln.text, re.I)]
    if has_layout and lines:
        xs = sorted({round(ln.x0) for ln in lines})
        split = _column_split(xs)
        if split:
            lines = [part for ln in lines for part in _split_at_column(ln, split)]
        columns = [[ln for ln in lines if ln.x0 < split], [ln for ln in lines if ln.x0 >= split]] if split \
            else [lines]
        cells = []
        for col_index, column in enumerate(columns):
            column.sort(key=lambda ln: (ln.page, ln.top))
            for cell in _cells(column):
                cells.append((cell[0].page, cell[0].top, col_index, cell))
        # reading order: row by row (cells whose tops are within 30pt share a row), left to right
        cells.sort(key=lambda c: (c[0], c[1]))
        rows: list[list] = []
        for cell in cells:
            if rows and cell[0] == rows[-1][0][0] and abs(cell[1] - rows[-1][0][1]) < 30:
                rows[-1].append(cell)
            else:
                rows.append([cell])
        ordered = [c[3] for row in rows for c in sorted(row, key=lambda c: c[2])]
        return [s for s in (_signatory(cell) for cell in ordered) if s]
    # no layout: names are the lines that look like names
    found = []
    for i, line in enumerate(lines):
        if _looks_like_name(line.text):
            role = lines[i + 1].text if i + 1 < len(lines) and not _looks_like_name(lines[i + 1].text) else None
            found.append(Signatory(name=split_name(line.text), role=role,
                                   inspectorate=inspectorate_of(role or "")))
    return found


def _split_at_column(line: Line, split: float) -> list[Line]:
    """A line running across the column boundary is two cells' lines set close together."""
    if not (line.x0 < split < line.x1):
        return [line]
    cuts = [(offset, x) for offset, x in line.gaps if x > split - 40]
    if not cuts:
        return [line]
    offset, x = cuts[0]
    left, right = line.text[:offset].strip(), line.text[offset:].strip()
    return [Line(text=left, page=line.page, x0=line.x0, x1=x, top=line.top, bottom=line.bottom,
                 size=line.size, bold=line.bold),
            Line(text=right, page=line.page, x0=x, x1=line.x1, top=line.top, bottom=line.bottom,
                 size=line.size, bold=line.bold)]


def _column_split(xs: list[int]) -> float | None:
    for a, b in zip(xs, xs[1:], strict=False):
        if b - a > 120:
            return (a + b) / 2
    return None


def _cells(column: list[Line]) -> list[list[Line]]:
    """A cell: an optional bold inspectorate header, a name, and role lines; a new cell starts at
    an inspectorate header, or at a name line after the role lines."""
    cells: list[list[Line]] = []
    state = "start"
    for line in column:
        header = _is_inspectorate_header(line)
        if header:
            if state in ("header",) and cells:
                cells[-1].append(line)  # wrapped header ("HMI Constabulary and Fire & Rescue / Services")
            else:
                cells.append([line])
            state = "header"
            continue
        if state in ("start", "role") and (_looks_like_name(line.text) or state == "start"):
            if state == "role" and cells and line.top - cells[-1][-1].bottom < 6 and not _looks_like_name(line.text):
                cells[-1].append(line)
                continue
            cells.append([line])
            state = "name"
            continue
        if state == "header" and cells:
            cells[-1].append(line)
            state = "name"
            continue
        if cells:
            cells[-1].append(line)
            state = "role"
    return cells


def _is_inspectorate_header(line: Line) -> bool:
    text = line.text.replace("H MI", "HMI").strip()
    return bool(line.bold) and bool(re.fullmatch(
        r"(Ofsted|Care Quality Commission|HMI Constabulary( and Fire( (&|and)( Rescue( Services)?)?)?)?|"
        r"(Rescue )?Services|"
        r"HMI Probation|HM Inspectorate of (Constabulary|Probation).*|HMICFRS|CQC)", text, re.I))


def _signatory(cell: list[Line]) -> Signatory | None:
    header = [ln.text for ln in cell if _is_inspectorate_header(ln)]
    rest = [ln.text for ln in cell if not _is_inspectorate_header(ln)]
    if not rest:
        return None
    if not _looks_like_name(rest[0]):
        return None  # a cell whose signature is an image: no name in the text
    name = split_name(rest[0])
    role = " ".join(rest[1:]) or None
    inspectorate = inspectorate_of(" ".join(header)) or inspectorate_of(role or "")
    return Signatory(name=name, role=role, inspectorate=inspectorate)
