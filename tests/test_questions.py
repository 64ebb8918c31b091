"""README "Questions analysts ask": every command there runs on the sample letters and, when they
are present, on the real ones, and its answer is checked against the letters' JSON, computed here
independently of the database and of the filters."""

from __future__ import annotations

import csv
import io
import re
import shlex
import shutil
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from jtai_extract import batch
from jtai_extract.cli import app

from .conftest import ROOT, LettersRun

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUESTIONS = dict(re.findall(r"<!-- question: ([a-z0-9-]+) -->\n```console\n\$ (.*?)\n```", README, re.S))
ALL_LISTS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies", "narrative")
FINDING_LISTS = ALL_LISTS[:4]
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

Letters = list[dict[str, Any]]


def items(letter: dict[str, Any], lists: tuple[str, ...] = ALL_LISTS) -> Iterator[tuple[str, dict[str, Any]]]:
    for section in lists:
        for item in letter[section]:
            yield section, item


def rows(out: str, columns: int) -> list[tuple[str, ...]]:
    """sqlite3's list output: one line per row, columns separated by '|' (the last may hold any)."""
    return [tuple(line.split("|", columns - 1)) for line in out.splitlines()]


def csv_rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def sql_lower(text: str) -> str:
    """SQLite's lower(): ASCII letters only."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


# --- one check per question: the command's output against the JSON; returns the answer's size -----

def emergency_departments(out: str, letters: Letters) -> int:
    def criticises(section: str, item: dict[str, Any]) -> bool:
        return section in ("areas_for_improvement", "priority_actions") or (
            section == "case_studies" and item["kind"] == "area_for_improvement")

    expected = []
    for letter in letters:
        n = sum(criticises(s, it) and "emergency_departments" in it["themes"] for s, it in items(letter))
        if n:
            expected.append((letter["area"], letter["letter_date"], str(n)))
    assert sorted(rows(out, 3)) == sorted(expected)
    return len(expected)


def mash(out: str, letters: Letters) -> int:
    got = [(r["letter"], r["section"], r["id"]) for r in csv_rows(out)]
    expected = [(letter["source"]["path"].rsplit("/", 1)[-1].rsplit(".", 1)[0], s, it["id"])
                for letter in letters for s, it in items(letter, FINDING_LISTS)
                if re.search(r"\bMASH\b", it["text"].translate(QUOTES))]
    assert got == expected
    return len(expected)


def substance_misuse(out: str, letters: Letters) -> int:
    found = [(letter["source"]["sha256"], it["id"]) for letter in letters
             for it in letter["areas_for_improvement"] if "substance_misuse" in it["themes"]]
    assert rows(out, 2) == [(str(len(found)), str(len({sha for sha, _ in found})))]
    return len(found)


def priority_actions(out: str, letters: Letters) -> int:
    expected = [(letter["area"], letter["letter_date"], str(len(letter["priority_actions"])))
                for letter in letters if letter["priority_actions"]]
    assert sorted(rows(out, 3)) == sorted(expected)
    return len(expected)


def deadlines_by_month(out: str, letters: Letters) -> int:
    months: dict[str, list[str]] = {}
    for letter in letters:
        for deadline in letter["deadlines"]:
            if deadline["date"]:
                months.setdefault(deadline["date"][:7], []).append(letter["area"])
    got = {month: (int(n), sorted(areas.split("; "))) for month, n, areas in rows(out, 3)}
    assert got == {month: (len(areas), sorted(areas)) for month, areas in months.items()}
    assert [month for month, _, _ in rows(out, 3)] == sorted(months)
    return len(months)


def police_custody_2023(out: str, letters: Letters) -> int:
    expected = [(letter["area"], letter["letter_date"], it["id"], it["text"]) for letter in letters
                if (letter["letter_date"] or "") >= "2023-01-01"
                for _, it in items(letter) if "police_custody" in it["themes"]]
    assert sorted(rows(out, 4)) == sorted(expected)
    return len(expected)


def themes_of_improvement(out: str, letters: Letters) -> int:
    lines = out.splitlines()
    assert lines[0] == "kind\tlabel\tfindings"
    got = {(kind, label): int(n) for kind, label, n in (line.split("\t") for line in lines[1:])}
    expected: Counter[tuple[str, str]] = Counter()
    for letter in letters:
        for it in letter["areas_for_improvement"]:
            expected.update([("agency", a) for a in set(it["agencies"])] + [("theme", t) for t in set(it["themes"])])
    assert {key: n for key, n in got.items() if n} == dict(expected)
    assert len(got) == 38  # every label listed, those with no finding as 0
    return sum(expected.values())


def thresholds(out: str, letters: Letters) -> int:
    got = rows(out, 3)
    assert all("[" in snippet and "]" in snippet for _, _, snippet in got)  # the match is marked
    word_start = re.compile(r"(?<![^\W_])threshold", re.I)  # FTS5 words: runs of letters and digits
    expected = [(letter["area"], it["id"]) for letter in letters for _, it in items(letter)
                if word_start.search(it["text"])]
    assert sorted((area, finding) for area, finding, _ in got) == sorted(expected)
    return len(expected)


def headline_front_door(out: str, letters: Letters) -> int:
    got = [(r["area"], r["section"], r["kind"], r["id"], r["text"]) for r in csv_rows(out)]
    expected = [(letter["area"], "narrative", "headline_findings", it["id"], it["text"]) for letter in letters
                for it in letter["narrative"] if it["section"] == "headline_findings" and "front_door" in it["themes"]]
    assert got == expected
    return len(expected)


def emergency_department_evidence(out: str, letters: Letters) -> int:
    words: Counter[str] = Counter()
    for letter in letters:
        for _, it in items(letter):
            if "emergency_departments" in it["themes"]:
                words.update(sql_lower(ev["text"]) for ev in it["evidence"] if ev["label"] == "emergency_departments")
    got = [(w, int(n)) for w, n in rows(out, 2)]
    assert got == sorted(words.items(), key=lambda wn: (-wn[1], wn[0]))
    return len(words)


CHECKS: dict[str, Callable[[str, Letters], int]] = {
    "emergency-departments": emergency_departments, "mash": mash, "substance-misuse": substance_misuse,
    "priority-actions": priority_actions, "deadlines-by-month": deadlines_by_month,
    "police-custody-2023": police_custody_2023, "themes-of-improvement": themes_of_improvement,
    "thresholds": thresholds, "headline-front-door": headline_front_door,
    "emergency-department-evidence": emergency_department_evidence,
}


def run_command(command: str, run: LettersRun, monkeypatch: pytest.MonkeyPatch) -> str:
    """A README command over ``run``: ``sqlite3 letters.db SQL`` (through Python's sqlite3, and the
    sqlite3 command too when it is installed: the same output), or ``jtai-extract letters/ ...``
    in this process, replaying the run's letters instead of extracting them again."""
    argv = shlex.split(command)
    if argv[0] == "sqlite3":
        assert argv[1] == "letters.db" and len(argv) == 3, command
        with sqlite3.connect(run.db) as conn:
            found = conn.execute(argv[2]).fetchall()
        out = "".join("|".join("" if v is None else str(v) for v in row) + "\n" for row in found)
        if shutil.which("sqlite3"):
            shell = subprocess.run(["sqlite3", str(run.db), argv[2]], capture_output=True, text=True, timeout=60)
            assert shell.returncode == 0 and shell.stdout == out, shell.stderr
        return out
    assert argv[:2] == ["jtai-extract", "letters/"], command
    by_path = {letter["source"]["path"]: letter for letter in run.letters}
    monkeypatch.setattr(batch, "run", lambda inputs, **_: (batch.Result(i, letter=by_path[i.path]) for i in inputs))
    done = CliRunner().invoke(app, [str(run.folder), *argv[2:]], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    return done.stdout


def test_the_readme_asks_at_least_six_questions_and_each_has_a_check():
    assert len(QUESTIONS) >= 6 and set(QUESTIONS) == set(CHECKS)


@pytest.mark.parametrize("question", sorted(CHECKS))
def test_question_on_the_samples(question, samples_run, monkeypatch):
    CHECKS[question](run_command(QUESTIONS[question], samples_run, monkeypatch), samples_run.letters)


@pytest.mark.parametrize("question", sorted(CHECKS))
def test_question_on_the_real_letters(question, corpus_run, monkeypatch):
    answered = CHECKS[question](run_command(QUESTIONS[question], corpus_run, monkeypatch), corpus_run.letters)
    assert answered > 0  # the real letters answer every question: no check here passes on nothing
