"""The command line, in-process (typer's CliRunner): formats, JSON shape, exit codes, error lines,
stdin, output files. A few smoke tests run the installed command in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jtai_extract.cli import app

from .conftest import FIXTURES, SAMPLES

ERA_A = str(SAMPLES / "fernmouth-2019-03.pdf")
ERA_B = str(SAMPLES / "harrowgate-vale-2025-05.pdf")
EXE = str(Path(sys.executable).parent / "jtai-extract")
IN_PROCESS = ["-j1", "--timeout", "0", "--max-memory", "0"]  # no budget, no worker: monkeypatches apply


def cli(*args: str, stdin: bytes | None = None):
    """Run the command in this process; ``.stdout_bytes``, ``.stderr``, ``.exit_code``."""
    return CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)


def error_lines(result) -> list[str]:
    return result.stderr.splitlines()


def test_version_and_schema():
    assert cli("--version").stdout.startswith("jtai-extract ")
    schema = json.loads(cli("--schema").stdout)
    assert schema["title"] == "Letter"
    assert {"strengths", "areas_for_improvement", "case_studies", "deadlines"} <= set(schema["properties"])


def test_json_for_one_file_is_an_object_and_for_several_an_array():
    one = json.loads(cli(ERA_A, "--json").stdout)
    assert one["schema_version"] == 1 and one["area"] == "Fernmouth"
    many = json.loads(cli(ERA_A, ERA_B, "--json", "--jobs", "1").stdout)
    assert [m["area"] for m in many] == ["Fernmouth", "Harrowgate Vale"]


def test_json_of_a_folder_is_an_array_even_with_one_letter(tmp_path):
    # regression: a folder with one letter gave an object, so `jq '.[]'` broke
    (tmp_path / "letter.pdf").write_bytes(Path(ERA_A).read_bytes())
    out = json.loads(cli(str(tmp_path), "--json").stdout)
    assert isinstance(out, list) and [m["area"] for m in out] == ["Fernmouth"]


def test_json_is_an_empty_array_when_every_input_fails(tmp_path):
    # regression: stdout was empty, not []
    (tmp_path / "a.pdf").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"Minutes of the parish council.\n")
    done = cli(str(tmp_path), "--json")
    assert done.exit_code == 1 and json.loads(done.stdout) == []
    assert len(error_lines(done)) == 2


def test_an_empty_folder_is_reported(tmp_path):
    # regression: an empty folder exited 0 with no message
    (tmp_path / "notes.docx").write_bytes(b"not a letter")
    done = cli(str(tmp_path), "--json")
    assert done.exit_code == 1 and json.loads(done.stdout) == []
    assert error_lines(done) == [f"jtai-extract: {tmp_path}: empty: the folder holds no .pdf or .txt letter"]


def test_jsonl_streams_one_compact_object_per_line_in_input_order():
    out = cli(str(SAMPLES), "--jsonl", "-j1").stdout.splitlines()
    assert [json.loads(line)["source"]["path"].rsplit("/", 1)[-1] for line in out] == sorted(
        p.name for p in [*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])


def test_csv_one_row_per_finding_with_the_contract_columns():
    text = cli(ERA_A, "--csv").stdout_bytes.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:10] == ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies",
                                  "themes", "pages"]  # the contract's columns first, in order; additions after
    assert {r["section"] for r in rows} == {"strengths", "areas_for_improvement", "case_studies"}
    assert rows[-3]["pages"] == "2" and rows[6]["pages"] == "1;2"
    assert {r["letter"] for r in rows} == {"fernmouth-2019-03"}


def test_data_is_utf8_bytes_with_crlf_only_where_csv_wants_it():
    raw = cli(ERA_A, "--csv").stdout_bytes
    assert raw.count(b"\n") == raw.count(b"\r\n") and b"\r\r\n" not in raw
    assert "’".encode() in cli(ERA_A, "--jsonl").stdout_bytes


def test_stdin_pdf_and_text_told_apart_by_content():
    pdf = cli("-", "--json", stdin=Path(ERA_B).read_bytes())
    assert json.loads(pdf.stdout)["source"]["format"] == "pdf"
    txt = cli("-", "--json", stdin=(FIXTURES / "era-a-letter.txt").read_bytes())
    assert json.loads(txt.stdout)["source"]["format"] == "text"


def test_out_dir_writes_one_file_per_input_and_no_temporary_files(tmp_path):
    done = cli(str(SAMPLES), "--out-dir", str(tmp_path), "--quiet", "-j1")
    assert done.exit_code == 0 and done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.stem + ".json" for p in [*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])


@pytest.mark.parametrize("content,code", [
    (b"", "empty"), (os.urandom(2048).replace(b"%PDF", b"xxxx"), "not_a_pdf"),
    (b"Minutes of the parish council meeting.\n", "not_a_jtai_letter"),
])
def test_bad_inputs_get_one_error_line_and_exit_1_while_the_batch_goes_on(tmp_path, content, code):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    done = cli(str(bad), ERA_A, "--jsonl", "-j1")
    [line] = error_lines(done)
    assert done.exit_code == 1
    assert line.startswith(f"jtai-extract: {bad}: {code}: ") and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["area"] == "Fernmouth"


def test_missing_file_and_truncated_pdf(tmp_path):
    half = tmp_path / "half.pdf"
    data = Path(ERA_A).read_bytes()
    half.write_bytes(data[: len(data) // 2])
    done = cli(str(tmp_path / "nope.pdf"), str(half), "--json", "-j1")
    lines = error_lines(done)
    assert done.exit_code == 1 and json.loads(done.stdout) == []
    assert lines[0].endswith("not_found: no such file")
    assert ": unreadable: " in lines[1] or ": no_text_layer: " in lines[1]


def test_an_internal_error_names_itself_and_debug_shows_the_traceback(monkeypatch):
    import jtai_extract.pipeline as pipeline

    def boom(*args, **kwargs):
        raise KeyError("lost")

    monkeypatch.setattr(pipeline, "extract", boom)
    plain = cli(ERA_A, "--json", *IN_PROCESS)
    assert error_lines(plain) == [f"jtai-extract: {ERA_A}: internal_error: KeyError: 'lost' (please report this)"]
    debug = cli(ERA_A, "--json", "--debug", *IN_PROCESS)
    assert "Traceback (most recent call last)" in debug.stderr and "KeyError: 'lost'" in debug.stderr
    monkeypatch.setenv("JTAI_DEBUG", "1")
    assert "Traceback" in cli(ERA_A, "--json", *IN_PROCESS).stderr


@pytest.mark.parametrize("args", [
    [ERA_A, "--json", "--csv"], [ERA_A, "--engine", "nope"], ["--no-such-option"], [ERA_A, "--jsonl", "--explain"],
])
def test_usage_errors_exit_2(args):
    assert cli(*args).exit_code == 2


def test_same_bytes_every_run_and_whatever_the_jobs():
    one = cli(str(SAMPLES), "--jsonl", "--jobs", "1").stdout_bytes
    two = cli(str(SAMPLES), "--jsonl", "--jobs", "2").stdout_bytes
    assert one == two == cli(str(SAMPLES), "--jsonl", "--jobs", "2").stdout_bytes


def test_summary_shows_findings_with_their_tags():
    out = cli(ERA_A, "--summary", "--explain").stdout
    assert "Strengths (7)" in out and "S1" in out and "front_door" in out


def test_out_dir_keeps_inputs_with_the_same_stem_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "letter.pdf").write_bytes(Path(ERA_A).read_bytes())
    (tmp_path / "b" / "letter.pdf").write_bytes(Path(ERA_B).read_bytes())
    out = tmp_path / "out"
    assert cli(str(tmp_path / "a"), str(tmp_path / "b"), "--out-dir", str(out), "--quiet", "-j1").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["letter-2.json", "letter.json"]
    assert json.loads((out / "letter-2.json").read_text())["area"] == "Harrowgate Vale"


def test_windows_paths_give_the_same_letter_names():
    from jtai_extract.batch import out_name
    from jtai_extract.names import letter_stem

    assert letter_stem("C:\\Users\\ana\\letters\\bexley-2020.pdf") == "bexley-2020"
    assert out_name("C:\\letters\\bexley.pdf", set()) == out_name("letters/bexley.pdf", set()) == "bexley.json"
    assert letter_stem("-") == "stdin"


def test_tag_counts_lists_every_label():
    rows = cli(str(SAMPLES), "--tag-counts", "-j1").stdout.splitlines()
    assert rows[0] == "kind\tlabel\tfindings" and len(rows) == 1 + 38
    assert any(r.startswith("agency\thealth\t") and int(r.split("\t")[2]) > 0 for r in rows)


def test_bad_taxonomy_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "lexicon.tsv"
    bad.write_text("theme\tbuses\n", encoding="utf-8")
    done = cli(ERA_A, "--taxonomy", str(bad))
    assert done.exit_code == 2 and f"{bad}:1:" in done.stderr


# --- the installed command, in a subprocess: what only a real process shows ----------------------

def test_installed_command_runs_and_pipes(tmp_path):
    done = subprocess.run([EXE, ERA_A, "--jsonl"], capture_output=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["area"] == "Fernmouth"


def test_broken_pipe_prints_no_traceback():
    cmd = f"'{EXE}' '{SAMPLES}' '{ERA_A}' '{ERA_B}' --jsonl --jobs 1 | head -c 10"
    done = subprocess.run(cmd, shell=True, capture_output=True, timeout=300)
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


def test_no_path_with_piped_input_reads_stdin():
    done = subprocess.run([EXE, "--json"], input=(FIXTURES / "era-a-letter.txt").read_bytes(), capture_output=True,
                          timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["source"]["format"] == "text"
