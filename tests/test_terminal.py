"""The installed command on a real terminal (a pseudo-terminal): the progress bar goes to the
terminal while the data goes, whole, where stdout was redirected; the summary view prints cleanly.

Regression: rich's progress display captured stdout, so `jtai-extract letters/ --csv > file` on a
terminal left the file empty and printed the data on the screen."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pyte
import pytest

from .conftest import LAYOUT_SAMPLES, SAMPLES

EXE = str(Path(sys.executable).parent / "jtai-extract")
ERA_A = str(SAMPLES / "fernmouth-2019-03.pdf")
COLUMNS = 100
SCREEN_ROWS = 3000  # tall enough that nothing scrolls off: the whole run stays on the screen


def run_on_terminal(args: list[str], stdout_path: Path | None = None) -> tuple[int, bytes]:
    """Run the installed command with stdin and stderr (and stdout, unless redirected to a file)
    on a pseudo-terminal; return its exit status and every byte the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    stdout = open(stdout_path, "wb") if stdout_path else slave  # noqa: SIM115 - closed below
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS)}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([EXE, *args], stdin=slave, stdout=stdout, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    if stdout_path:
        stdout.close()
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed: the process has ended
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return proc.wait(timeout=300), bytes(received)


def screen_lines(received: bytes) -> list[str]:
    """What a person sees: the bytes played through a terminal emulator."""
    screen = pyte.Screen(COLUMNS, SCREEN_ROWS)
    pyte.ByteStream(screen).feed(received)
    return [line.rstrip() for line in screen.display]


INPUTS = [*map(str, LAYOUT_SAMPLES), ERA_A]  # three letters: the progress bar shows


@pytest.mark.parametrize("flag", ["--jsonl", "--csv"])
def test_redirected_data_reaches_the_file_whole_while_the_terminal_shows_progress(tmp_path, flag):
    target = tmp_path / "out.data"
    status, received = run_on_terminal([*INPUTS, flag, "-j1"], target)
    assert status == 0
    data = target.read_bytes().decode("utf-8")
    if flag == "--jsonl":
        assert [json.loads(line)["area"] for line in data.splitlines()] == ["Fernmouth", "Harrowgate Vale",
                                                                              "Fernmouth"]
    else:
        letters = {row.split(",", 1)[0] for row in data.splitlines()[1:]}
        assert letters == {"fernmouth-2019-03", "harrowgate-vale-2025-05"}
    assert b"extracting" in received and b"letters/s" in received  # the bar was drawn on the terminal
    assert b"Fernmouth" not in received  # and no data leaked onto it


def test_summary_view_on_a_terminal_starts_with_a_clean_panel():
    status, received = run_on_terminal([*INPUTS, "-j1"])
    assert status == 0
    lines = [line for line in screen_lines(received) if line]
    assert lines[0].startswith("╭─ Joint targeted area inspection") and lines[0].endswith("╮")
    assert lines[1].startswith("│ Area") and "Fernmouth" in lines[1]
    assert not any("letters/s" in line or "extracting" in line for line in lines)  # the bar left no trace
    assert sum(line.startswith("╭─") for line in lines) == 3
