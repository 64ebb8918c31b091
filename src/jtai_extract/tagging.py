"""Stage 5: tag findings with the agencies and themes they are about (TAXONOMY.md).

A spaCy pipeline on ``spacy.blank("en")`` - no statistical model - with a sentencizer, then a
rule component of two PhraseMatchers built from the lexicons in ``models/lexicons/`` (one TSV
file per label). Lower-case phrases match case-insensitively, with plural forms added;
phrases written in capitals (MASH, CAMHS, A&E) match case-sensitively.

A match is evidence, not yet a tag. A phrase of weight 0 blocks its label inside it: "mental
health" is listed with weight 0 for the health agency, so a passing "mental health" is not about
the NHS. A finding is tagged with a label when its evidence scores at
least ``THRESHOLD``: each match counts its lexicon weight, doubled when it stands at the start of
a sentence (the sentence's subject: what the finding is about, not a passing mention); the
finding's sub-heading counts as strong evidence for what it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from .resources import data_files, model_rows

if TYPE_CHECKING:
    from .schema import Letter

KINDS = ("agency", "theme")
THRESHOLD = 3.0  # agencies
THEME_THRESHOLD = 3.0
OTHER_AGENCY_FACTOR = 1.25  # threshold factor for agencies other than the first sentence's subject
FIRST_SENTENCE_FACTOR = 1.5  # the finding's first sentence states it: its matches count more ...
THEME_FIRST_SENTENCE_FACTOR = 2.0  # ... for its themes even more (later sentences give examples)
SUBJECT_TOKENS = 8  # a match starting within the first tokens of a sentence is its subject
SUBJECT_FACTOR = 1.5  # ... and counts this many times
PARTNERSHIP = "agency:safeguarding_partnership"
MANY_AGENCIES = 4  # the partnership and this many of its members named: about the partnership
SUBHEADING_WEIGHT = 4.0  # a sub-heading alone reaches the threshold


CONTEXT_BONUS = 1.0  # a theme of the letter's deep dive, mentioned at all


@cache
def _context_labels() -> dict[str, tuple[str, ...]]:
    return {theme: tuple(labels.split(",")) for theme, labels in model_rows("letter_theme_labels.tsv", 2)}


class TaxonomyError(ValueError):
    """A lexicon file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    label: str
    pattern: str
    weight: float


def read_lexicon(path: Path | Traversable) -> list[Entry]:
    """Rows ``kind<TAB>label<TAB>pattern<TAB>weight``; '#' comments and blank lines skipped."""
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
        if len(fields) != 4:
            raise TaxonomyError(f"{where}: expected 4 tab-separated fields (kind, label, pattern, weight), "
                                f"got {len(fields)}")
        kind, label, pattern, weight = (f.strip() for f in fields)
        if kind not in KINDS:
            raise TaxonomyError(f"{where}: kind must be 'agency' or 'theme', not {kind!r}")
        if not label or not label.replace("_", "").isalnum() or label != label.lower():
            raise TaxonomyError(f"{where}: label must be a lower-case slug, not {label!r}")
        if not pattern:
            raise TaxonomyError(f"{where}: empty pattern")
        try:
            w = float(weight)
        except ValueError:
            raise TaxonomyError(f"{where}: weight must be a number, not {weight!r}") from None
        entries.append(Entry(kind, label, pattern, w))
    if not entries:
        raise TaxonomyError(f"{path}: no lexicon entries")
    return entries


def default_lexicon() -> list[Entry]:
    entries: list[Entry] = []
    for path in data_files("lexicons"):
        entries.extend(read_lexicon(path))
    return entries


def _plural_forms(word: str) -> list[str]:
    if word.endswith(("s", "x")) or not word.isalpha():
        return [word]
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return [word, word[:-1] + "ies"]
    return [word, word + "s"]


class LexiconMatcher:
    """The rule component: two PhraseMatchers over the lexicons - on LOWER for lower-case phrases
    (plural forms added), on ORTH for phrases with capitals (MASH, CAMHS, A&E) - writing the
    matches to ``doc.spans["tags"]`` with label "kind:label" and the weight as the span id."""

    def __init__(self, nlp, entries: list[Entry]) -> None:
        from spacy.matcher import PhraseMatcher

        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        groups: dict[tuple[bool, str], list[str]] = {}
        for e in entries:
            key = f"{e.kind}:{e.label}|{e.weight:g}"
            if any(ch.isupper() for ch in e.pattern):
                groups.setdefault((True, key), []).append(e.pattern)
            else:
                words = e.pattern.split(" ")
                groups.setdefault((False, key), []).extend(
                    " ".join([*words[:-1], last]) for last in _plural_forms(words[-1]))
        for (exact, key), phrases in groups.items():
            (self.exact if exact else self.lower).add(key, list(nlp.tokenizer.pipe(phrases)))
        self.strings = nlp.vocab.strings

    def __call__(self, doc):
        from spacy.tokens import Span

        spans = []
        for match_id, start, end in [*self.lower(doc), *self.exact(doc)]:
            label, weight = self.strings[match_id].rsplit("|", 1)
            spans.append(Span(doc, start, end, label=label, span_id=weight))
        doc.spans["tags"] = sorted(spans, key=lambda sp: (sp.start, sp.end, sp.label_))
        return doc


class Tagger:
    """Built once per process; ``tag_letter`` runs ``nlp.pipe`` over all of a letter's texts."""

    _cache: dict[str | None, Tagger] = {}

    def __init__(self, entries: list[Entry]) -> None:
        import spacy

        self.entries = entries
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.matcher = LexiconMatcher(self.nlp, entries)

    @classmethod
    def load(cls, taxonomy: str | None = None) -> Tagger:
        """The default lexicons of models/, or a user's lexicon file; cached per process."""
        if taxonomy not in cls._cache:
            entries = read_lexicon(Path(taxonomy)) if taxonomy else default_lexicon()
            cls._cache[taxonomy] = cls(entries)
        return cls._cache[taxonomy]

    def labels(self) -> list[tuple[str, str]]:
        """(kind, label) of every label the lexicons define, agencies first, in file order."""
        seen = dict.fromkeys((e.kind, e.label) for e in self.entries if e.weight > 0)
        return sorted(seen, key=lambda kl: KINDS.index(kl[0]))

    def tag_texts(self, texts: list[str], subheadings: list[str | None],
                  letter_theme: str | None = None) -> list[tuple[list, list, list]]:
        """For each text: (agencies, themes, evidence) where evidence is (label, text, start, end).
        ``letter_theme`` (the deep dive) lowers the evidence needed for the themes it is about."""
        context = {f"theme:{label}" for label in _context_labels().get(letter_theme or "", ())}
        heads = {h for h in subheadings if h}
        head_labels = {h: self._labels_in(self.matcher(self.nlp(h))) for h in heads}
        results = []
        for doc, sub in zip(self.nlp.pipe(texts, batch_size=64), subheadings, strict=True):
            doc = self.matcher(doc)
            scores: dict[str, float] = {}
            evidence: dict[str, list] = {}
            spans = list(doc.spans["tags"])
            subject_agencies: set[str] = set()  # agencies named as the first sentence's subject
            # weight-0 phrases block the label inside them ("mental health" is not the health agency)
            blocks = [(sp.label_, sp.start, sp.end) for sp in spans if sp.id_ == "0"]
            # nested phrases of one label add up on purpose ("local safeguarding children board"
            # also matches "safeguarding children board"): the more specific, the stronger
            for span in spans:
                if span.id_ == "0" or any(lab == span.label_ and s <= span.start and span.end <= e
                                          for lab, s, e in blocks):
                    continue
                sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
                weight = float(span.id_ or 1) * (SUBJECT_FACTOR if span.start - sent_start < SUBJECT_TOKENS else 1.0)
                if sent_start == 0:
                    is_agency = span.label_.startswith("agency:")
                    weight *= FIRST_SENTENCE_FACTOR if is_agency else THEME_FIRST_SENTENCE_FACTOR
                if sent_start == 0 and span.start < SUBJECT_TOKENS and span.label_.startswith("agency:"):
                    subject_agencies.add(span.label_)
                scores[span.label_] = scores.get(span.label_, 0.0) + weight
                evidence.setdefault(span.label_, []).append((span.label_.split(":", 1)[1], span.text,
                                                             span.start_char, span.end_char))
            for key in context & scores.keys():
                scores[key] += CONTEXT_BONUS
            for key in head_labels.get(sub, ()):
                # "Health" over a list names whose work it is; a theme in a sub-heading is weaker
                weight = SUBHEADING_WEIGHT if key.startswith("agency:") else SUBHEADING_WEIGHT / 2
                scores[key] = scores.get(key, 0.0) + weight
            tagged = sorted(k for k, v in scores.items() if v >= self._threshold(k, subject_agencies))
            members = [k for k in tagged if k.startswith("agency:") and k != PARTNERSHIP]
            if PARTNERSHIP in tagged and len(members) >= MANY_AGENCIES:
                # "the partnership, including the police, health, ..." lists the partnership's members:
                # the finding is about the partnership as a whole
                tagged = [k for k in tagged if k not in members]
            agencies = [k.split(":", 1)[1] for k in tagged if k.startswith("agency:")]
            themes = [k.split(":", 1)[1] for k in tagged if k.startswith("theme:")]
            ev = sorted((e for k in tagged for e in evidence.get(k, [])), key=lambda e: (e[2], e[0]))
            results.append((agencies, themes, ev))
        return results

    @staticmethod
    def _threshold(key: str, subject_agencies: set[str]) -> float:
        if not key.startswith("agency:"):
            return THEME_THRESHOLD
        # when the first sentence names whose work it is, other agencies need more evidence
        if subject_agencies and key not in subject_agencies:
            return THRESHOLD * OTHER_AGENCY_FACTOR
        return THRESHOLD

    @staticmethod
    def _labels_in(doc) -> set[str]:
        return {span.label_ for span in doc.spans["tags"]}

    def tag_letter(self, letter: Letter) -> None:
        from .schema import Evidence

        items = [*letter.strengths, *letter.areas_for_improvement, *letter.priority_actions,
                 *letter.case_studies, *letter.narrative]
        subs = [getattr(item, "subheading", None) for item in items]
        tagged = self.tag_texts([i.text for i in items], subs, letter.theme.label)
        for item, (agencies, themes, ev) in zip(items, tagged, strict=True):
            item.agencies = agencies
            item.themes = themes
            item.evidence = [Evidence(label=label, text=text, start=start, end=end)
                             for label, text, start, end in ev]
