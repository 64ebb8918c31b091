"""Import spaCy without its command line.

``import spacy`` runs ``from .cli.info import info``, and ``spacy.cli`` imports every spaCy
command with weasel, requests and httpx: about a fifth of a second of a one-letter run, for a
function a blank rule-based pipeline never calls. While spaCy's ``__init__`` runs, a stand-in
``spacy.cli`` package (the real folder as its path, so a submodule spaCy needs still loads) and a
stand-in ``spacy.cli.info`` sit in ``sys.modules``; they are taken out afterwards, so a later
``import spacy.cli`` is the real one, and ``spacy.info`` imports the real function when called.
If anything goes wrong with the stand-ins, spaCy is imported the ordinary way.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

CLI_MODULES = ("spacy.cli", "spacy.cli.info")


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, imported on first call."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported (once) without ``spacy.cli``."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None or any(name in sys.modules for name in CLI_MODULES):
        import spacy

        return spacy
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = [str(Path(spec.origin).parent / "cli")]
    info = types.ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": cli, "spacy.cli.info": info})
    try:
        import spacy
    except Exception:  # a spaCy whose start-up needs its command line after all
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        _drop_stand_ins(cli, info)
        import spacy
    else:
        _drop_stand_ins(cli, info)
    return spacy


def _drop_stand_ins(*stand_ins: types.ModuleType) -> None:
    for module in stand_ins:
        if sys.modules.get(module.__name__) is module:
            del sys.modules[module.__name__]
    spacy = sys.modules.get("spacy")
    if spacy is not None and getattr(spacy, "cli", None) in stand_ins:
        delattr(spacy, "cli")  # ``spacy.cli`` then resolves through a real import
