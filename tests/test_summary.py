"""The terminal summary (print_summary) at a terminal's usual width: headline findings, no "None",
wrapped text indented, the area kept in a long title, --full, and the batch's closing count."""

from __future__ import annotations

import copy
import io
import json

from rich.console import Console

from jtai_extract.terminal import FINDING_PREVIEW_CHARS, fit_title, print_summary

from .test_cli import ERA_A, ERA_B, cli

WIDTH = 80


def summary_of(letter: dict, **options) -> list[str]:
    out = io.StringIO()
    print_summary(letter, Console(file=out, width=WIDTH, color_system=None), **options)
    return [line.rstrip() for line in out.getvalue().splitlines()]


def letter_of(path: str) -> dict:
    return json.loads(cli(path, "--json").stdout)


def test_headline_findings_of_a_2022_letter_come_first():
    letter = letter_of(ERA_B)
    lines = summary_of(letter)
    headline = [n for n in letter["narrative"] if n["section"] == "headline_findings"]
    assert headline
    start = lines.index(f"Headline findings ({len(headline)})")
    assert start < lines.index(f"Strengths ({len(letter['strengths'])})")
    assert lines[start + 1].split()[:2] == [headline[0]["id"], "p" + ",".join(map(str, headline[0]["pages"]))]
    assert not any(line.startswith("Headline findings") for line in summary_of(letter_of(ERA_A)))


def test_a_missing_value_is_a_dash_never_none():
    letter = letter_of(ERA_A)
    bare = copy.deepcopy(letter)
    bare.update(title=None, area=None, letter_date=None, inspectorates=[], signatories=[])
    bare["theme"] = {"label": None, "text": None}
    bare["inspection"] = {"start": "2019-02-04", "end": None}
    bare["deadlines"] = [{"date": "2019-06-20", "action": None, "email": None, "responsible": None}]
    bare["addressees"] = [{"name": "Priya Halden", "role": None, "organisation": None, "agency": None}]
    text = "\n".join(summary_of(bare))
    assert "None" not in text
    rows = {line.split()[1]: line for line in text.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert rows["Area"].split()[2] == "-" and rows["Inspection"].split()[2:4] == ["2019-02-04", "│"]
    assert rows["Deadline"].split()[2:] == ["2019-06-20", "│"]
    assert rows["Addressees"].split()[2:] == ["Priya", "Halden", "│"]
    assert fit_title(bare["source"]["path"], None, 60) in text.splitlines()[0]  # no title: the path


def test_wrapped_text_is_indented_under_its_finding():
    letter = letter_of(ERA_A)
    lines = summary_of(letter)
    start = lines.index("Strengths (7)")
    first = lines[start + 1]
    assert first.startswith("  S1 p1")
    column = first.index(letter["strengths"][0]["text"][:10])
    continuation = lines[start + 2]
    assert continuation[:column].strip() == "" and continuation[column] != " "
    assert all(len(line) <= WIDTH for line in lines)


def test_a_long_title_keeps_the_area_in_view():
    letter = letter_of(ERA_A)
    letter["title"] = ("Joint targeted area inspection of the multi-agency response to children living with "
                       "domestic abuse and neglect in Fernmouth")
    top = summary_of(letter)[0]
    assert len(top) == WIDTH and top.endswith("in Fernmouth ─╮") and "…" in top
    letter["title"] = "Joint targeted area inspection of the multi-agency response to abuse and neglect " * 2
    assert "Fernmouth:" in summary_of(letter)[0]  # a title without the area: the area goes first


def test_full_shows_a_long_finding_whole():
    letter = letter_of(ERA_A)
    long_text = " ".join(["The emergency duty team reads the history of each family before a visit."] * 6)
    letter["strengths"][0]["text"] = long_text
    assert len(long_text) > FINDING_PREVIEW_CHARS
    cut = " ".join(summary_of(letter))
    assert long_text not in " ".join(cut.split()) and "…" in cut
    whole = " ".join(" ".join(summary_of(letter, full=True)).split())
    assert long_text in whole.replace(" p1 ", " ")


def test_explain_shows_each_tags_evidence_under_its_finding():
    letter = letter_of(ERA_A)
    lines = summary_of(letter, explain=True)
    evidence = letter["strengths"][0]["evidence"][0]
    assert f"{evidence['label']}: “{evidence['text']}” [{evidence['start']}:{evidence['end']}]" in "\n".join(lines)
    assert "“" not in "\n".join(summary_of(letter))


def test_a_batch_ends_with_how_many_were_extracted_and_failed(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    done = cli(ERA_A, ERA_B, str(bad), "--summary", "-j1")
    assert done.exit_code == 1
    assert done.stdout.rstrip().splitlines()[-1] == "2 letters extracted, 1 failed"
    one = cli(ERA_A, "--summary").stdout
    assert "extracted" not in one  # one letter: no count to give


def test_full_without_the_summary_is_a_usage_error():
    assert cli(ERA_A, "--json", "--full").exit_code == 2
    assert cli(ERA_A, "--summary", "--full").exit_code == 0
