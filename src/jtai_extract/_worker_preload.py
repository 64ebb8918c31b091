"""Imported once by the worker server process (``workers.py``) before it forks any worker: the
pipeline, both PDF libraries and the default tagger are ready in every worker from its start."""

from __future__ import annotations

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)  # workers inherit this: Ctrl-C is the main process's to handle


def _warm_up() -> None:
    try:
        from .batch import init_worker

        init_worker(None, None, preload=True)
    except Exception:  # noqa: S110 - a broken install is reported by the worker that meets it
        pass


_warm_up()
