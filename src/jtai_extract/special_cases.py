"""The tokenizer of ``spacy.blank("en")``, its special cases added as the texts it is given need them.

spaCy's English tokenizer has 1,347 special cases ("don't", "a.m.", ":)"); building it adds every
one, ~90 ms, a tenth of a one-letter run, for the few dozen a letter contains. A special case can
change how a text is split only if its string occurs in that text once the text's single spaces are
taken out: the tokenizer looks a case up for a piece of text between spaces, or applies it to
consecutive tokens (between which there is at most one space). So adding, before a text is split, the
cases whose strings occur in it (found in one pass by an Aho-Corasick automaton, pyahocorasick)
splits every text as the tokenizer with all its cases does. ``LazyTokenizer`` is spaCy's
``Tokenizer`` with the same settings, and a test checks it against ``spacy.blank("en")``'s own on
texts full of special cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from .spacy_import import import_spacy

spacy = import_spacy()
from spacy import util  # noqa: E402 - (spaCy imported without its command line first)
from spacy.tokenizer import Tokenizer  # noqa: E402


class LazyTokenizer(Tokenizer):
    """spaCy's ``Tokenizer``, given its special cases (``rules``) to add when a text needs them."""

    def __init__(self, vocab: Any, rules: dict[str, list[dict[Any, str]]] | None = None, **settings: Any) -> None:
        super().__init__(vocab, rules=None, **settings)
        self.settings = settings
        self.pending: dict[str, list[dict[Any, str]]] = {}
        self.automaton: Any = None
        for string, pieces in (rules or {}).items():
            if any(c.isspace() for c in string):  # (a case of white space: not looked for, added now)
                super().add_special_case(string, pieces)
            else:
                self.pending[string] = pieces
        if self.pending:
            self.automaton = ahocorasick.Automaton()
            for string in self.pending:
                self.automaton.add_word(string, string)
            self.automaton.make_automaton()

    def cover(self, texts: Iterable[str]) -> None:
        """Add the special cases whose strings occur in any of ``texts`` (their single spaces out),
        all before any text is split: each case added empties the tokenizer's cache."""
        pending = self.pending
        if not pending:
            return
        found = {string for text in texts for _, string in self.automaton.iter(text.replace(" ", ""))
                 if string in pending}
        for string in sorted(found):
            super().add_special_case(string, pending.pop(string))

    def complete(self) -> None:
        """Add every pending case now. Adding a case empties the tokenizer's cache of how each
        piece of text splits (~16 ms a letter to fill again), so a tokenizer that will split many
        texts is better completed once than flushed by every letter with a new case."""
        pending, self.pending = self.pending, {}
        for string, pieces in pending.items():
            super().add_special_case(string, pieces)

    def add_special_case(self, string: str, substrings: Any) -> None:
        """A case added by hand replaces a pending one of the same string, as it would replace it
        in a tokenizer that had them all."""
        self.pending.pop(string, None)
        super().add_special_case(string, substrings)

    def __call__(self, text: str) -> Any:
        self.cover((text,))
        return super().__call__(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Any]:
        """Like spaCy's: the texts' cases are added first, all at once."""
        texts = list(texts)
        self.cover(texts)
        split = super().__call__
        for text in texts:
            yield split(text)

    def __reduce__(self) -> tuple[Any, ...]:  # the cases still pending travel with it
        return (_rebuild, (self.vocab, {**self.pending, **self.rules}, self.settings))


def _rebuild(vocab: Any, rules: dict[str, Any], settings: dict[str, Any]) -> LazyTokenizer:
    return LazyTokenizer(vocab, rules, **settings)


@dataclass
class BlankEnglish:
    """What the tagger uses of ``spacy.blank("en")``: its vocabulary and its tokenizer (here a
    ``LazyTokenizer`` with the same settings), built without the pipeline object around them,
    whose configuration would import every language's tokenizer and every pipeline component."""

    vocab: Any
    tokenizer: LazyTokenizer


def blank_english() -> BlankEnglish:
    """The vocabulary and tokenizer ``spacy.blank("en")`` makes, as spaCy's ``Language`` and its
    tokenizer factory (``spacy.Tokenizer.v1``) make them, the special cases pending."""
    from spacy.lang.en import English
    from spacy.vocab import create_vocab

    defaults = English.Defaults
    vocab = create_vocab(English.lang, defaults)
    tokenizer = LazyTokenizer(
        vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=util.compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None,
        suffix_search=util.compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None,
        infix_finditer=util.compile_infix_regex(defaults.infixes).finditer if defaults.infixes else None,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )
    return BlankEnglish(vocab, tokenizer)
