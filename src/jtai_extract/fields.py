"""Stage 4a: the letter's fields - date, addressees, title, area, theme, inspection dates,
inspectorates, deadlines and signatories."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
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
    return tuple((row[0], re.compile(row[1], flags)) for row in model_rows(name, 2))


# --- the letter's theme: what its deep dive is into --------------------------------------------

SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|(?<=[.!?]\d)\s+|(?<=[.!?]\d\d)\s+")  # text keeps "Borough.1 This"
DEEP_DIVE_RE = re.compile(r"deep[\s-]*dive[’'‘]?(?:\s+(?:focus|aspect|element))?(?:\s+(?:on|into|of|in)\s+|\s+)"
                          r"(?P<object>.+)$", re.I)
RESPONSE_RE = re.compile(r"\bresponse\s+to\s+(?P<object>.+?)\s*[.]?$", re.I)
SERIES_RE = re.compile(r"(all\s+forms\s+of\s+)?abuse,?\s+and\s+neglect", re.I)  # the 2016-20 series, not a theme
INSERTED_WORDS = 3  # words a phrase of letter_themes.tsv may have inserted ("families in X who need help")
QUOTE_CHARS = 200  # how much of a sentence a warning quotes


@cache
def _theme_patterns() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    """Each letter theme's pattern as written, and a loose one allowing words inserted between
    the words of the phrase."""
    out = []
    for label, pattern, *_ in model_rows("letter_themes.tsv", 2):
        loose = pattern.replace(r"\s+", rf"\s+(?:[\w’'-]+,?\s+){{0,{INSERTED_WORDS}}}?")
        out.append((label, re.compile(pattern, re.I), re.compile(loose, re.I)))
    return tuple(out)


@dataclass(slots=True)
class ThemeMatch:
    label: str
    text: str
    start: int
    end: int
    rank: int  # the row of letter_themes.tsv: the more specific themes come first


def theme_matches(phrase: str) -> list[ThemeMatch]:
    """The letter themes a phrase names, in the order it names them. Patterns matching the same
    words are one naming (the more specific row wins: "child sexual exploitation, gangs and
    missing children" is exploitation and missing, not also sexual exploitation and missing);
    words inserted in a theme's phrase are tolerated when nothing matches as written."""
    for loose in (False, True):
        found = [ThemeMatch(label, m.group(0).strip(), m.start(), m.end(), rank)
                 for rank, (label, strict, tolerant) in enumerate(_theme_patterns())
                 for m in (tolerant if loose else strict).finditer(phrase)]
        if found:
            break
    found.sort(key=lambda t: (t.start, t.rank))
    namings: list[list[ThemeMatch]] = []
    for match in found:
        if namings and match.start < max(t.end for t in namings[-1]):
            namings[-1].append(match)
        else:
            namings.append([match])
    chosen = [min(group, key=lambda t: t.rank) for group in namings]
    out: list[ThemeMatch] = []
    for match in chosen:
        if all(m.label != match.label for m in out):
            out.append(match)
    return out


def _without_area(phrase: str, area_name: str | None) -> str:
    phrase = SERIES_RE.sub("", phrase)
    if area_name:
        name = re.escape(area_name)
        phrase = re.sub(rf"\s*\b(?:in|across|for)\s+(?:the\s+)?{name}\b|\b{name}(?:’s|'s)?\s*", " ", phrase, flags=re.I)
    return " ".join(phrase.split())


def theme_phrases(title: str | None, opening: str) -> list[tuple[str, str]]:
    """What the letter says its deep dive is into, most telling first, as (sentence, phrase):
    the object of each 'deep dive' sentence, then of each "response to ..." in the opening,
    then the title's."""
    sentences = SENTENCE_SPLIT_RE.split(opening)
    out = []
    for s in sentences:
        m = DEEP_DIVE_RE.search(s)
        if m:
            out.append((s, m.group("object")))
    for s in sentences:
        m = RESPONSE_RE.search(s)
        if m and not DEEP_DIVE_RE.search(s):
            out.append((s, m.group("object")))
    if title:
        m = RESPONSE_RE.search(title)
        out.append((title, m.group("object") if m else title))
    return out


def letter_theme(title: str | None, opening: str, area_name: str | None = None,
                 warnings: list[str] | None = None) -> Theme:
    """The deep-dive theme: from the first phrase saying what the deep dive is into that names
    a known theme (``theme_phrases``); the theme it names first when it names several (with a
    warning). A letter whose deep dive names no known theme has none (``null``), with a warning
    quoting its deep-dive sentence: never a guess from the rest of the letter."""
    phrases = theme_phrases(title, opening)
    for sentence, phrase in phrases:
        matches = theme_matches(_without_area(phrase, area_name))
        if not matches:
            continue
        if len(matches) > 1 and warnings is not None:
            names = ", ".join(f"{m.label} ('{m.text}')" for m in matches)
            warnings.append(f"the deep dive names several themes: {names}; took {matches[0].label}, named first, "
                            f"from: '{_quote(sentence)}'")
        return Theme(label=matches[0].label, text=_verbatim(matches[0], phrase))
    if warnings is not None:
        if phrases and (len(phrases) > 1 or not title):
            warnings.append(f"no known theme in the deep dive: '{_quote(phrases[0][0])}'")
        else:
            warnings.append("no theme found: the letter names no deep dive")
    return Theme(label=None, text=None)


def _verbatim(match: ThemeMatch, phrase: str) -> str:
    """The theme's words as the letter prints them (with the area's name, if it sat inside)."""
    tolerant = next(t for label, _, t in _theme_patterns() if label == match.label)
    found = tolerant.search(phrase)
    return " ".join(found.group(0).split()) if found else match.text


def _quote(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[:QUOTE_CHARS].rstrip() + " …"


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
TITLE_WORDS = {"Dr", "Sir", "Dame", "Ms", "Mr", "Mrs", "Miss", "Professor", "Prof", "Cllr", "Councillor", "Lord",
               "Lady", "Baroness", "Acting", "Temporary", "Detective", "Chief", "Superintendent", "Supt",
               "Constable", "Inspector"}
ROLE_START = (r"Assistant|Director|Designated|Chief|Manager|Head|Executive|Interim|Deputy|Strategic|Probation|"
              r"Commissioner|Service|Named|Lead|Senior|Acting|Divisional|Regional|Independent|Chair|CEO|"
              r"Accountable|Associate|Principal|Borough|Consultant|Nurse|Medical|Superintendent|Detective")
NOT_NAME = (rf"(?!(?:{ROLE_START}|Police|Council|Commissioning|Integrated|Command|Care|Board|Group|Trust|"
            r"Partnership|Health|Clinical|National|North|South|East|West|Youth|Local|Safeguarding|Children|Public|"
            r"Metropolitan|County|City|Programme|Operational|Corporate|Officer|Community|Company|Central|"
            r"Country|Rehabilitation|Division|Services|Limited|The)\b)")
UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
# one capitalised part: O’Brien, D’Austin, McMillan, MacDonald, FitzGerald
NAME_PIECE = rf"(?:[{UPPER}][’'])?[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)*"
NAME_WORD = rf"{NOT_NAME}{NAME_PIECE}(?:-{NAME_PIECE})*(?![\w’'])"  # hyphenated: Jones-Smith, Anne-Marie
# lower-case particles inside a name: Pieter van der Berg, Maria de la Cruz
PARTICLE = r"(?:de|da|di|du|del|della|der|den|des|van|von|le|la|ter|ten|dos|das|bin|ibn|al|el|ap)"
NAME = rf"{TITLE}?{NAME_WORD}(?:\s+(?:{PARTICLE}\s+){{0,2}}{NAME_WORD}){{1,4}}"
ADDRESSEE_RE = re.compile(rf"^(?P<name>{NAME})"
                          rf"(?P<post>(?:,?\s+(?:[A-Z]{{2,}}|QC|KC|DL)\b)*)"
                          rf"(?P<rest>(?:\s*,|\s+[–-]\s|\s+(?:{ROLE_START})\b|\s*$).*)$")
DANGLING = (",", " and", " of", " &", " for", " the", "’s", "'s", "/", " to", " –", "-", "(")


PAIR_RE = re.compile(rf"^(?P<a>{NAME})\s+(?:and|&)\s+(?P<b>{NAME})(?P<rest>\s*,.*)$")
# "A, role, and B, role, organisation": two people with their own roles on one line
TWO_ROLES_RE = re.compile(rf"^(?P<a>{NAME}\s*,[^;]+?),\s+(?:and|&)\s+(?P<b>{NAME}\s*,.+)$")


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
        strong = m is not None and (m.group("rest").lstrip()[:1] in (",", "–", "-") or bool(m.groupdict().get("post")))
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
    # glyphs set tight in some PDFs run a whole name together ("YvetteStanley"); a name of
    # several words keeps its inner capitals ("Lena FitzGerald", "Alan MacDonald")
    named = [t for t in tokens if t.rstrip(".") not in TITLE_WORDS]
    if len(named) == 1:
        tokens = [re.sub(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2})", " ", t) for t in tokens]
    return " ".join(tokens)


def agency_label(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        for label, pattern in _compiled("organisations.tsv"):
            if pattern.search(text):
                return label
    return None


def split_people(entry: str) -> list[str]:
    """Two people on one line: "A, role; B, role", "A and B, Joint Chairs, ..." or "A, role, and
    B, role, ..." -> one entry each."""
    parts = [p.strip() for p in entry.split(";") if p.strip()]
    if len(parts) > 1 and all(ADDRESSEE_RE.match(p) for p in parts):
        return [q for p in parts for q in split_people(p)]
    m = PAIR_RE.match(entry)
    if m:
        return [m.group("a") + m.group("rest"), m.group("b") + m.group("rest")]
    m = TWO_ROLES_RE.match(entry)
    if m and ADDRESSEE_RE.match(m.group("b")) and ADDRESSEE_RE.match(m.group("a")):
        return [m.group("a").rstrip(" ,"), *split_people(m.group("b"))]
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

NAME_RE = re.compile(rf"^(?:(?:Dr|Sir|Dame|Professor|Mr|Mrs|Ms|Miss)\.?\s+)?[{UPPER}][\w’'.-]+"
                     rf"(?:\s+(?:{PARTICLE}\s+){{0,2}}[{UPPER}][\w’'.-]*){{1,3}}$")
ROLE_WORDS = re.compile(r"\b(Director|Inspector|Chief|Commission|Ofsted|Probation|Constabulary|Services?|Care|"
                        r"Social|National|Deputy|Assistant|Head|Healthcare|Regional|Majesty|HMI|Quality)\b")


def _looks_like_name(text: str) -> bool:
    name = split_name(text)
    return bool(NAME_RE.match(name)) and not ROLE_WORDS.search(name)


def signatories(lines: list[Line], has_layout: bool) -> list[Signatory]:
    if not has_layout:
        chunks = _text_chunks(lines)
        if len(chunks) > 1:
            return text_signatories(chunks)
    lines = [ln for ln in lines if ln.text and not re.match(r"^yours\s+(sincerely|faithfully)", ln.text, re.I)]
    if has_layout and lines:
        xs = sorted({round(ln.x0) for ln in lines})
        split = _column_split(xs)
        if split:
            lines = [part for ln in lines for part in _split_at_column(ln, split)]
        columns = [[ln for ln in lines if ln.x0 < split], [ln for ln in lines if ln.x0 >= split]] if split \
            else [lines]
        cells: list[tuple[int, float, int, list[Line]]] = []
        for col_index, column in enumerate(columns):
            column.sort(key=lambda ln: (ln.page, ln.top))
            for cell in _cells(column):
                cells.append((cell[0].page, cell[0].top, col_index, cell))
        # reading order: row by row (cells whose tops are within 30pt share a row), left to right
        cells.sort(key=lambda c: (c[0], c[1]))
        rows: list[list[tuple[int, float, int, list[Line]]]] = []
        for placed in cells:
            if rows and placed[0] == rows[-1][0][0] and abs(placed[1] - rows[-1][0][1]) < 30:
                rows[-1].append(placed)
            else:
                rows.append([placed])
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


def _text_chunks(lines: list[Line]) -> list[list[str]]:
    """The signature block of a text letter as runs of lines between blank lines."""
    chunks: list[list[str]] = [[]]
    for line in lines:
        text = line.text.strip()
        if re.match(r"^yours\s+(sincerely|faithfully)", text, re.I):
            continue
        if text:
            chunks[-1].append(text)
        elif chunks[-1]:
            chunks.append([])
    return [c for c in chunks if c]


def inspectorates_in_order(text: str) -> list[str]:
    """The inspectorates a text names, in the order it names them ("HMI Constabulary and Fire &
    Rescue HMI Probation": a header line of two columns)."""
    found = sorted((m.start(), name) for name, pattern in _compiled("inspectorates.tsv", 0)
                   for m in pattern.finditer(text))
    out: list[str] = []
    for _, name in found:
        if not out or out[-1] != name:
            out.append(name)
    return out


def text_signatories(chunks: list[list[str]]) -> list[Signatory]:
    """Signatories of a text letter, whose signature block pdftotext prints one cell at a time.
    Stacked boxes (2022+) are a name and its role lines together, and so are some grid cells
    (with the row's column headers, the inspectorates, before them). Otherwise the 2016-20 grid
    comes out row by row: the headers, the names, then the roles, each cell apart; so the k
    names of a row take the k roles after them, in order, and the inspectorates of the headers
    before them. When a column's signature is an image (no name), its role is left over:
    the roles that name one of the row's inspectorates are matched first."""
    found: list[Signatory] = []
    headers: list[str] = []  # the inspectorates of the header cells before the current names
    i = 0
    while i < len(chunks):
        chunk = chunks[i]
        if not _looks_like_name(chunk[0]):
            headers.extend(inspectorates_in_order(" ".join(chunk)))
            i += 1
            continue
        if len(chunk) > 1:  # stacked boxes, or grid cells printed whole: name and role together
            cells = []
            while i < len(chunks) and len(chunks[i]) > 1 and _looks_like_name(chunks[i][0]):
                cells.append(chunks[i])
                i += 1
            for n, cell in enumerate(cells):
                role = " ".join(cell[1:])
                own = headers[n] if len(headers) == len(cells) else None
                found.append(Signatory(name=split_name(cell[0]), role=role, inspectorate=own or inspectorate_of(role)))
            headers = []
            continue
        names: list[str] = []
        while i < len(chunks) and len(chunks[i]) == 1 and _looks_like_name(chunks[i][0]):
            names.append(split_name(chunks[i][0]))
            i += 1
        columns = max(len(names), len(headers))
        roles: list[str] = []
        while i < len(chunks) and len(roles) < columns and not _looks_like_name(chunks[i][0]):
            roles.append(" ".join(chunks[i]))
            i += 1
        if len(roles) > len(names):
            roles.sort(key=lambda r: inspectorate_of(r) not in headers)  # stable: the rest keep their order
        for n, name in enumerate(names):
            cell_role = roles[n] if n < len(roles) else None
            own = headers[n] if len(headers) == len(names) else None
            found.append(Signatory(name=name, role=cell_role, inspectorate=own or inspectorate_of(cell_role or "")))
        headers = []
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
