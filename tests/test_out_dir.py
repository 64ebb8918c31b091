"""--out-dir: a folder that cannot be written is one clear line before any work; a write that
fails later is an error line for that input and the batch goes on; files get the umask's mode;
a failed input's old file is removed; temporary files left by a killed run are cleared."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from jtai_extract import batch
from jtai_extract.cli import app

from . import hostile

IN_PROCESS = ["-j1", "--timeout", "0", "--max-memory", "0"]  # no worker: monkeypatches apply


def cli(*args: str):
    return CliRunner().invoke(app, [*args, *IN_PROCESS], catch_exceptions=False)


def _letters(tmp_path, *names: str) -> list[str]:
    """Text letters for the areas named by the file names ("first.txt": Firstshire)."""
    return [str(hostile.write(tmp_path, name, hostile.text_letter().replace("Midshire", area(name))))
            for name in names]


def area(name: str) -> str:
    return name.split(".")[0].capitalize() + "shire"


def test_an_out_dir_that_cannot_be_made_is_one_line_and_no_work(tmp_path):
    # repro 03: a file in the way was a traceback after all the work
    [letter] = _letters(tmp_path, "a.txt")
    (tmp_path / "afile").write_text("x")
    for target in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        done = cli(letter, "--out-dir", str(target), "--jsonl")
        assert done.exit_code == 2 and done.stdout == "" and "Traceback" not in done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith(f"jtai-extract: {target}: unwritable: cannot write into the folder: Not a directory")


def test_a_write_that_fails_is_an_error_line_and_the_batch_goes_on(tmp_path, monkeypatch):
    # repro 03: disk full (or a read-only file system) part-way through a batch
    first, second = _letters(tmp_path, "first.txt", "second.txt")
    real = batch.write_atomic

    def disk_full_for_the_first(path, text):
        if path.name == "first.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, text)

    monkeypatch.setattr(batch, "write_atomic", disk_full_for_the_first)
    out = tmp_path / "out"
    done = cli(first, second, "--out-dir", str(out), "--jsonl")
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        f"jtai-extract: {out / 'first.json'}: unwritable: No space left on device"]
    assert [json.loads(line)["area"] for line in done.stdout.splitlines()] == ["Firstshire", "Secondshire"]
    assert sorted(p.name for p in out.iterdir()) == ["second.json"]


def test_out_dir_files_get_the_mode_the_umask_gives(tmp_path):
    # repro 14: files were 0600 (mkstemp's mode) whatever the umask
    [letter] = _letters(tmp_path, "a.txt")
    for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        previous = os.umask(umask)
        try:
            assert cli(letter, "--out-dir", str(tmp_path / f"out-{umask:o}"), "-q").exit_code == 0
        finally:
            os.umask(previous)
        assert (tmp_path / f"out-{umask:o}" / "a.json").stat().st_mode & 0o777 == mode


def test_a_failed_input_loses_its_old_file_and_names_stay_with_their_inputs(tmp_path):
    # repro 15: x's stale letter.json looked like a fresh result; names shifted when one failed
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    x = hostile.write(tmp_path / "x", "letter.txt", hostile.text_letter().replace("Midshire", "Exshire"))
    y = hostile.write(tmp_path / "y", "letter.txt", hostile.text_letter().replace("Midshire", "Whyshire"))
    out = tmp_path / "out"
    assert cli(str(x), str(y), "--out-dir", str(out), "-q").exit_code == 0
    x.write_bytes(os.urandom(100).replace(b"%PDF", b"...."))
    done = cli(str(x), str(y), "--out-dir", str(out), "-q")
    assert done.exit_code == 1 and f"jtai-extract: {x}: " in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["letter-2.json"]
    assert json.loads((out / "letter-2.json").read_text())["area"] == "Whyshire"


def test_temporary_files_of_a_killed_run_are_removed_and_a_live_one_is_kept(tmp_path):
    # repro 26: a SIGKILL between writing and renaming left a hidden temporary file for ever
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".letter.json.{gone.pid}.abc123de.tmp"
    live = tmp_path / f".other.json.{os.getpid()}.fgh456ij.tmp"
    mine = tmp_path / ".notes.tmp"  # not ours: never touched
    for path in (stale, live, mine):
        path.write_text("{")
    assert batch.remove_stale_temporaries(tmp_path) == [stale.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, mine.name])


def test_an_out_dir_1100_folders_deep_is_made(tmp_path):
    # (Path.mkdir(parents=True) recursed once per level)
    [letter] = _letters(tmp_path, "a.txt")
    with hostile.scratch_folder(tmp_path) as scratch, hostile.deep_folders(scratch, "o", 1) as top:
        out = top.joinpath(*["o"] * 1099)
        assert cli(letter, "--out-dir", str(out), "-q").exit_code == 0
        assert (out / "a.json").is_file()
