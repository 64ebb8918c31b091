"""The command line (CLI tests): formats, exit codes, error lines, stdin, atomic output files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, SAMPLES

EXE = [sys.executable, "-m", "jtai_extract"]
ERA_A = str(SAMPLES / "fernmouth-2019-03.pdf")
ERA_B = str(SAMPLES / "harrowgate-vale-2025-05.pdf")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], input=stdin, capture_output=True, timeout=300)


def test_version_and_schema():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.decode().startswith("jtai-extract ")
    schema = json.loads(run("--schema").stdout)
    assert schema["title"] == "Letter"
    assert {"strengths", "areas_for_improvement", "case_studies", "deadlines"} <= set(schema["properties"])


def test_json_for_one_input_is_an_object_and_for_several_an_array():
    one = json.loads(run(ERA_A, "--json").stdout)
    assert one["schema_version"] == 1 and one["area"] == "Fernmouth"
    many = json.loads(run(ERA_A, ERA_B, "--json", "--jobs", "1").stdout)
    assert [m["area"] for m in many] == ["Fernmouth", "Harrowgate Vale"]


def test_jsonl_streams_one_compact_object_per_line_in_input_order():
    out = run(str(SAMPLES), "--jsonl").stdout.decode().splitlines()
    assert [json.loads(line)["source"]["path"].rsplit("/", 1)[-1] for line in out] == sorted(
        p.name for p in [*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])


def test_csv_one_row_per_finding_with_the_contract_columns():
    text = run(ERA_A, "--csv").stdout.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies",
                             "themes", "pages"]
    assert {r["section"] for r in rows} == {"strengths", "areas_for_improvement", "case_studies"}
    assert rows[-3]["pages"] == "2" and rows[6]["pages"] == "1;2"


def test_stdin_pdf_and_text_told_apart_by_content():
    pdf = run("-", "--json", stdin=Path(ERA_B).read_bytes())
    assert json.loads(pdf.stdout)["source"]["format"] == "pdf"
    txt = run("--json", stdin=(FIXTURES / "era-a-letter.txt").read_bytes())
    assert json.loads(txt.stdout)["source"]["format"] == "text"


def test_out_dir_writes_one_file_per_input_and_no_temporary_files(tmp_path):
    done = run(str(SAMPLES), "--out-dir", str(tmp_path), "--quiet")
    assert done.returncode == 0 and done.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.stem + ".json" for p in [*SAMPLES.glob("*.pdf"), *SAMPLES.glob("*.txt")])


@pytest.mark.parametrize("content,code", [
    (b"", "empty"), (os.urandom(2048).replace(b"%PDF", b"xxxx"), "not_a_pdf"),
    (b"Minutes of the parish council meeting.\n", "not_a_jtai_letter"),
])
def test_bad_inputs_get_one_error_line_and_exit_1_while_the_batch_goes_on(tmp_path, content, code):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    done = run(str(bad), ERA_A, "--jsonl")
    err = done.stderr.decode()
    assert done.returncode == 1
    assert err == f"jtai-extract: {bad}: {code}: " + err.split(f"{code}: ", 1)[1]
    assert err.count("\n") == 1 and "Traceback" not in err
    assert json.loads(done.stdout)["area"] == "Fernmouth"


def test_missing_file_and_truncated_pdf(tmp_path):
    half = tmp_path / "half.pdf"
    data = Path(ERA_A).read_bytes()
    half.write_bytes(data[: len(data) // 2])
    done = run(str(tmp_path / "nope.pdf"), str(half), "--json")
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 1
    assert lines[0].endswith("not_found: no such file")
    assert ": unreadable: " in lines[1] or ": no_text_layer: " in lines[1]


def test_usage_errors_exit_2():
    assert run(ERA_A, "--json", "--csv").returncode == 2
    assert run(ERA_A, "--engine", "nope").returncode == 2
    assert run("--no-such-option").returncode == 2


def test_broken_pipe_prints_no_traceback():
    cmd = " ".join([*EXE, str(SAMPLES), ERA_A, ERA_B, "--jsonl", "--jobs", "1"]) + " | head -c 10"
    done = subprocess.run(cmd, shell=True, capture_output=True, timeout=300)
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


def test_same_bytes_every_run_and_whatever_the_jobs():
    one = run(str(SAMPLES), "--jsonl", "--jobs", "1").stdout
    two = run(str(SAMPLES), "--jsonl", "--jobs", "2").stdout
    assert one == two == run(str(SAMPLES), "--jsonl", "--jobs", "2").stdout


def test_summary_shows_findings_with_their_tags():
    out = run(ERA_A, "--summary", "--explain").stdout.decode()
    assert "Strengths (7)" in out and "S1" in out and "front_door" in out


def test_out_dir_keeps_inputs_with_the_same_stem_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "letter.pdf").write_bytes(Path(ERA_A).read_bytes())
    (tmp_path / "b" / "letter.pdf").write_bytes(Path(ERA_B).read_bytes())
    out = tmp_path / "out"
    assert run(str(tmp_path / "a"), str(tmp_path / "b"), "--out-dir", str(out), "--quiet").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["letter-2.json", "letter.json"]
    assert json.loads((out / "letter-2.json").read_text())["area"] == "Harrowgate Vale"


def test_tag_counts_lists_every_label():
    rows = run(str(SAMPLES), "--tag-counts").stdout.decode().splitlines()
    assert rows[0] == "kind\tlabel\tfindings" and len(rows) == 1 + 38
    assert any(r.startswith("agency\thealth\t") and int(r.split("\t")[2]) > 0 for r in rows)


def test_bad_taxonomy_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "lexicon.tsv"
    bad.write_text("theme\tbuses\n", encoding="utf-8")
    done = run(ERA_A, "--taxonomy", str(bad))
    assert done.returncode == 2 and f"{bad}:1:" in done.stderr.decode()
