"""Signals and closed pipes, on the installed command in a subprocess: SIGINT and SIGTERM stop
every worker, leave no partial or temporary file and exit 130/143; after SIGKILL of the main
process no worker lives on; a closed stdout (| head) ends the run quietly, workers included.

Each run reads a good letter and then PDFs that pdfminer loops on for ever, so the workers are
busy when the signal comes; the waits below are guards against a hang, not speed checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import hostile

EXE = str(Path(sys.executable).parent / "jtai-extract")
GUARD_S = 60  # far past anything a working run needs (and below the inputs' 120 s budget)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signals")
    hostile.write(folder, "a-good.txt", hostile.text_letter())
    hostile.write(folder, "b-good.txt", hostile.text_letter().replace("Midshire", "Newshire"))
    for name in ("c-loop.pdf", "d-loop.pdf", "e-loop.pdf"):
        hostile.write(folder, name, hostile.self_referring_contents())
    return folder


def _start(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([EXE, *args, "--engine", "pdfplumber", "--jobs", "2", "--timeout", "120"],
                            start_new_session=True, stderr=subprocess.PIPE, **kwargs)


def _session(sid: int) -> list[int]:
    """The live processes of a session (the command, its worker server and workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry))
    return found


def _none_left(sid: int) -> bool:
    for _ in range(GUARD_S * 10):
        if not _session(sid):
            return True
        time.sleep(0.1)
    return False


def _wait_for(path: Path) -> None:
    for _ in range(GUARD_S * 10):
        if path.exists():
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} never appeared")


@pytest.mark.parametrize("signum,target,code,said", [
    (signal.SIGINT, "main", 130, "interrupted"),      # kill -INT PID; repro 04
    (signal.SIGTERM, "group", 143, "terminated"),     # timeout(1), a job runner; repro 04b, 05
], ids=["sigint-to-main", "sigterm-to-group"])
def test_a_signal_stops_every_worker_and_leaves_no_partial_file(batch_dir, tmp_path, signum, target, code, said):
    out = tmp_path / "out"
    proc = _start([str(batch_dir), "--out-dir", str(out)])
    _wait_for(out / "b-good.json")  # the workers are now looping on the PDFs
    (os.killpg if target == "group" else os.kill)(proc.pid, signum)
    assert proc.wait(timeout=GUARD_S) == code
    assert proc.stderr.read().decode().splitlines() == [f"jtai-extract: {said}"]
    assert sorted(p.name for p in out.iterdir()) == ["a-good.json", "b-good.json"]  # no temporary file
    assert _none_left(proc.pid)


def test_no_worker_outlives_a_killed_main_process(batch_dir, tmp_path):
    # repro 05: SIGKILL (or SIGTERM) of the main process left both workers running for ever
    out = tmp_path / "out"
    proc = _start([str(batch_dir), "--out-dir", str(out)])
    _wait_for(out / "b-good.json")
    assert len(_session(proc.pid)) >= 3  # the command, the worker server, workers
    proc.kill()
    proc.wait(timeout=GUARD_S)
    assert _none_left(proc.pid)


def test_a_closed_stdout_ends_the_run_at_once_and_quietly(batch_dir):
    # repro 21: `| head` kept every worker running to the end of the batch
    reader, writer = os.pipe()
    proc = _start([str(batch_dir), "--jsonl"], stdout=writer)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        first = pipe.readline()  # then close it, as `head -n1` does
    assert b'"area":"Midshire"' in first
    assert proc.wait(timeout=GUARD_S) == 1
    assert proc.stderr.read() == b""
    assert _none_left(proc.pid)


def test_an_interrupted_run_in_process_exits_130_and_puts_the_signal_handlers_back(monkeypatch):
    # regression: the clean-up ignored Ctrl-C for the rest of the calling process (a test session)
    from typer.testing import CliRunner

    from jtai_extract import batch
    from jtai_extract.cli import app

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(batch, "run", interrupted)
    done = CliRunner().invoke(app, [str(hostile.TEXT_LETTER), "--jsonl"], catch_exceptions=False)
    assert done.exit_code == 130 and done.stderr == "jtai-extract: interrupted\n"
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
