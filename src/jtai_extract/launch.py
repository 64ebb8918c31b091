"""The installed command's entry point (``jtai-extract``, ``python -m jtai_extract``): the worker
server is started first (``worker_server.start_early``), so that the pipeline's import and the
tagger's build run while this process imports the command line and parses the options. Light on
purpose: every worker imports this module again as its main module.

When the run is over, a process started as the command ends without Python's module teardown
(``_exit_now``): that is 40-60 ms of a one-letter run (freeing the options parser's pydantic
validators, which typer builds for every option) and nothing of it is needed. The exit handlers
still run first (``atexit``: logging, multiprocessing's clean-up, weakref finalisers), and stdout
and stderr are flushed (every record is flushed as it is written in any case); a flush that fails,
or a run called as a library function, ends the ordinary way."""

from __future__ import annotations

import sys


def main() -> None:
    from . import worker_server

    started = worker_server.start_early(sys.argv[1:])
    try:
        from .cli import main as run

        run()
        code: object = 0
    except SystemExit as done:
        code = done.code
    finally:
        if started:
            worker_server.stop_if_unused()
    if _started_as_the_command() and (code is None or isinstance(code, int)):
        _exit_now(code or 0)
    raise SystemExit(code)


def _started_as_the_command() -> bool:
    """Whether this process's main module is the command's (the installed script's or
    ``jtai_extract/__main__.py``, which both take ``main`` from here), not a program calling it."""
    return getattr(sys.modules.get("__main__"), "main", None) is main


def _exit_now(status: int) -> None:
    import atexit
    import os

    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: Python's own ending reports it
        raise SystemExit(status) from None
    os._exit(status)
