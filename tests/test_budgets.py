"""Every input ends in bounded time and memory: the worker pool stops an input past its time or
memory budget, a worker that dies costs only its own input, results stay in input order and
only a few are held; size and decompressed-content caps hold in any process, both engines."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zlib

import pytest

from jtai_extract import ExtractError, extract
from jtai_extract.batch import Input, expand, read_stdin, run
from jtai_extract.limits import MB, Limits, check_pdf_content
from jtai_extract.workers import INPUTS_AHEAD_PER_WORKER, WorkerPool

from . import hostile

SHORT = Limits(timeout_s=1)  # the time budget of the tests that need one to pass


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("budgets")
    return {
        "loop": str(hostile.write(folder, "loop.pdf", hostile.self_referring_contents())),
        "chain": str(hostile.write(folder, "chain.pdf", hostile.reference_loop())),
        "good": str(hostile.write(folder, "good.txt", hostile.text_letter())),
        "pages": str(hostile.write(folder, "pages.pdf", hostile.many_pages(2000))),
        "bomb": str(hostile.write(folder, "bomb.pdf", hostile.decompression_bomb(96))),
    }


def _codes(results) -> list[str | None]:
    return [r.error.code if r.error else None for r in results]


def test_a_pdf_whose_content_refers_to_itself_times_out_and_the_batch_goes_on(inputs):
    # repro 01: pdfminer resolves "5 0 R" -> itself for ever; PDFium sees an empty page
    results = list(run([Input(inputs["loop"]), Input(inputs["chain"]), Input(inputs["good"])], engine="pdfplumber",
                       jobs=2, limits=SHORT))
    assert _codes(results) == ["timed_out", "timed_out", None]
    assert "1 s (--timeout)" in results[0].error.message
    assert results[2].letter["area"] == "Midshire"
    pdfium = list(run([Input(inputs["loop"])], engine="pdfium", jobs=1, limits=SHORT))
    assert _codes(pdfium) == ["no_text_layer"]


def test_an_input_a_library_takes_minutes_over_is_stopped_at_its_budget(inputs):
    # repro 23: pdfminer needs minutes for 2,000 pages; the budget stops it, the next input runs
    results = list(run([Input(inputs["pages"]), Input(inputs["good"])], engine="pdfplumber", jobs=2,
                       limits=SHORT))
    assert _codes(results) == ["timed_out", None]


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_decompression_bomb_is_refused_before_any_engine_parses_it(inputs, engine):
    # repro 07: a few KB of nested Flate that expand to gigabytes
    with pytest.raises(ExtractError) as caught:
        extract(inputs["bomb"], engine=engine, limits=Limits(max_content_mb=32))
    assert caught.value.code == "too_large" and "--max-content" in caught.value.message


def test_the_content_cap_counts_only_what_expands_and_stops_at_the_limit():
    small = hostile.one_page(hostile.stream(hostile.PAGE_TEXT))
    check_pdf_content(small, 1024)  # plain (uncompressed) content is the file's own size: not counted
    bomb = hostile.decompression_bomb(8, nested=False)
    check_pdf_content(bomb, 9 * MB)
    with pytest.raises(ExtractError):
        check_pdf_content(bomb, 7 * MB)


def test_the_content_cap_finds_streams_by_their_keyword_and_end_of_line_only():
    # each stream of 2 MB of zeros: counted only where "stream" (not "endstream", not "streams")
    # is followed by an end of line, whichever of CR LF, LF or CR
    zeros = zlib.compress(b"\0" * (2 * MB))

    def obj(keyword: bytes) -> bytes:
        return b"1 0 obj << /Filter /FlateDecode >>" + keyword + zeros + b"\nendstream endobj\n"

    for eol in (b"\r\n", b"\n", b"\r"):
        with pytest.raises(ExtractError):
            check_pdf_content(obj(b"stream" + eol), MB)
    for keyword in (b"endstream\n", b"streams\n", b"stream "):
        check_pdf_content(obj(keyword), MB)


def test_a_worker_past_its_memory_budget_is_stopped_and_replaced(inputs):
    # repro 07 without the content cap: PDFium decodes the stream; the worker's watch stops it
    limits = Limits(timeout_s=20, max_content_mb=0, max_memory_mb=180)
    results = list(run([Input(inputs["bomb"]), Input(inputs["good"])], engine="pdfium", jobs=1, limits=limits))
    assert _codes(results) == ["too_large", None]
    assert "180 MB of memory (--max-memory)" in results[0].error.message


def test_a_worker_that_dies_costs_only_its_own_input(inputs):
    # repro 16: a worker killed (the OOM killer, a crash in a PDF library) while reading an input
    items = [Input(inputs["loop"]), Input(inputs["good"]), Input(inputs["good"])]
    pool = WorkerPool(2, "pdfplumber", None, Limits(timeout_s=60))

    def kill_the_looping_worker() -> None:
        for _ in range(600):
            for worker in list(pool.workers):
                if worker.task is not None and worker.task[1] is items[0] and worker.process.pid:
                    time.sleep(0.2)
                    os.kill(worker.process.pid, signal.SIGKILL)
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_looping_worker)
    killer.start()
    results = list(pool.map(items))
    killer.join()
    assert _codes(results) == ["internal_error", None, None]
    assert "killed by SIGKILL" in results[0].error.message


def test_results_come_in_input_order_and_only_a_few_are_held(inputs):
    # repro 22: the main process held every finished result until the end of the run
    items = [Input(inputs["loop"])] + [Input(inputs["good"]) for _ in range(30)]
    pool = WorkerPool(2, "pdfplumber", None, SHORT)
    held: list[int] = []
    results = []
    for result in pool.map(items):
        held.append(len(pool.done))
        results.append(result)
    assert [r.input for r in results] == items
    assert _codes(results) == ["timed_out"] + [None] * 30
    assert max(held) <= INPUTS_AHEAD_PER_WORKER * 2


def test_closing_the_results_stops_every_worker(inputs):
    # repro 21: a consumer that stops early (| head) left the workers running to the end
    pool = WorkerPool(2, "pdfplumber", None, Limits(timeout_s=60))
    results = pool.map([Input(inputs["good"]), Input(inputs["loop"]), Input(inputs["chain"])])
    assert next(results).error is None
    processes = [w.process for w in pool.workers]
    results.close()
    assert processes and not any(p.is_alive() for p in processes) and pool.workers == []


def test_inputs_that_failed_while_expanding_need_no_worker(tmp_path, monkeypatch):
    # a run of missing files took a second: the worker server started (spaCy, the tagger) for nothing
    import jtai_extract.workers

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(jtai_extract.workers, "WorkerPool", no_pool)
    inputs = expand([str(tmp_path / "gone.pdf")])
    assert inputs[0].error is not None and inputs[0].error.code == "not_found"
    results = list(run(inputs, jobs=2, limits=SHORT))
    assert _codes(results) == ["not_found"]


def test_standard_input_is_read_up_to_its_cap_and_no_further():
    # repro 08: endless stdin was read whole (MemoryError); now it stops just past the cap
    endless = io.BytesIO(b"y\n" * 5000)
    item = read_stdin(stream=endless, max_bytes=1000)
    assert item.error is not None and item.error.code == "too_large"
    assert endless.tell() == 1001 and "larger than" in item.error.message
    assert read_stdin(stream=io.BytesIO(b"short"), max_bytes=1000).data == b"short"


def test_an_input_file_over_the_size_cap_is_too_large_without_being_read(tmp_path):
    big = hostile.write(tmp_path, "big.txt", hostile.text_letter() * 10)
    with pytest.raises(ExtractError) as caught:
        extract(big, limits=Limits(max_input_mb=0.01))
    assert caught.value.code == "too_large" and "--max-size" in caught.value.message
    with pytest.raises(ExtractError):
        extract(big.read_bytes(), limits=Limits(max_input_mb=0.01))
