"""Worker processes that can be stopped: every input is read in one, so that an input past its
time budget (a PDF library looping for ever) or its memory budget costs only itself, and a
worker that dies (killed, out of memory, a crash in a PDF library) costs only the input it was
reading. The main process hands each worker one input at a time, kills a worker at its input's
deadline and starts another, and yields results in input order while holding only a few.

Workers are forked from a server process that has already imported the pipeline and built the
default tagger (multiprocessing's "forkserver"; "spawn" where there is none), so starting or
replacing one is cheap and no thread of the main process (the progress bar) is ever forked.
A worker ignores Ctrl-C (the main process stops it), exits the moment the main process is gone
(its connection to it hangs up; PR_SET_PDEATHSIG on Linux and a watch on its parent's pid as
well), and exits at once past its memory budget.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .batch import Input, Result, extract_one, init_worker
from .errors import ExtractError
from .limits import MB, Limits, megabytes
from .worker_server import ENGINE_PRELOAD, PRELOAD, context  # noqa: F401 - (where they were)
from .worker_server import ensure_running as _ensure_server

EXIT_MEMORY = 86  # the exit status of a worker that went past its memory budget
EXIT_ORPHANED = 87  # the exit status of a worker whose parent is gone
WATCH_INTERVAL_S = 0.05  # how often a worker looks at its memory and its parent
# the address-space cap (RLIMIT_AS, Linux) is a backstop for allocations too fast for the watch:
# the memory budget twice over, above the worker's size at start-up
ADDRESS_SPACE_FACTOR = 2.0
INPUTS_AHEAD_PER_WORKER = 4  # inputs handed out past the next one due, per worker: bounds results held
MAX_START_FAILURES = 3  # workers dying before they are ready, in a row: the pool cannot work
JOIN_TIMEOUT_S = 1.0  # waiting for a killed worker to be reaped
PR_SET_PDEATHSIG = 1  # linux/prctl.h


# --- in the worker ---------------------------------------------------------------------------

def serve(conn: Connection, engine: str, taxonomy: str | None, limits: Limits) -> None:
    """A worker's life: get ready, then extract one input per message until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process decides
    parent = os.getppid()
    _die_with_parent(parent)
    _cap_address_space(limits.max_memory_bytes)
    threading.Thread(target=_watch, args=(parent, conn.fileno(), limits.max_memory_bytes), daemon=True).start()
    try:
        init_worker(engine, taxonomy, preload=True)
    except BaseException as exc:  # a broken install or taxonomy: every input would fail the same way
        with contextlib.suppress(Exception):
            conn.send(("init_error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        return
    try:
        conn.send(("ready",))
        while True:
            message = conn.recv()
            if message is None:
                return
            index, path, has_data = message
            item = Input(path, data=conn.recv_bytes() if has_data else None)
            result = extract_one(item, limits)
            # past a size or memory budget, memory may be left fragmented: a fresh worker takes over
            retiring = result.error is not None and result.error.code == "too_large"
            conn.send(("result", index, result.letter, result.error, result.traceback, peak_memory_mb(), retiring))
            if retiring:
                return
    except (EOFError, OSError):  # the main process is gone
        return


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above
        os._exit(EXIT_ORPHANED)


def _cap_address_space(budget: int | None) -> None:
    if budget is None or not sys.platform.startswith("linux"):
        return
    import resource

    with contextlib.suppress(Exception):
        current = _statm()[0]
        cap = int(current + ADDRESS_SPACE_FACTOR * budget)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _statm() -> tuple[int, int]:
    """(address space, resident) of this process in bytes, from /proc (Linux)."""
    with open("/proc/self/statm", "rb") as fh:
        size, resident = fh.read().split()[:2]
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page


def resident_bytes() -> int | None:
    """This process's resident memory now (Linux), or its peak (other POSIX), or None."""
    if sys.platform.startswith("linux"):
        try:
            return _statm()[1]
        except (OSError, ValueError):
            return None
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def peak_memory_mb() -> float | None:
    """This process's peak resident memory so far, in MB (POSIX)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak if sys.platform == "darwin" else peak * 1024) / MB


def _watch(parent: int, fd: int, budget: int | None) -> None:
    """Exit the moment the main process is gone or this worker is past its memory budget. The
    main process is gone when its end of our connection is closed (the worker's parent may be
    the worker server, which lives on while any worker does) or, without poll(), when our
    parent has changed."""
    import select

    hung_up = select.POLLHUP | select.POLLERR | select.POLLNVAL | getattr(select, "POLLRDHUP", 0) \
        if hasattr(select, "poll") else 0
    poller = None
    if hung_up:
        poller = select.poll()
        poller.register(fd, hung_up)
    while True:
        time.sleep(WATCH_INTERVAL_S)
        if os.getppid() != parent or (poller is not None and any(ev & hung_up for _, ev in poller.poll(0))):
            os._exit(EXIT_ORPHANED)
        if budget is not None:
            used = resident_bytes()
            if used is not None and used > budget:
                os._exit(EXIT_MEMORY)


# --- in the main process -----------------------------------------------------------------------

@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    task: tuple[int, Input] | None = None
    deadline: float = 0.0
    given: float = 0.0  # when its input was handed out


class WorkerPool:
    """Up to ``jobs`` workers; ``map`` yields one Result per input, in input order."""

    def __init__(self, jobs: int, engine: str, taxonomy: str | None, limits: Limits) -> None:
        self.jobs = max(1, jobs)
        self.engine = engine
        self.taxonomy = taxonomy
        self.limits = limits
        self.ctx = context(engine)
        self.workers: list[_Worker] = []
        self.start_failures = 0
        self.broken: tuple[str, str | None] | None = None  # (message, traceback) when workers cannot start
        self.done: dict[int, Result] = {}
        self.watch: int | None = None

    def map(self, items: Sequence[Input], watch: int | None = None) -> Generator[Result, None, None]:
        """``watch``: a file descriptor the results are written to (stdout); when its reader
        goes away (``| head``), BrokenPipeError is raised at once, not at the next write,
        which could be a whole time budget away."""
        self.watch = watch
        todo = deque(range(len(items)))
        done = self.done = {}  # finished, waiting for those before them: a few at most
        due = 0
        try:
            while due < len(items):
                self._dispatch(items, todo, done, due)
                if due not in done:
                    self._wait(done)
                    continue
                while due in done:  # then hand out the inputs the window now reaches
                    yield done.pop(due)
                    due += 1
        finally:
            self.close()

    def close(self) -> None:
        """Stop every worker at once (nothing of theirs needs saving) and reap them."""
        workers, self.workers = self.workers, []
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.process.kill()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.process.join(JOIN_TIMEOUT_S)
            with contextlib.suppress(Exception):
                worker.conn.close()

    # -- dispatching

    def _dispatch(self, items: Sequence[Input], todo: deque[int], done: dict[int, Result], due: int) -> None:
        window = due + INPUTS_AHEAD_PER_WORKER * self.jobs
        while todo and todo[0] < window:
            index = todo[0]
            item = items[index]
            if item.error is not None or self.broken is not None:
                todo.popleft()
                done[index] = self._unstarted(item)
                continue
            worker = self._idle_worker(len(todo))
            if worker is None:
                return
            try:
                worker.conn.send((index, item.path, item.data is not None))
                if item.data is not None:
                    worker.conn.send_bytes(item.data)  # as it is: no pickled copy of a large stdin
            except OSError:  # it died while idle: the input goes to another worker
                self._drop(worker)
                continue
            todo.popleft()
            worker.task = (index, item)
            worker.given = time.monotonic()
            worker.deadline = worker.given + self.limits.timeout_s if self.limits.timeout_s > 0 else 0.0

    def _unstarted(self, item: Input) -> Result:
        if item.error is not None:
            return Result(item, error=item.error)
        assert self.broken is not None
        message, trace = self.broken
        return Result(item, error=ExtractError("internal_error", f"the worker processes cannot start: {message} "
                                                                 "(please report this)"), traceback=trace)

    def _idle_worker(self, waiting: int) -> _Worker | None:
        for worker in self.workers:
            if worker.ready and worker.task is None:
                return worker
        starting = sum(1 for w in self.workers if not w.ready)
        if len(self.workers) < self.jobs and starting < waiting:
            self._start()
        return None

    def _start(self) -> None:
        here, there = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=serve, args=(there, self.engine, self.taxonomy, self.limits),
                                   name="jtai-extract-worker", daemon=True)
        worker = _Worker(process, here)
        self.workers.append(worker)  # before start: an interrupt between the two still stops it
        try:
            if self.ctx.get_start_method() == "forkserver":
                _ensure_server()
            process.start()
        except Exception as exc:  # no process could be made (too many open files, no memory...)
            self.workers.remove(worker)
            here.close()
            self.start_failures += 1
            if self.start_failures >= MAX_START_FAILURES and self.broken is None:
                self.broken = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            there.close()

    # -- waiting

    def _wait(self, done: dict[int, Result]) -> None:
        deadlines = [w.deadline for w in self.workers if w.task is not None and w.deadline]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        if self.watch is not None:
            if output_closed(self.watch):
                raise BrokenPipeError(errno.EPIPE, "the output was closed")
            timeout = WATCH_INTERVAL_S * 4 if timeout is None else min(timeout, WATCH_INTERVAL_S * 4)
        if not self.workers:
            return
        ready = set(wait([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers], timeout))
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.conn in ready or (worker.process.sentinel in ready and _has_message(worker.conn)):
                self._receive(worker, done)
            elif worker.process.sentinel in ready:
                self._lost(worker, done)
            elif worker.task is not None and worker.deadline and now >= worker.deadline:
                self._timed_out(worker, done)

    def _receive(self, worker: _Worker, done: dict[int, Result]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker, done)
            return
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            self.start_failures = 0
        elif kind == "result" and worker.task is not None:  # (the input itself is not sent back)
            _, index, letter, error, trace, peak, retiring = message
            done[index] = Result(worker.task[1], letter=letter, error=error, traceback=trace,
                                 seconds=self._elapsed(worker), peak_memory_mb=peak)
            worker.task = None
            if retiring:  # it exits now: no further input for it
                self._drop(worker)
        elif kind == "init_error":
            self.broken = (message[1], message[2])
            self._drop(worker)

    def _lost(self, worker: _Worker, done: dict[int, Result]) -> None:
        """The worker process ended: its input (if any) gets an error line, and it is replaced
        when the next input needs a worker."""
        self._drop(worker)
        code = worker.process.exitcode
        if not worker.ready:
            self.start_failures += 1
            if self.start_failures >= MAX_START_FAILURES and self.broken is None:
                self.broken = (f"{MAX_START_FAILURES} in a row ended before they were ready ({_how(code)})", None)
        if worker.task is None:
            return
        index, item = worker.task
        if code == EXIT_MEMORY and self.limits.max_memory_bytes:
            error = ExtractError("too_large", f"reading it used more than {megabytes(self.limits.max_memory_bytes)} "
                                              "of memory (--max-memory)")
        else:
            error = ExtractError("internal_error", f"the worker process reading it {_how(code)}; the rest of the "
                                                   "batch goes on (please report this)")
        done[index] = Result(item, error=error, seconds=self._elapsed(worker))

    @staticmethod
    def _elapsed(worker: _Worker) -> float:
        return time.monotonic() - worker.given

    def _timed_out(self, worker: _Worker, done: dict[int, Result]) -> None:
        assert worker.task is not None
        index, item = worker.task
        worker.task = None
        with contextlib.suppress(Exception):
            worker.process.kill()
        self._drop(worker)
        done[index] = Result(item, error=ExtractError(
            "timed_out", f"not finished after {self.limits.timeout_s:g} s (--timeout): stopped"),
            seconds=self._elapsed(worker))

    def _drop(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        with contextlib.suppress(Exception):
            worker.process.join(JOIN_TIMEOUT_S)
        with contextlib.suppress(Exception):
            worker.conn.close()


def output_closed(fd: int) -> bool:
    """The reader of a pipe has gone (or a terminal hung up): poll() reports an error on it."""
    import select

    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # errors and hang-ups are always reported
    try:
        return any(ev & (select.POLLERR | select.POLLHUP | select.POLLNVAL) for _, ev in poller.poll(0))
    except OSError:
        return False


def _has_message(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def _how(exitcode: int | None) -> str:
    if exitcode is None:
        return "stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    if exitcode == EXIT_ORPHANED:
        return "lost its parent"
    return f"exited with status {exitcode}"
