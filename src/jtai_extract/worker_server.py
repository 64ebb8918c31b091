"""The worker server (multiprocessing's "forkserver"): the process that imports the pipeline and
builds the default tagger once, then forks every worker (``workers.py``).

Building it is most of a one-letter run (spaCy's import, the tagger), so the installed command
starts it first (``start_early``, from ``launch.py``), to boot on the second core while the
command imports its options parser and reads the options, rather than after. A run that turns out
to need no worker (a usage error, every input missing, one read in this process) stops it again
at its end (``stop_if_unused``), so it costs no more than the moment it ran for.

Kept light: the command imports it before anything else.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Any

# imported by the worker server before it forks: the pipeline and tagger (_worker_preload), and
# the command's entry point, which a worker started from the installed command imports again as
# its main (launch.py: light, the command line itself is imported only to run it); pdfplumber (and
# pdfminer) only for the engine that reads with it
PRELOAD = ["jtai_extract._worker_preload", "jtai_extract.launch"]
ENGINE_PRELOAD = {"pdfplumber": ["pdfplumber"]}
DEFAULT_ENGINE = "pdfium"  # readers.DEFAULT_ENGINE, without importing the readers
# options that print something and end the run before any input is read: no worker is needed
EAGER_OPTIONS = frozenset({"--help", "--version", "--schema"})

_state = {"early": False, "used": False}


def context(engine: str | None = None) -> Any:
    """forkserver where the platform has it, preloaded with the pipeline (and the engine's PDF
    library); spawn elsewhere."""
    import multiprocessing  # (here: --version and --help need none of it)

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD + ENGINE_PRELOAD.get(engine or "", []))
        return ctx
    return multiprocessing.get_context("spawn")


def ensure_running() -> None:
    """Start the worker server (if it is not running) with Ctrl-C ignored from its first
    instruction: it is inherited, so neither the server nor a worker ever prints a traceback.
    A pool calls it before each worker it starts: the server is then in use."""
    _state["used"] = True
    _start()


def _start() -> None:
    import threading
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def early_engine(args: list[str]) -> str | None:
    """The engine a command line (without the program's name) will read with, when the run it
    asks for is one that starts workers as far as a glance can tell; None when it is not (an
    option that only prints, an unknown engine: the options parser will refuse it) or when
    nothing is given on a terminal (a usage error)."""
    if not args:
        import sys

        return None if sys.stdin is None or sys.stdin.isatty() else DEFAULT_ENGINE
    engine = DEFAULT_ENGINE
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in EAGER_OPTIONS:
            return None
        if arg == "--engine":
            engine = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("--engine="):
            engine = arg.split("=", 1)[1]
    return engine if engine in (DEFAULT_ENGINE, *ENGINE_PRELOAD) else None


def start_early(args: list[str]) -> bool:
    """Start the worker server now for the run ``args`` asks for (``early_engine``); whether it
    was started here. Any failure leaves it to the pool, as before."""
    engine = early_engine(args)
    if engine is None or _running():
        return False
    try:
        ctx = context(engine)
        if ctx.get_start_method() != "forkserver":
            return False
        _start()
    except Exception:  # noqa: BLE001 - the pool starts it (and reports a failure) when it needs it
        return False
    _state["early"] = True
    return True


def stop_if_unused() -> None:
    """At the end of a run: a server started early that no pool used is stopped at once (it may
    still be importing: it would otherwise go on for a second after the run)."""
    if not _state["early"] or _state["used"]:
        return
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver  # (private: multiprocessing has no public way to stop it)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        server._stop()  # reaps it and removes its socket


def _running() -> bool:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None) is not None  # type: ignore[attr-defined]
