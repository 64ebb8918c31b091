"""``--sqlite FILE.db``: the letters as related tables, in the shape sqlite-utils and Datasette
users expect (text primary keys, declared foreign keys, JSON arrays for lists, an FTS5 index kept
in step by triggers as ``sqlite-utils enable-fts --create-triggers`` makes it).

A letter is keyed by the sha256 of its bytes. Each letter is written in one transaction that
first deletes the rows the same letter left in the file, so re-running into the same file
replaces a letter (no duplicates), a folder can be added to incrementally, and a crash or an
interrupt leaves the file as it was before that letter. The tables are documented in README.md
("The SQLite database").
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .filters import ALL_LISTS, NARRATIVE
from .names import letter_stem
from .output import FileWriter, OutputError, RunOptions, make_parent

DB_SCHEMA_VERSION = 1  # PRAGMA user_version of the databases this module writes; bumped on a change
BUSY_TIMEOUT_S = 10.0  # how long to wait for another process's write lock on the file

TABLES = """
CREATE TABLE IF NOT EXISTS labels (
    kind TEXT NOT NULL,             -- agency, theme (finding tags) or letter_theme
    slug TEXT NOT NULL,
    name TEXT NOT NULL,             -- readable name
    definition TEXT,
    PRIMARY KEY (kind, slug)
);
CREATE TABLE IF NOT EXISTS letters (
    id TEXT PRIMARY KEY,            -- sha256 of the input's bytes
    letter TEXT NOT NULL,           -- the file name without its extension (the CSV's "letter")
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    pages INTEGER NOT NULL,
    title TEXT,
    letter_date TEXT,
    area TEXT,
    theme TEXT,                     -- a letter_theme slug of labels
    theme_text TEXT,
    inspection_start TEXT,
    inspection_end TEXT,
    inspectorates TEXT NOT NULL,    -- JSON array
    agencies TEXT NOT NULL,         -- JSON array of {name, label, addressees}
    warnings TEXT NOT NULL,         -- JSON array
    schema_version INTEGER NOT NULL,
    extractor_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY,            -- letter id ":" finding id
    letter_id TEXT NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    finding TEXT NOT NULL,          -- S1, A1, P1, C1, N1 ...
    n INTEGER NOT NULL,             -- its place in its list, from 1
    section TEXT NOT NULL,          -- strengths, areas_for_improvement, priority_actions, case_studies, narrative
    kind TEXT,                      -- a case study's kind, a narrative paragraph's section
    heading TEXT,                   -- a case study's or narrative paragraph's heading
    subheading TEXT,                -- the bold sub-heading a list finding sits under
    text TEXT NOT NULL,
    pages TEXT NOT NULL,            -- JSON array
    agencies TEXT NOT NULL,         -- JSON array (also rows of finding_tags)
    themes TEXT NOT NULL            -- JSON array (also rows of finding_tags)
);
CREATE TABLE IF NOT EXISTS finding_tags (
    finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('agency', 'theme')),
    label TEXT NOT NULL,
    PRIMARY KEY (finding_id, kind, label),
    FOREIGN KEY (kind, label) REFERENCES labels(kind, slug)
);
CREATE TABLE IF NOT EXISTS evidence (
    finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    kind TEXT,
    label TEXT NOT NULL,
    text TEXT NOT NULL,             -- the words matched
    start_offset INTEGER NOT NULL,  -- in the finding's text, as the JSON's start and end
    end_offset INTEGER NOT NULL,
    PRIMARY KEY (finding_id, n),
    FOREIGN KEY (kind, label) REFERENCES labels(kind, slug)
);
CREATE TABLE IF NOT EXISTS addressees (
    letter_id TEXT NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT,
    organisation TEXT,
    agency TEXT,                    -- an agency slug of labels
    PRIMARY KEY (letter_id, n)
);
CREATE TABLE IF NOT EXISTS signatories (
    letter_id TEXT NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT,
    inspectorate TEXT,
    PRIMARY KEY (letter_id, n)
);
CREATE TABLE IF NOT EXISTS deadlines (
    letter_id TEXT NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    date TEXT,
    action TEXT,
    email TEXT,
    responsible TEXT,
    PRIMARY KEY (letter_id, n)
);
CREATE INDEX IF NOT EXISTS letters_theme ON letters(theme);
CREATE INDEX IF NOT EXISTS findings_letter_id ON findings(letter_id);
CREATE INDEX IF NOT EXISTS findings_section ON findings(section);
CREATE INDEX IF NOT EXISTS finding_tags_label ON finding_tags(label);
CREATE INDEX IF NOT EXISTS evidence_label ON evidence(label);
CREATE INDEX IF NOT EXISTS addressees_agency ON addressees(agency);
"""
# The full-text index of finding text, with the triggers (names and all) sqlite-utils creates.
FULL_TEXT = """
CREATE VIRTUAL TABLE IF NOT EXISTS findings_fts USING FTS5 (text, content=[findings]);
CREATE TRIGGER IF NOT EXISTS findings_ai AFTER INSERT ON findings BEGIN
  INSERT INTO findings_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS findings_ad AFTER DELETE ON findings BEGIN
  INSERT INTO findings_fts (findings_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS findings_au AFTER UPDATE ON findings BEGIN
  INSERT INTO findings_fts (findings_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO findings_fts (rowid, text) VALUES (new.rowid, new.text);
END;
"""
TABLE_NAMES = ("labels", "letters", "findings", "finding_tags", "evidence", "addressees", "signatories", "deadlines")
LETTER_CHILDREN = ("addressees", "signatories", "deadlines")  # tables keyed by letter_id
FINDING_CHILDREN = ("evidence", "finding_tags")  # tables keyed by finding_id


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def letter_rows(letter: dict[str, Any], label_kinds: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows for one letter (its JSON as a dict), columns in table order.
    ``label_kinds`` gives each finding label's kind (agency or theme), for the evidence rows."""
    letter_id = letter["source"]["sha256"]
    theme = letter.get("theme") or {}
    inspection = letter.get("inspection") or {}
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLE_NAMES if name != "labels"}
    rows["letters"].append((
        letter_id, letter_stem(letter["source"]["path"]), letter["source"]["path"], letter["source"]["format"],
        letter["source"]["pages"], letter.get("title"), letter.get("letter_date"), letter.get("area"),
        theme.get("label"), theme.get("text"), inspection.get("start"), inspection.get("end"),
        _json(letter.get("inspectorates") or []), _json(letter.get("agencies") or []),
        _json(letter.get("warnings") or []), letter.get("schema_version"), __version__))
    for section in ALL_LISTS:
        for n, item in enumerate(letter.get(section) or [], 1):
            finding_id = f"{letter_id}:{item['id']}"
            kind = item.get("section") if section == NARRATIVE else item.get("kind")
            rows["findings"].append((
                finding_id, letter_id, item["id"], n, section, kind, item.get("heading"), item.get("subheading"),
                item["text"], _json(item["pages"]), _json(item["agencies"]), _json(item["themes"])))
            rows["finding_tags"].extend((finding_id, "agency", label) for label in dict.fromkeys(item["agencies"]))
            rows["finding_tags"].extend((finding_id, "theme", label) for label in dict.fromkeys(item["themes"]))
            rows["evidence"].extend(
                (finding_id, i, label_kinds.get(ev["label"]), ev["label"], ev["text"], ev["start"], ev["end"])
                for i, ev in enumerate(item.get("evidence") or [], 1))
    for n, a in enumerate(letter.get("addressees") or [], 1):
        rows["addressees"].append((letter_id, n, a["name"], a.get("role"), a.get("organisation"), a.get("agency")))
    for n, s in enumerate(letter.get("signatories") or [], 1):
        rows["signatories"].append((letter_id, n, s["name"], s.get("role"), s.get("inspectorate")))
    for n, d in enumerate(letter.get("deadlines") or [], 1):
        rows["deadlines"].append((letter_id, n, d.get("date"), d.get("action"), d.get("email"), d.get("responsible")))
    return rows


class SqliteWriter(FileWriter):
    """Adds each letter to the database ``target`` (created with its tables when new)."""

    flag = "--sqlite"
    help = "add the letters to a SQLite database (a letter already there is replaced)"

    def __init__(self, options: RunOptions, target: Path) -> None:
        super().__init__(options, target)
        self.conn: sqlite3.Connection | None = None
        self.label_kinds: dict[str, str] = {}

    def begin(self) -> None:
        make_parent(self.target)
        try:
            self.conn = sqlite3.connect(self.target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")  # our own rows are checked as they go in
            self._create()
        except (OSError, sqlite3.Error, OutputError) as exc:
            self.abort()
            raise self._error(exc) from None

    def _create(self) -> None:
        assert self.conn is not None
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        present = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and present & set(TABLE_NAMES):
            raise OutputError(str(self.target), "unwritable", "the database has tables of the same names that "
                              "jtai-extract did not make: choose another file")
        if version not in (0, DB_SCHEMA_VERSION):
            raise OutputError(str(self.target), "unwritable", f"the database was made by another version of "
                              f"jtai-extract (database schema {version}, this one writes {DB_SCHEMA_VERSION}): "
                              "choose a new file")
        from .filters import known_labels
        from .resources import labels

        known = known_labels(self.options.taxonomy)
        self.label_kinds = {slug: kind for kind, slugs in known.items() for slug in slugs}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(TABLES):
                self.conn.execute(statement)
            try:
                for statement in _statements(FULL_TEXT):
                    self.conn.execute(statement)
            except sqlite3.OperationalError as exc:  # a Python whose SQLite lacks FTS5: the rest still works
                if "fts5" not in str(exc).lower():
                    raise
                print(f"jtai-extract: {self.target}: warning: this Python's SQLite has no FTS5, so the database "
                      "has no full-text index (findings_fts)", file=sys.stderr)
            self.conn.executemany("INSERT INTO labels VALUES (?, ?, ?, ?) ON CONFLICT (kind, slug) DO UPDATE "
                                  "SET name = excluded.name, definition = excluded.definition",
                                  [(lab.kind, lab.slug, lab.name, lab.definition) for lab in labels()])
            # a label of the user's own --taxonomy: named by its slug
            self.conn.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?, ?, NULL)",
                                  [(kind, slug, slug) for kind, slugs in sorted(known.items())
                                   for slug in sorted(slugs)])
            self.conn.execute(f"PRAGMA user_version = {DB_SCHEMA_VERSION}")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def write(self, letter: dict[str, Any]) -> None:
        assert self.conn is not None
        rows = letter_rows(letter, self.label_kinds)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self._replace(letter["source"]["sha256"], rows)
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _replace(self, letter_id: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """Within the open transaction: the letter's old rows out, its new rows in."""
        assert self.conn is not None
        for table in FINDING_CHILDREN:
            self.conn.execute(f"DELETE FROM {table} WHERE finding_id IN "
                              "(SELECT id FROM findings WHERE letter_id = ?)", (letter_id,))
        self.conn.execute("DELETE FROM findings WHERE letter_id = ?", (letter_id,))
        for table in LETTER_CHILDREN:
            self.conn.execute(f"DELETE FROM {table} WHERE letter_id = ?", (letter_id,))
        self.conn.execute("DELETE FROM letters WHERE id = ?", (letter_id,))
        for table in ("letters", "findings", *FINDING_CHILDREN, *LETTER_CHILDREN):
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                self.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])

    def _rollback(self) -> None:
        """Undo the open transaction (SQLite may have undone it already, after some errors)."""
        if self.conn is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def end(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def abort(self) -> None:
        """Every letter already committed stays; the one being written, if any, was rolled back."""
        self.end()

    def _error(self, exc: BaseException) -> OutputError:
        if isinstance(exc, OutputError):
            return exc
        message = str(exc)
        if isinstance(exc, sqlite3.DatabaseError) and "not a database" in message:
            message = "not a SQLite database"
        elif isinstance(exc, OSError):
            message = exc.strerror or message
        return OutputError(str(self.target), "unwritable", message)


def _statements(script: str) -> list[str]:
    """The statements of one of the scripts above, one by one (``executescript`` would commit)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out
