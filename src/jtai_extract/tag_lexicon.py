"""The tag lexicons: their rows, the normalised form words are matched on, and the pattern language.

A lexicon row is ``kind<TAB>label<TAB>pattern<TAB>weight<TAB>example`` (the example is a sentence
the row must match; the shipped rows all have one, a user's rows may leave it out). Weight 0 makes
the row a *block*: the label is not given for words inside its match ("mental health" is not the
health agency). In a user's file (``--taxonomy``) a row whose kind, label and pattern equal a
shipped row's replaces it, and the weight ``remove`` deletes it.

Patterns are matched on a normalised form of the text, so a row need not list variants:

- case: lower-case words match any case; a word with two or more capitals (``MASH``, ``GPs``) is
  an acronym and matches that case only;
- plurals and possessives: words are reduced to a singular lemma (``models/tagging/lemmas.tsv``:
  irregular plurals, British spellings, then suffix rules), and "'s" / "s'" are dropped, so
  "social worker" matches "social workers" and "the social worker's";
- hyphens: "out-of-court" and "out of court" are the same words;
- ``a|b`` one word of several; ``word?`` an optional word; ``_`` any one word (``_?`` optional);
  ``refer~`` the verb's forms (refer, refers, referred, referring); ``re:REGEX`` a word whose
  exact text matches the regular expression (an acronym's shape: ``re:^[A-Z]{1,4}SC[BP]$``);
  ``phrase / phrase`` whole phrases as alternatives ("wait~ too long / waiting list").

The same-length text normalisation keeps every character offset, so evidence offsets index the
finding's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from .resources import data_files, models_dir, read_tsv

KINDS = ("agency", "theme")
REMOVE = "remove"  # the weight of a user's row that deletes the shipped row with its pattern


class TaxonomyError(ValueError):
    """A lexicon file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row. ``where`` is ``file:line`` (for errors and ``--explain``)."""

    kind: str
    label: str
    pattern: str
    weight: float
    example: str = ""
    where: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.label}"

    @property
    def blocks(self) -> bool:
        return self.weight == 0


# --- text normalisation (same length, so offsets are kept) -------------------------------------

_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("`", "'"), ("\u201c", '"'), ("\u201d", '"'),
           ("\u00a0", " "), ("\n", " "), ("\t", " "), ("\r", " "))
# (each pattern starts with the character it replaces, so the regex engine scans for that
# character instead of trying a look-behind at every position)
_HYPHEN = re.compile(r"[-\u2010\u2011\u2013\u2014](?<=\w.)(?=\w)")
_POSSESSIVE = re.compile(r"'(?<=\w')(?=s\b)")
_PLURAL_POSSESSIVE = re.compile(r"'(?<=s')(?=\s)")
_EXTRA_SPACE = re.compile(r" (?<=  )")
MARK = "\u2060"  # stands in for a possessive apostrophe: the tokenizer keeps "Children\u2060s" one word
FILL = "\u200b"  # stands in for a second space: no empty token between words


def normalise_text(text: str) -> str:
    """The text words are matched in: straight quotes, hyphens between words as spaces, the
    apostrophe of a possessive ("children's", "parents'") marked so the possessive stays part of
    its word, runs of spaces as one. Every replacement keeps the length, so offsets carry over."""
    for old, new in _QUOTES:
        if old in text:  # (str.replace per character: str.translate looks every character up)
            text = text.replace(old, new)
    text = _HYPHEN.sub(" ", text)
    if "'" in text:
        text = _PLURAL_POSSESSIVE.sub(MARK, _POSSESSIVE.sub(MARK, text))
    return _EXTRA_SPACE.sub(FILL, text) if "  " in text else text


def base_word(token_text: str) -> str:
    """A token's word without the possessive and the space stand-ins ("Children\u2060s" -> "Children")."""
    word = token_text.replace(FILL, "")
    return word.split(MARK, 1)[0] if MARK in word else word


# --- the lemma table -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Lemmas:
    """``models/tagging/lemmas.tsv``: word forms (irregular plurals, spellings) and suffix rules."""

    forms: dict[str, str]
    suffixes: tuple[tuple[str, str, int], ...]  # (suffix, replacement, shortest word it applies to)
    keep: frozenset[str]  # words ending in s that are not plurals
    verbs: dict[str, tuple[str, ...]]  # irregular verb forms
    # each word's form, worked out once: the lexicon's ~2,400 pattern words repeat a few hundred
    # words (a third of the tagger's build went on working them out again)
    known_forms: dict[str, tuple[str, bool]] = field(default_factory=dict, compare=False, repr=False)

    def lower(self, word: str) -> str:
        """The lower-case lemma of one token."""
        w = base_word(word).lower()
        found = self.forms.get(w)
        if found is not None:
            return found
        if w in self.keep or not w.isalpha():
            return w
        for suffix, repl, shortest in self.suffixes:
            if w.endswith(suffix) and len(w) >= shortest:
                return w[: len(w) - len(suffix)] + repl
        return w

    def cased(self, word: str) -> str | None:
        """An acronym's case-sensitive lemma ("GPs" -> "GP"), or None for an ordinary word."""
        word = base_word(word)
        if sum(map(str.isupper, word)) < 2:
            return None
        if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
            return word[:-1]
        return word

    def form(self, word: str) -> str:
        """What a word is matched as: an acronym's cased lemma ("GP"), else its lower-case lemma."""
        return self.form_of(word)[0]

    def form_of(self, word: str) -> tuple[str, bool]:
        """A word's form (``form``) and whether it is an acronym's, each worked out once."""
        got = self.known_forms.get(word)
        if got is None:
            cased = self.cased(word)
            got = self.known_forms[word] = (cased, True) if cased else (self.lower(word), False)
        return got

    def verb_forms(self, base: str) -> list[str]:
        """The forms of a verb: refer -> refers, referred, referring; share -> shared, sharing."""
        b = base.lower()
        forms = {b, b + "s", b + "es", b + "ed", b + "d", b + "ing", b + b[-1] + "ed", b + b[-1] + "ing"}
        if b.endswith("e"):
            forms |= {b[:-1] + "ing", b[:-1] + "ed"}
        if b.endswith("y"):
            forms |= {b[:-1] + "ied", b[:-1] + "ies"}
        forms |= set(self.verbs.get(b, ()))
        return sorted(forms)


@cache
def lemmas() -> Lemmas:
    """The shipped lemma table. Rows: ``form<TAB>word<TAB>lemma<TAB>example``, ``suffix<TAB>ending
    <TAB>replacement<TAB>example`` (with ``|N``: only words of N letters or more), ``keep<TAB>word
    <TAB>-<TAB>example`` (an -s word that is not a plural), ``verb<TAB>base<TAB>form,form<TAB>example``."""
    forms: dict[str, str] = {}
    suffixes: list[tuple[str, str, int]] = []
    keep: set[str] = set()
    verbs: dict[str, tuple[str, ...]] = {}
    for _, row in read_tsv(models_dir() / "tagging" / "lemmas.tsv", 3):
        kind, word, value = row[0], row[1], row[2]
        if kind == "form":
            forms[word] = value
        elif kind == "suffix":
            ending, _, shortest = word.partition("|")
            suffixes.append((ending, "" if value == "-" else value, int(shortest or 0)))
        elif kind == "keep":
            keep.add(word)
        elif kind == "verb":
            verbs[word] = tuple(v.strip() for v in value.split(","))
    return Lemmas(forms, tuple(suffixes), frozenset(keep), verbs)


# --- reading lexicon files -------------------------------------------------------------------

def read_lexicon(path: Path | Traversable, *, user: bool = False) -> list[Entry]:
    """Rows ``kind<TAB>label<TAB>pattern<TAB>weight[<TAB>example]``; '#' comments and blank lines
    skipped. ``user`` allows the weight ``remove``."""
    entries = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read the lexicon ({exc})") from None
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        where = f"{path}:{number}"
        if len(fields) not in (4, 5):
            raise TaxonomyError(f"{where}: expected 4 or 5 tab-separated fields (kind, label, pattern, weight, "
                                f"example), got {len(fields)}")
        kind, label, pattern, weight = (f.strip() for f in fields[:4])
        example = fields[4].strip() if len(fields) == 5 else ""
        if kind not in KINDS:
            raise TaxonomyError(f"{where}: kind must be 'agency' or 'theme', not {kind!r}")
        if not label or not label.replace("_", "").isalnum() or label != label.lower():
            raise TaxonomyError(f"{where}: label must be a lower-case slug, not {label!r}")
        if not pattern:
            raise TaxonomyError(f"{where}: empty pattern")
        problem = pattern_problem(pattern)
        if problem:
            raise TaxonomyError(f"{where}: pattern {pattern!r}: {problem}")
        if user and weight == REMOVE:
            w = float("nan")
        else:
            try:
                w = float(weight)
            except ValueError:
                allowed = " or 'remove'" if user else ""
                raise TaxonomyError(f"{where}: weight must be a number{allowed}, not {weight!r}") from None
            if w < 0:
                raise TaxonomyError(f"{where}: weight must not be negative, not {weight!r}")
        entries.append(Entry(kind, label, pattern, w, example, where))
    if not entries:
        raise TaxonomyError(f"{path}: no lexicon entries")
    return entries


def default_lexicon() -> list[Entry]:
    entries: list[Entry] = []
    for path in data_files("lexicons"):
        entries.extend(read_lexicon(path))
    return entries


def read_taxonomy(path: str | Path) -> list[Entry]:
    """A user's lexicon: one file, or a folder of ``*.tsv`` files (read in name order)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix == ".tsv" and f.is_file())
        if not files:
            raise TaxonomyError(f"{p}: no .tsv lexicon files in the folder")
        return [e for f in files for e in read_lexicon(f, user=True)]
    if not p.exists():
        raise TaxonomyError(f"{p}: no such file or folder")
    return read_lexicon(p, user=True)


def pattern_words(pattern: str) -> list[str]:
    """A pattern's words, normalised as text is (a ``re:`` word is left as written)."""
    out: list[str] = []
    for raw in pattern.split():
        out.extend([raw] if raw.startswith("re:") else normalise_text(raw).split())
    return out


def pattern_key(pattern: str) -> str:
    return " / ".join(" ".join(w if w.startswith("re:") else w.lower() for w in pattern_words(alt))
                      for alt in alternatives(pattern))


def merge(base: list[Entry], overrides: list[Entry]) -> list[Entry]:
    """The shipped rows with a user's rows applied: a row with the same kind, label and pattern
    replaces the shipped one (``remove`` deletes it); other rows are added."""
    merged: dict[tuple[str, str], Entry] = {(e.key, pattern_key(e.pattern)): e for e in base}
    for e in overrides:
        k = (e.key, pattern_key(e.pattern))
        if e.weight != e.weight:  # nan: remove
            if k not in merged:
                raise TaxonomyError(f"{e.where}: nothing to remove: no {e.kind} row for {e.label!r} with the "
                                    f"pattern {e.pattern!r}")
            del merged[k]
        else:
            merged[k] = e if e.example or k not in merged else replace(e, example=merged[k].example)
    return list(merged.values())


# --- the pattern language --------------------------------------------------------------------

_WORD = re.compile(r"^(?:_|re:\S+|[^\s|?~_][^\s|?~]*~?(?:\|[^\s|?~]+~?)*)\??$")


def alternatives(pattern: str) -> list[str]:
    """The whole-phrase alternatives of a pattern ("a b / c d")."""
    return [alt.strip() for alt in pattern.split(" / ")]


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern cannot be compiled, or None."""
    for alt in alternatives(pattern):
        problem = _phrase_problem(alt)
        if problem:
            return problem
    return None


def _phrase_problem(pattern: str) -> str | None:
    words = pattern_words(pattern)
    if not words:
        return "no words"
    for w in words:
        if not _WORD.match(w):
            return f"cannot read {w!r} (words, a|b, word?, _, verb~, re:REGEX)"
        if w.startswith("re:"):
            try:
                re.compile(w[3:])
            except re.error as exc:
                return f"bad regular expression {w[3:]!r} ({exc})"
    if all(w.endswith("?") or w.startswith("_") for w in words):
        return "every word is optional"
    return None


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """One pattern position: the word forms it accepts (``Lemmas.form``; None: any word), whether
    it names an acronym, whether it is optional, and a regular expression for the word's text."""

    values: tuple[str, ...] | None
    cased: bool
    optional: bool
    regex: str | None = None


def compile_pattern(pattern: str, tokenize) -> list[list[TokenSpec]]:
    """A pattern's alternatives, each as token positions. ``tokenize(text) -> list[str]`` splits a
    word the way the matcher's tokenizer does ("e.g." and "A&E" stay as they are)."""
    return [_compile_phrase(alt, tokenize) for alt in alternatives(pattern)]


def _compile_phrase(pattern: str, tokenize) -> list[TokenSpec]:
    table = lemmas()
    specs: list[TokenSpec] = []
    for word in pattern_words(pattern):
        optional = word.endswith("?") and not word.startswith("re:")
        word = word if word.startswith("re:") else word.rstrip("?")
        if word == "_":
            specs.append(TokenSpec(None, False, optional))
            continue
        if word.startswith("re:"):
            specs.append(TokenSpec(None, True, False, word[3:]))
            continue
        alternatives: list[str] = []
        for alt in word.split("|"):
            alternatives.extend(table.verb_forms(alt[:-1]) if alt.endswith("~") else [alt])
        pieces = [[a] if a.isalnum() else tokenize(a) for a in alternatives]  # a plain word is one token
        if len(pieces) == 1 and len(pieces[0]) > 1:  # a word the tokenizer splits ("e.g.," "A&E.")
            for piece in pieces[0]:
                specs.append(_spec([piece], table, optional))
            continue
        if any(len(p) != 1 for p in pieces):
            raise TaxonomyError(f"pattern {pattern!r}: each alternative of {word!r} must be one word")
        specs.append(_spec([p[0] for p in pieces], table, optional))
    return specs


def _spec(words: list[str], table: Lemmas, optional: bool) -> TokenSpec:
    found = [table.form_of(w) for w in words]
    return TokenSpec(tuple(sorted({form for form, _ in found})), any(acronym for _, acronym in found), optional)
