"""Both PDF engines give the same letter; start-up commands import no heavy library; output
files are written atomically even when interrupted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jtai_extract import extract
from jtai_extract.batch import write_atomic

from .conftest import SAMPLES


@pytest.mark.parametrize("name", sorted(p.stem for p in SAMPLES.glob("*.pdf")))
def test_pdfium_engine_gives_the_same_letter_as_pdfplumber(name):
    plumber = extract(SAMPLES / f"{name}.pdf", engine="pdfplumber", tags=False).model_dump()
    pdfium = extract(SAMPLES / f"{name}.pdf", engine="pdfium", tags=False).model_dump()
    # glyph boxes differ by a fraction of a point between engines (advance width vs ink box)
    assert _boxes(pdfium) == pytest.approx(_boxes(plumber), abs=BOX_TOLERANCE_PT)
    assert pdfium == plumber


BOX_TOLERANCE_PT = 1.0


def _boxes(letter: dict) -> list[float]:
    """Pop every box out of the letter (in place) and return their coordinates in order."""
    coords: list[float] = []
    for section in ("narrative", "strengths", "areas_for_improvement", "priority_actions", "case_studies"):
        for item in letter[section]:
            for box in item.pop("boxes"):
                coords.extend([box["page"], box["x0"], box["top"], box["x1"], box["bottom"]])
    return coords


@pytest.mark.parametrize("flag", ["--version", "--help", "--schema"])
def test_startup_commands_import_neither_spacy_nor_pdf_libraries(flag):
    heavy = "('spacy', 'pdfplumber', 'pypdfium2', 'pdfminer')"
    code = (f"import sys\nfrom jtai_extract import cli\ntry:\n    cli.app([{flag!r}])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {heavy} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "letter.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_whole(tmp_path):
    target = tmp_path / "letter.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["letter.json"]


@pytest.mark.parametrize("name", sorted(p.stem for p in SAMPLES.glob("*.pdf")))
def test_pdfplumber_engine_delivers_exactly_pdfplumbers_own_chars_and_shapes(name):
    """The engine reads page.layout itself (faster than page.chars): the values must not differ."""
    import pdfplumber

    from jtai_extract.readers import _bold_font, _pdfplumber_pages, visible_colour

    data = (SAMPLES / f"{name}.pdf").read_bytes()
    expected = []
    with pdfplumber.open(SAMPLES / f"{name}.pdf") as pdf:
        for page in pdf.pages:
            chars = [(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"], _bold_font(c["fontname"]))
                     for c in page.chars if c["upright"]]
            shapes = [(float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]))
                      for kind in ("rects", "lines", "curves") for o in getattr(page, kind)
                      if (o["fill"] and visible_colour(o["non_stroking_color"]))
                      or (o["stroke"] and visible_colour(o["stroking_color"]))]
            expected.append((float(page.width), float(page.height), chars, shapes, 0))
    assert list(_pdfplumber_pages(data)) == expected


def test_the_worker_server_preloads_pdfplumber_only_for_its_engine():
    from multiprocessing import forkserver

    from jtai_extract.workers import context

    context("pdfium")
    assert "pdfplumber" not in forkserver._forkserver._preload_modules
    context("pdfplumber")
    assert "pdfplumber" in forkserver._forkserver._preload_modules


def test_a_pdfium_worker_does_not_import_pdfplumber():
    code = ("import sys; from jtai_extract.batch import init_worker; init_worker('pdfium', None, preload=True); "
            "print(sorted(m for m in ('pdfplumber', 'pdfminer') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_worker_imports_spacy_without_its_command_line():
    # spaCy's __init__ imports spacy.cli (weasel, requests, httpx): a fifth of a one-letter run
    code = ("import sys; from jtai_extract.batch import init_worker; init_worker('pdfium', None, preload=True); "
            "print(sorted(m for m in ('spacy.cli', 'weasel', 'httpx', 'requests') if m in sys.modules)); "
            "import spacy.cli; print(callable(spacy.cli.download), callable(spacy.info))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-2:] == ["[]", "True True"], done.stderr


def test_spacy_is_imported_the_ordinary_way_when_its_cli_is_loaded_already():
    code = ("import sys, spacy.cli; from jtai_extract.spacy_import import import_spacy; "
            "print(import_spacy() is sys.modules['spacy'], 'download' in dir(spacy.cli))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True True", done.stderr


def test_the_engine_that_maps_more_glyphs_is_kept(monkeypatch):
    from jtai_extract import readers
    from jtai_extract.document import Document

    unmapped = {"pdfium": 40, "pdfplumber": 3}

    def fake_read(data, engine, timings, settings=None):
        return Document(pages=[], format="pdf", engine=engine, unmapped=unmapped[engine])

    monkeypatch.setattr(readers, "_read_pdf", fake_read)
    monkeypatch.setattr(readers, "check_pdf_content", lambda data, limit: None)
    source = readers.Source("letter.pdf", b"%PDF-1.7\n")
    doc = readers.read(source, "pdfium")
    assert doc.engine == "pdfplumber" and "pdfium could not map 40 glyph(s)" in doc.warnings[-1]
    unmapped["pdfplumber"] = 40  # no better: the chosen engine's reading stays
    assert readers.read(source, "pdfium").engine == "pdfium"


def _patterns(matcher) -> dict:
    """A PhraseMatcher's patterns, rule by rule, as spaCy itself saves them (pickling)."""
    return matcher.__reduce__()[1][1]


def test_the_tagger_built_from_pattern_hashes_holds_the_patterns_pattern_docs_give(monkeypatch):
    # the build gives the PhraseMatchers each phrase's NORM hashes, not a Doc per phrase (a third
    # of the tagger's build time): the matchers must hold exactly what the Docs gave them
    from jtai_extract import tagging

    fast = tagging.Tagger(tagging.default_lexicon())
    assert tagging._keys_accepted(fast.nlp)
    monkeypatch.setattr(tagging, "_keys_accepted", lambda nlp: False)
    slow = tagging.Tagger(tagging.default_lexicon())
    for built, expected in ((fast.vocabulary.phrases, slow.vocabulary.phrases),
                            (fast.roles.phrases, slow.roles.phrases)):
        assert len(built) == len(expected) > 0
        assert _patterns(built) == _patterns(expected)
    text = "Police officers and school nurses share information with children's social care at the front door."
    [a], [b] = fast.analyse([text], [None]), slow.analyse([text], [None])
    def seen(analysis):
        return [(m.key, m.start, m.end, m.role) for m in analysis.mentions]

    assert seen(a) == seen(b)
    assert a.mentions


def test_a_spacy_whose_phrase_matcher_refuses_pattern_hashes_is_given_pattern_docs(monkeypatch):
    import spacy.matcher

    from jtai_extract import tagging

    nlp = tagging.Tagger.load().nlp
    assert tagging._keys_accepted(nlp)
    real = spacy.matcher.PhraseMatcher

    class DocsOnly(real):  # type: ignore[misc, valid-type]
        def add(self, key, docs, *args, **kwargs):
            if any(isinstance(d, tuple) for d in docs):
                raise TypeError("a pattern must be a Doc")
            return super().add(key, docs, *args, **kwargs)

    monkeypatch.setattr(spacy.matcher, "PhraseMatcher", DocsOnly)
    assert not tagging._keys_accepted(nlp)
    matcher = DocsOnly(nlp.vocab, attr="NORM")
    tagging._phrase_adder(nlp)(matcher, "1", [tuple(nlp.vocab.strings.add(w) for w in ("school", "nurse"))])
    doc = tagging.Tagger.load()._docs(["Two school nurses visit."])[0]
    assert [(a, b) for _, a, b in matcher(doc)] == [(1, 3)]


@pytest.mark.parametrize(("args", "engine"), [
    (["letter.pdf", "--json"], "pdfium"),
    (["letters/", "--engine", "pdfplumber", "--jsonl"], "pdfplumber"),
    (["--engine=pdfplumber", "letter.pdf"], "pdfplumber"),
    (["letter.pdf", "--version"], None),
    (["--help"], None),
    (["--schema"], None),
    (["letter.pdf", "--engine", "poppler"], None),  # refused by the options parser: no run
    (["letter.pdf", "--engine"], None),
    (["--", "--help"], "pdfium"),  # a file named --help
])
def test_the_worker_server_is_started_early_only_for_a_run_that_reads_letters(args, engine):
    from jtai_extract.worker_server import early_engine

    assert early_engine(args) == engine


def test_a_worker_server_started_early_and_not_used_is_stopped_at_the_end_of_the_run(tmp_path):
    # the command starts the server before it parses its options; a run of missing files needs no
    # worker: the server (maybe still importing spaCy) must not outlive the run
    code = ("import os, sys\nfrom multiprocessing import forkserver\nfrom jtai_extract import launch, worker_server\n"
            f"sys.argv = ['jtai-extract', {str(tmp_path / 'gone.pdf')!r}]\n"
            "try:\n    launch.main()\nexcept SystemExit as exc:\n    status = exc.code\n"
            "print(status, worker_server._state['early'], forkserver._forkserver._forkserver_pid)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "1 True None", done.stderr
    assert "not_found" in done.stderr


@pytest.mark.parametrize(("used", "expected"), [(False, "gone"), (True, "alive")])
def test_stopping_an_unused_worker_server_ends_its_process_and_leaves_one_in_use(used, expected):
    code = ("import os\nfrom multiprocessing import forkserver\nfrom jtai_extract import worker_server\n"
            "assert worker_server.start_early(['letter.pdf'])\n"
            f"if {used}:\n    worker_server.ensure_running()  # as a pool does before its first worker\n"
            "pid = forkserver._forkserver._forkserver_pid\nworker_server.stop_if_unused()\n"
            "try:\n    os.kill(pid, 0)\nexcept ProcessLookupError:\n    print('gone')\nelse:\n    print('alive')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == expected, done.stderr


def test_the_worker_server_imports_the_entry_point_not_the_command_line():
    # a worker imports the installed command's script again as its main: that imports only
    # launch.py, so the server need not import the options parser (typer) before it can fork
    from jtai_extract.worker_server import PRELOAD

    assert "jtai_extract.launch" in PRELOAD and "jtai_extract.cli" not in PRELOAD
    code = ("import sys; import jtai_extract.launch; "
            "print(sorted(m for m in ('typer', 'jtai_extract.cli') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_preloaded_worker_freezes_its_heap_and_still_tags():
    # the garbage collector's full collections no longer walk spaCy's and the lexicons' objects
    # once a worker is set up (batch.settle_heap); the collector, off while it was set up, is on
    # again; tagging in that process is unchanged
    code = ("import gc\n"
            "from jtai_extract.batch import init_worker, _tagger\n"
            "init_worker(None, None, preload=True)\n"
            "assert gc.get_freeze_count() > 10000, gc.get_freeze_count()\n"
            "assert gc.isenabled()\n"
            "[(agencies, themes, _)] = _tagger().tag_texts(['The police share information with schools.'], [None])\n"
            "print(agencies)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "police" in done.stdout


def test_a_worker_whose_set_up_fails_still_collects_garbage(monkeypatch):
    # the collector is off while a worker is set up: a set-up that raises (a broken taxonomy)
    # must not leave it off for the worker's life
    import gc

    from jtai_extract import batch
    from jtai_extract.tag_lexicon import TaxonomyError

    def broken(_taxonomy=None):
        raise TaxonomyError("broken")

    monkeypatch.setattr("jtai_extract.tagging.Tagger.load", broken)
    monkeypatch.setitem(batch._WORKER, "tagger", None)
    assert gc.isenabled()
    with pytest.raises(TaxonomyError):
        batch.init_worker(None, "broken.tsv", preload=True)
    assert gc.isenabled()


# the command ends without Python's module teardown (launch._exit_now), after its exit handlers
COMMAND_SCRIPT = ("import atexit, os\n"
                  "atexit.register(lambda: open(os.environ['MARKER'], 'w').write('ran'))\n"
                  "from jtai_extract.launch import main\n"
                  "main()\n")


@pytest.mark.parametrize(("args", "status"), [(["--version"], 0), (["--no-such-option"], 2), (["gone.pdf"], 1)])
def test_the_command_ends_with_its_status_after_its_exit_handlers(tmp_path, args, status):
    script = tmp_path / "jtai-extract"
    script.write_text(COMMAND_SCRIPT, encoding="utf-8")
    marker = tmp_path / "handler-ran"
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "MARKER": str(marker)})
    assert done.returncode == status, done.stderr
    assert marker.read_text(encoding="utf-8") == "ran"
    if status == 0:
        assert done.stdout.strip()
    else:
        assert done.stderr.strip()


def test_the_command_ends_only_after_every_record_reached_a_pipe(tmp_path):
    # the letters as JSON lines through a pipe, against the library's own: nothing lost at the end
    from jtai_extract.output import to_json

    pdfs = sorted(SAMPLES.glob("*.pdf"))
    done = subprocess.run([sys.executable, "-m", "jtai_extract", *map(str, pdfs), "--jsonl"], capture_output=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(pdfs)
    assert lines[-1] == to_json(extract(pdfs[-1]).model_dump(mode="json"), indent=None)


def test_the_entry_point_called_by_a_program_raises_system_exit_and_leaves_the_process_alone(monkeypatch):
    from jtai_extract import launch

    monkeypatch.setattr(sys, "argv", ["jtai-extract", "--version"])
    with pytest.raises(SystemExit) as exc:
        launch.main()
    assert exc.value.code in (0, None)
    assert not launch._started_as_the_command()
