"""``--sqlite``: the database's schema and keys, its rows against the JSON, incremental re-runs
(no duplicates), a crash in the middle of a letter (the file keeps its previous state), files it
must refuse, and the shape sqlite-utils expects."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jtai_extract.output import RunOptions
from jtai_extract.resources import labels
from jtai_extract.sqlite_output import DB_SCHEMA_VERSION, SqliteWriter

from .test_cli import ERA_A, ERA_B, cli

TABLE_KEYS = {  # table -> primary key columns
    "letters": ["id"], "findings": ["id"], "finding_tags": ["finding_id", "kind", "label"],
    "evidence": ["finding_id", "n"], "addressees": ["letter_id", "n"], "signatories": ["letter_id", "n"],
    "deadlines": ["letter_id", "n"], "labels": ["kind", "slug"],
}
FOREIGN_KEYS = {  # table -> {(columns, parent table, parent columns)}
    "findings": {(("letter_id",), "letters", ("id",))},
    "finding_tags": {(("finding_id",), "findings", ("id",)), (("kind", "label"), "labels", ("kind", "slug"))},
    "evidence": {(("finding_id",), "findings", ("id",)), (("kind", "label"), "labels", ("kind", "slug"))},
    "addressees": {(("letter_id",), "letters", ("id",))},
    "signatories": {(("letter_id",), "letters", ("id",))},
    "deadlines": {(("letter_id",), "letters", ("id",))},
}
LABEL_COLUMNS = [("finding_tags", "label"), ("evidence", "label"), ("addressees", "agency"), ("letters", "theme")]
ALL_LISTS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies", "narrative")


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the full-text index too), sorted: the database's whole state."""
    with connect(path) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE 'findings_fts_%' AND name != 'findings_fts'")]
        state = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
        state["findings_fts"] = sorted(conn.execute("SELECT rowid, text FROM findings_fts").fetchall())
    return state


def write(path: Path, letters: list[dict[str, Any]]) -> None:
    writer = SqliteWriter(RunOptions(), path)
    writer.begin()
    for letter in letters:
        writer.write(letter)
    writer.end()


def check_consistent(path: Path) -> None:
    with connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM findings").fetchone() == conn.execute(
            "SELECT count(*) FROM findings_fts").fetchone()
    with sqlite3.connect(path) as conn:  # raises if the index and the table disagree
        conn.execute("INSERT INTO findings_fts (findings_fts, rank) VALUES ('integrity-check', 1)")


def test_schema_primary_and_foreign_keys_indexes_and_full_text(tmp_path, samples_run):
    db = samples_run.db
    with connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (DB_SCHEMA_VERSION,)
        for table, key in TABLE_KEYS.items():
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            assert [name for _, name, *_, pk in sorted(info, key=lambda c: c[-1]) if pk] == key, table
        for table, expected in FOREIGN_KEYS.items():
            found: dict[int, tuple[list[str], str, list[str]]] = {}
            for fk_id, _, parent, column, parent_column, *_ in conn.execute(f"PRAGMA foreign_key_list({table})"):
                found.setdefault(fk_id, ([], parent, []))[0].append(column)
                found[fk_id][2].append(parent_column)
            assert {(tuple(c), p, tuple(pc)) for c, p, pc in found.values()} == expected, table
        for table, column in LABEL_COLUMNS:
            indexed = [conn.execute(f"PRAGMA index_info({name})").fetchall()[0][2]
                       for _, name, *_ in conn.execute(f"PRAGMA index_list({table})")]
            assert column in indexed, (table, column)
        fts = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'findings_fts'").fetchone()[0]
        assert "FTS5" in fts and "content=[findings]" in fts
        assert {"findings_ai", "findings_ad", "findings_au"} <= {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    check_consistent(db)


def test_rows_hold_what_the_json_holds(samples_run):
    with connect(samples_run.db) as conn:
        conn.row_factory = sqlite3.Row
        for letter in samples_run.letters:
            sha = letter["source"]["sha256"]
            row = conn.execute("SELECT * FROM letters WHERE id = ?", (sha,)).fetchone()
            assert (row["area"], row["letter_date"], row["theme"], row["inspection_start"], row["inspection_end"]) == (
                letter["area"], letter["letter_date"], letter["theme"]["label"], letter["inspection"]["start"],
                letter["inspection"]["end"])
            assert json.loads(row["inspectorates"]) == letter["inspectorates"]
            items = [(section, item) for section in ALL_LISTS for item in letter[section]]
            findings = conn.execute("SELECT * FROM findings WHERE letter_id = ? ORDER BY rowid", (sha,)).fetchall()
            assert [(f["section"], f["finding"], f["text"], json.loads(f["pages"])) for f in findings] == [
                (section, item["id"], item["text"], item["pages"]) for section, item in items]
            assert [f["subheading"] for f in findings] == [item.get("subheading") for _, item in items]
            for f, (section, item) in zip(findings, items, strict=True):
                assert f["id"] == f"{sha}:{item['id']}"
                assert f["kind"] == (item["section"] if section == "narrative" else item.get("kind"))
                tags = conn.execute("SELECT kind, label FROM finding_tags WHERE finding_id = ?", (f["id"],)).fetchall()
                assert sorted(map(tuple, tags)) == sorted([("agency", a) for a in item["agencies"]]
                                                          + [("theme", t) for t in item["themes"]])
                evidence = conn.execute("SELECT label, text, start_offset, end_offset FROM evidence "
                                        "WHERE finding_id = ? ORDER BY n", (f["id"],)).fetchall()
                assert [tuple(e) for e in evidence] == [(e["label"], e["text"], e["start"], e["end"])
                                                        for e in item["evidence"]]
                assert all(item["text"][s:e] == words for _, words, s, e in evidence)
            for table, key in (("addressees", "name"), ("signatories", "name"), ("deadlines", "date")):
                got = [r[0] for r in conn.execute(f"SELECT {key} FROM {table} WHERE letter_id = ? ORDER BY n", (sha,))]
                assert got == [x[key] for x in letter[table]]
        assert {tuple(r) for r in conn.execute("SELECT kind, slug, name, definition FROM labels")} == {
            (lab.kind, lab.slug, lab.name, lab.definition) for lab in labels()}


def test_sqlite_utils_sees_keys_foreign_keys_and_full_text(samples_run):
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = sqlite_utils.Database(samples_run.db)
    assert db["findings"].pks == ["id"] and db["letters"].pks == ["id"]
    assert db["findings"].detect_fts() == "findings_fts"
    assert {fk.other_table for fk in db["finding_tags"].foreign_keys} == {"findings", "labels"}
    hits = list(db["findings"].search("MASH"))
    expected = [item["text"] for letter in samples_run.letters for section in ALL_LISTS for item in letter[section]
                if "MASH" in item["text"].split() or "(MASH)," in item["text"]]
    assert sorted(h["text"] for h in hits) == sorted(expected) and hits


def test_rerunning_into_the_same_file_adds_new_letters_and_replaces_old_ones(tmp_path):
    db = tmp_path / "letters.db"
    assert cli(ERA_A, "--sqlite", str(db), "--quiet").exit_code == 0
    one = dump(db)
    assert len(one["letters"]) == 1
    assert cli(ERA_A, ERA_B, "--sqlite", str(db), "--quiet", "-j1").exit_code == 0  # one new, one again
    both = dump(db)
    assert len(both["letters"]) == 2
    assert cli(ERA_B, "--sqlite", str(db), "--quiet").exit_code == 0
    assert dump(db) == both  # no duplicates: the letter's rows were replaced by the same rows
    fresh = tmp_path / "fresh.db"
    assert cli(ERA_A, ERA_B, "--sqlite", str(fresh), "--quiet", "-j1").exit_code == 0
    assert {t: rows for t, rows in dump(fresh).items() if t != "findings_fts"} == {
        t: rows for t, rows in both.items() if t != "findings_fts"}
    check_consistent(db)


def test_a_changed_letter_replaces_all_its_rows(tmp_path, samples_run):
    db = tmp_path / "letters.db"
    write(db, samples_run.letters)
    changed = copy.deepcopy(samples_run.letters[0])
    changed["strengths"] = changed["strengths"][:1]
    changed["strengths"][0]["text"] = "Rewritten finding about the MASH."
    changed["strengths"][0]["evidence"] = []
    write(db, [changed])
    with connect(db) as conn:
        sha = changed["source"]["sha256"]
        assert conn.execute("SELECT count(*) FROM findings WHERE letter_id = ? AND section = 'strengths'",
                            (sha,)).fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM evidence WHERE finding_id = ?", (f"{sha}:S1",)).fetchone() == (0,)
        hits = conn.execute("SELECT f.id FROM findings_fts JOIN findings f ON f.rowid = findings_fts.rowid "
                            "WHERE findings_fts MATCH 'rewritten'").fetchall()
        assert hits == [(f"{sha}:S1",)]
    check_consistent(db)


CRASH = """
import json, os, sqlite3, sys
import jtai_extract.sqlite_output as so
from jtai_extract.output import RunOptions

class Dying(sqlite3.Connection):  # the process dies in the middle of a letter's transaction
    def executemany(self, sql, rows):
        if sql.startswith("INSERT INTO evidence"):
            os._exit(3)
        return super().executemany(sql, rows)

connect = sqlite3.connect
so.sqlite3.connect = lambda *a, **k: connect(*a, factory=Dying, **k)
writer = so.SqliteWriter(RunOptions(), so.Path(sys.argv[1]))
writer.begin()
writer.write(json.loads(open(sys.argv[2], encoding="utf-8").read()))
"""


def test_a_crash_in_the_middle_of_a_letter_leaves_the_previous_state(tmp_path, samples_run):
    db = tmp_path / "letters.db"
    first, second = samples_run.letters[:2]
    write(db, [first])
    before = dump(db)
    for letter in (first, second):  # a letter already there, and a new one
        (tmp_path / "letter.json").write_text(json.dumps(letter), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CRASH, str(db), str(tmp_path / "letter.json")],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 3, done.stderr
        assert dump(db) == before
        check_consistent(db)


def test_an_interrupt_in_the_middle_of_a_letter_is_rolled_back(tmp_path, samples_run, monkeypatch):
    import jtai_extract.sqlite_output as so

    db = tmp_path / "letters.db"
    write(db, samples_run.letters[:1])
    before = dump(db)
    real = so.letter_rows

    def interrupted(letter, kinds):
        rows = real(letter, kinds)
        rows["evidence"].append(None)  # fails after the letter's first rows went in
        return rows

    monkeypatch.setattr(so, "letter_rows", interrupted)
    writer = SqliteWriter(RunOptions(), db)
    writer.begin()
    with pytest.raises(Exception):  # noqa: B017 - whatever it is, the transaction must be undone
        writer.write(samples_run.letters[1])
    writer.abort()
    assert dump(db) == before


@pytest.mark.parametrize("content,message", [
    (b"these are my notes, not a database\n" * 100, "not a SQLite database"),
    ("foreign", "tables of the same names"),
    ("future", "another version of jtai-extract"),
])
def test_a_file_that_is_not_ours_is_refused_and_left_alone(tmp_path, content, message):
    db = tmp_path / "mine.db"
    if content == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE letters (who TEXT)")
    elif content == "future":
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 99")
    else:
        assert isinstance(content, bytes)
        db.write_bytes(content)
    before = db.read_bytes()
    done = cli(ERA_A, "--csv", "--sqlite", str(db))
    assert done.exit_code == 2 and done.stdout == ""  # refused before the CSV's header went out
    [line] = done.stderr.splitlines()
    assert line.startswith(f"jtai-extract: {db}: unwritable: ") and message in line
    assert db.read_bytes() == before


def test_labels_of_a_users_own_taxonomy_are_listed(tmp_path):
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("theme\tdomestic_incidents\tdomestic incident\t3\nagency\tpolice\tpolice\t3\n", encoding="utf-8")
    db = tmp_path / "letters.db"
    assert cli(ERA_A, "--sqlite", str(db), "--taxonomy", str(lexicon), "--quiet").exit_code == 0
    with connect(db) as conn:
        assert conn.execute("SELECT name, definition FROM labels WHERE slug = 'domestic_incidents'").fetchone() == (
            "domestic_incidents", None)
        assert conn.execute("SELECT count(*) FROM finding_tags WHERE label = 'domestic_incidents'").fetchone()[0] > 0
    check_consistent(db)


def test_filters_store_only_the_findings_that_pass(tmp_path):
    db = tmp_path / "letters.db"
    assert cli(ERA_A, ERA_B, "--sqlite", str(db), "--section", "strengths", "--agency", "police", "-j1").exit_code == 0
    with connect(db) as conn:
        assert conn.execute("SELECT DISTINCT section FROM findings").fetchall() == [("strengths",)]
        assert conn.execute("SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM finding_tags t "
                            "WHERE t.finding_id = f.id AND t.label = 'police')").fetchone() == (0,)
        assert [a for (a,) in conn.execute("SELECT area FROM letters")] == ["Fernmouth"]  # B has none: left out
