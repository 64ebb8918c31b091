"""The CSV's columns (the contract's first, the added ones after), --excel-csv's byte-order mark,
and the --xlsx workbook read back with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat

import pytest

from jtai_extract.output import CSV_COLUMNS, LETTER_COLUMNS, RunOptions

from .test_cli import ERA_A, ERA_B, cli

CONTRACT_COLUMNS = ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies", "themes", "pages"]


def csv_of(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cli(*args, "--csv").stdout_bytes.decode("utf-8"))))


def test_csv_adds_subheading_case_study_inspection_and_deadline_columns_after_the_contract_ones():
    assert CSV_COLUMNS[:10] == CONTRACT_COLUMNS
    assert CSV_COLUMNS[10:] == ["subheading", "kind", "heading", "inspection_start", "inspection_end", "deadline"]
    letter = json.loads(cli(ERA_A, "--json").stdout)
    rows = csv_of(ERA_A)
    assert list(rows[0]) == CSV_COLUMNS
    by_id = {r["id"]: r for r in rows}
    for item in letter["areas_for_improvement"]:
        assert by_id[item["id"]]["subheading"] == (item["subheading"] or "")
    assert {r["subheading"] for r in rows if r["section"] == "areas_for_improvement"} >= {"Health"}
    for study in letter["case_studies"]:
        assert (by_id[study["id"]]["kind"], by_id[study["id"]]["heading"]) == (study["kind"], study["heading"])
    assert all(r["kind"] == r["heading"] == "" for r in rows if r["section"] != "case_studies")
    assert {(r["inspection_start"], r["inspection_end"], r["deadline"]) for r in rows} == {
        (letter["inspection"]["start"], letter["inspection"]["end"], letter["deadlines"][0]["date"])}


def test_excel_csv_is_the_csv_after_a_utf8_byte_order_mark():
    plain = cli(ERA_A, "--csv").stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    for flag in ("--excel-csv", "--bom"):
        excel = cli(ERA_A, flag).stdout_bytes
        assert excel == b"\xef\xbb\xbf" + plain
    assert cli(ERA_A, "--excel-csv", "--json").exit_code == 2
    assert cli(ERA_A, "--excel-csv", "--csv").exit_code == 2  # one format on stdout


def test_xlsx_has_a_letters_and_a_findings_sheet_with_filters_on_the_header_rows(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "book" / "letters.xlsx"
    done = cli(ERA_A, ERA_B, "-j1", "--xlsx", str(target), "--quiet")
    assert done.exit_code == 0 and done.stdout == ""
    assert sorted(p.name for p in target.parent.iterdir()) == ["letters.xlsx"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # an ordinary file, not a private temporary one
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["letters", "findings"]
    letters, findings = book["letters"], book["findings"]
    assert [c.value for c in letters[1]] == LETTER_COLUMNS and [c.value for c in findings[1]] == CSV_COLUMNS
    assert letters.auto_filter.ref == f"A1:{letters.cell(1, len(LETTER_COLUMNS)).column_letter}3"
    assert findings.auto_filter.ref and findings.freeze_panes == "A2"
    rows = csv_of(ERA_A, ERA_B, "-j1")
    got = [[("" if v is None else v) for v in row] for row in findings.iter_rows(min_row=2, values_only=True)]
    assert len(got) == len(rows)
    for sheet_row, csv_row in zip(got, rows, strict=True):
        values = dict(zip(CSV_COLUMNS, sheet_row, strict=True))
        assert values["letter_date"] == dt.datetime.fromisoformat(csv_row["letter_date"])  # a date, not text
        assert {k: v for k, v in values.items() if not isinstance(v, dt.datetime)} == {
            k: v for k, v in csv_row.items() if k not in ("letter_date", "inspection_start", "inspection_end")}
    first = dict(zip(LETTER_COLUMNS, [c.value for c in letters[2]], strict=True))
    letter = json.loads(cli(ERA_A, "--json").stdout)
    assert (first["area"], first["strengths"], first["areas_for_improvement"], first["sha256"]) == (
        "Fernmouth", len(letter["strengths"]), len(letter["areas_for_improvement"]), letter["source"]["sha256"])


def test_xlsx_writes_a_text_that_looks_like_a_formula_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from jtai_extract.xlsx_output import XlsxWriter

    letter = json.loads(cli(ERA_A, "--json").stdout)
    letter["strengths"][0]["text"] = '=HYPERLINK("http://example.org","click")'
    letter["area"] = "+44 area"
    writer = XlsxWriter(RunOptions(), tmp_path / "x.xlsx")
    writer.begin()
    writer.write(letter)
    writer.end()
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    cell = book["findings"].cell(2, CSV_COLUMNS.index("text") + 1)
    assert cell.value == '=HYPERLINK("http://example.org","click")' and cell.data_type == "s"
    assert book["letters"].cell(2, 2).value == "+44 area"


def test_an_interrupted_run_leaves_no_workbook(tmp_path):
    from jtai_extract.xlsx_output import XlsxWriter

    writer = XlsxWriter(RunOptions(), tmp_path / "x.xlsx")
    writer.begin()
    writer.write(json.loads(cli(ERA_A, "--json").stdout))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag", ["--xlsx", "--sqlite"])
def test_a_file_output_that_cannot_be_made_is_refused_before_any_letter(tmp_path, flag):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for target, words in ((tmp_path, "is a folder"), (tmp_path / "afile" / "out.x", "afile is not a folder")):
        done = cli(ERA_A, "--csv", flag, str(target))
        assert done.exit_code == 2 and done.stdout == ""
        [line] = done.stderr.splitlines()
        assert line.startswith(f"jtai-extract: {target}: unwritable: ") and words in line
