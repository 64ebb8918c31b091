"""The installed command's entry point (``jtai-extract``, ``python -m jtai_extract``): the worker
server is started first (``worker_server.start_early``), so that the pipeline's import and the
tagger's build run while this process imports the command line and parses the options. Light on
purpose: every worker imports this module again as its main module."""

from __future__ import annotations

import sys


def main() -> None:
    from . import worker_server

    started = worker_server.start_early(sys.argv[1:])
    try:
        from .cli import main as run

        run()
    finally:
        if started:
            worker_server.stop_if_unused()
