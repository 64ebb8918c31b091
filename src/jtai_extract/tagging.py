"""Stage 5: tag findings with the agencies and themes they are about (TAXONOMY.md).

spaCy's tokenizer on ``spacy.blank("en")`` (no statistical model) over a normalised copy of the
text (the same length, so offsets hold: straight quotes, hyphens as spaces, a possessive kept in
its word); each word's lemma from ``models/tagging/lemmas.tsv`` (``Normaliser``, which also splits
sentences). Lexicon rows (``models/lexicons/<label>.tsv``, the pattern language of
``tag_lexicon``) are matched by a spaCy PhraseMatcher on the lemmas (a pattern with alternatives
or optional words is expanded into its phrases) and, for the few patterns with wildcards or
regular expressions, by ``GapMatcher``.

A match is a *mention*, not yet a tag. How a finding's mentions become its tags (the named rules
``--explain`` reports):

1. ``block``: a row of weight 0 blocks its label inside its match ("mental health" is not the
   health agency, "voluntary attendance" is not the voluntary sector).
2. ``letter_name``: a letter defines its own names, "Multi-Agency Referral Unit (MARU)"; the
   acronym then stands for what the name is about (an agency's name: for the agency only; a theme
   only if its phrase ends the name, the name's head: "child sexual exploitation (CSE)" is
   exploitation, "risk assessment conference (RAC)" is not assessment). Names defined in the
   addressee block count too.
3. Roles (``models/tagging/roles.tsv``): each mention is the subject (before the sentence's first
   verb), an actor, an agent ("by"), a partner ("with"), a destination ("referrals to"), a
   recipient ("access to", "attend"; but "due to", "changes to" are ``neutral`` cues: no role), a member
   (``member_list``: a list the partnership "includes": its members are no evidence, convention 5), a setting
   ("in", "at"), an example ("such as", in brackets)
   or, for a theme, a frame ("children at risk of exploitation"); ``subject_frame``: a frame whose
   cue stands in its sentence's subject ("The response to children who go missing is weak") is what
   the judgement is about, a role of its own (not background); ``coordination``: mentions joined
   by "and", "or" or a comma share a role, and a mention nested in another label's mention takes its
   role. A mention adds its row's weight x its role's factor x the lead factor in the finding's first
   sentence.
4. ``nested_once``: overlapping mentions of one label count once, at the strongest, and so does a
   defined acronym in brackets right after its name; further mentions count ``repeat_factor``, a
   row already counted ``same_row_factor`` of that.
5. ``subheading``: a label named in the finding's sub-heading adds ``subheading_weight``;
   ``deep_dive``: a theme of the letter's deep dive adds ``deep_dive_bonus`` (0 by default,
   convention 8) and its frames can count more (``deep_dive_lift``).
6. A label is given when its score reaches its kind's threshold, except: ``generic_only`` (all its
   words generic, below ``min_weight``, and one row: a generic word does not tag alone, whatever its
   position); ``background_only`` (an agency only as destination or recipient, convention 2; a theme
   only as a frame or example, convention 7: a subject frame is neither); ``subject_agency`` (when the first sentence's
   subject is an agency, other agencies need ``other_agency_factor`` times the evidence);
   ``minor_label`` (a label whose score is under ``minor_share`` of the strongest tagged label of
   its kind is named in passing, conventions 1 and 7; 0 turns the rule off).
7. Implied agencies (``front_door_is_csc``, ``child_protection_is_csc``, ``early_help_is_csc``,
   ``children_in_care_is_csc``, ``assessment_is_csc``, ``planning_is_csc``: conventions 3 and 4;
   ``governance_is_partnership``: convention 9): with no agency tagged, such a theme adds evidence
   for the agency whose work it is.
8. ``max_themes`` (convention 10): a finding keeps at most ``max_themes`` themes, the strongest
   (score over threshold) first.
9. ``partnership_as_body`` (convention 5): the partnership with many of its members named is
   about the partnership, not each member; ``partnership_is_governance`` (convention 9): the
   partnership as a body adds evidence for leadership and governance.

The numbers are in ``models/tagging/params.json``, fitted by ``scripts/tag_eval.py --fit`` (and
measured by leaving whole letters out, ``--cv``).
"""

from __future__ import annotations

import gc
import json
import re
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from .resources import models_dir, read_tsv
from .tag_lexicon import (
    KINDS,
    Entry,
    TaxonomyError,
    TokenSpec,
    base_word,
    compile_pattern,
    default_lexicon,
    lemmas,
    merge,
    normalise_text,
    pattern_key,
    read_lexicon,
    read_taxonomy,
)

if TYPE_CHECKING:
    from .schema import Letter

__all__ = ["KINDS", "Entry", "Params", "Tagger", "TaxonomyError", "default_lexicon", "read_lexicon"]

ROLES = ("subject", "actor", "agent", "partner", "recipient", "destination", "setting", "example", "frame",
         "subject_frame")
# roles whose factor is fixed by a convention, not fitted: rule member_list (convention 5), a member of the
# partnership named in a list of who it includes is no evidence of that agency's work
FIXED_ROLE_FACTOR = {"member": 0.0}
MEMBER_GAP = 4  # tokens between the partnership and the cue that lists its members ("the partnership, which includes")
# the cue stands right before the mention; when two cues end there, the later one in this list wins
ADJACENT_ROLES = ("agent", "recipient", "setting", "partner", "destination", "frame", "neutral")
NEUTRAL = "neutral"  # a cue ("due to", "changes to") that cancels the "to" ending with it: no role of its own
SUBJECT_REACH = 12  # tokens: a subject starts within this many tokens of its sentence's start
BACKGROUND = {  # rule background_only: roles that alone never give a label (conventions 2, 5 and 7)
    "agency": frozenset({"destination", "recipient", "member"}),
    "theme": frozenset({"frame", "example"}),
}
COORDINATION_GAP = 4  # tokens between two coordinated mentions ("violence and/or criminal and sexual exploitation")
COORDINATORS = frozenset({"and", "or", "and/or", ",", "/", "nor"})
CLAUSE_BREAKS = frozenset({";", ":"})
SENTENCE_OPENERS = frozenset({"in", "at", "for", "when", "while", "whilst", "although", "though", "despite",
                              "as", "following", "during", "since", "because", "if", "where", "within",
                              "through", "from", "after", "before", "once", "with", "across", "over", "of"})
ACRONYM_MAX = 10  # characters of a letter-defined acronym
NAME_MAX = 12  # tokens of the name an acronym stands for
NAME_STOPWORDS = frozenset({"and", "of", "the", "for", "&", "in", "on", "to", "with", "at"})
# letters a tagger splits adding only the tokenizer's special cases they contain (special_cases.py): a
# one-letter run is spared adding them all (~90 ms of its start); from the next letter on, all are in
LAZY_SPECIAL_CASE_LETTERS = 1
NEAR_MISS = 0.5  # --explain lists labels whose score reaches this share of their threshold
CSC = "agency:childrens_social_care"
PARTNERSHIP = "agency:safeguarding_partnership"
GOVERNANCE = "theme:leadership_and_governance"
IMPLIED_BY = {  # rule -> (theme, the agency whose work it is when no other is named)
    # conventions 3 and 4 and TAXONOMY's definition: the work children's social care leads
    "front_door_is_csc": ("theme:front_door", CSC),
    "child_protection_is_csc": ("theme:strategy_and_child_protection", CSC),
    "early_help_is_csc": ("theme:early_help", CSC),
    "children_in_care_is_csc": ("theme:children_in_care", CSC),
    "assessment_is_csc": ("theme:assessment_and_curiosity", CSC),  # social work assessments and plans
    "planning_is_csc": ("theme:planning_and_review", CSC),
    # convention 9: strategic leadership with no agency named is the partnership's
    "governance_is_partnership": ("theme:leadership_and_governance", "agency:safeguarding_partnership"),
}
ALWAYS = "_always"  # params.implied[rule + ALWAYS]: the evidence a rule adds even when other agencies are tagged


# --- fitted settings ----------------------------------------------------------------------------

@dataclass(slots=True)
class Params:
    """The tunable numbers (``models/tagging/params.json``), fitted by leaving whole letters out."""

    threshold: dict[str, float]  # per kind
    label_threshold: dict[str, float]  # per "kind:label", where fitted (none shipped: see tag_eval.py)
    role_factor: dict[str, dict[str, float]]  # kind -> role -> factor
    lead_factor: dict[str, float]  # kind -> factor for the finding's first sentence
    repeat_factor: dict[str, float]  # kind -> factor for a label's second and later mentions
    same_row_factor: float  # ... times this when the mention is of a row already counted
    subheading_weight: dict[str, float]  # kind -> evidence of a label named in the sub-heading
    deep_dive_bonus: float  # a theme of the letter's deep dive, mentioned (convention 8: 0 by default)
    deep_dive_lift: float  # rule deep_dive: how far its frames and examples count as plain mentions
    other_agency_factor: float  # rule subject_agency
    minor_share: dict[str, float]  # rule minor_label: kind -> a label under this share of its kind's strongest score
    implied: dict[str, float]  # the implied-agency rules of IMPLIED_BY (and rule + ALWAYS)
    partnership_members: int  # rule partnership_as_body
    partnership_governance: float  # rule partnership_is_governance
    row_weight: dict[str, float]  # fitted weights of frequent rows ("kind:label|pattern"; off by default)
    min_weight: dict[str, float]  # rule generic_only: kind -> the weight one row needs to give a label alone
    max_themes: int  # rule max_themes (convention 10): the most themes a finding keeps, strongest first

    def threshold_of(self, key: str) -> float:
        return self.label_threshold.get(key, self.threshold[key.split(":", 1)[0]])

    def weight_of(self, m: Mention) -> float:
        """A mention's weight: its row's fitted weight, else the lexicon's."""
        return self.row_weight.get(m.row, m.weight) if m.row else m.weight

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Params:
        return cls(**{name: data[name] for name in cls.__slots__})  # type: ignore[attr-defined]

    def copy(self) -> Params:
        return Params.from_json(json.loads(json.dumps(self.to_json())))


@cache
def shipped_params() -> Params:
    data = json.loads((models_dir() / "tagging" / "params.json").read_text(encoding="utf-8"))
    return Params.from_json(data)


@cache
def _context_labels() -> dict[str, tuple[str, ...]]:
    from .resources import model_rows

    return {theme: tuple(f"theme:{lab}" for lab in labels.split(","))
            for theme, labels in model_rows("letter_theme_labels.tsv", 2)}


# --- what the matcher finds -----------------------------------------------------------------------

@dataclass(slots=True)
class Mention:
    """A lexicon match (or a letter name) in one text, with its role in the sentence."""

    key: str  # "agency:police"
    start: int  # tokens
    end: int
    start_char: int
    end_char: int
    text: str
    weight: float
    role: str
    lead: bool  # in the text's first sentence
    source: str  # the lexicon row ("file:line pattern") or the letter name
    group: int = 0  # mentions of one label that overlap share a group (nested once)
    row: str = ""  # the lexicon row's key ("kind:label|pattern", for a fitted weight); "" for a letter name
    kind: str = ""  # "agency" or "theme": the key's kind (stored, not derived: read for every mention)

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = self.key.split(":", 1)[0]


@dataclass(slots=True)
class Blocked:
    mention: Mention
    by: str  # the blocking row


@dataclass(slots=True)
class Analysis:
    """Everything about one text that does not depend on the fitted numbers."""

    text: str
    mentions: list[Mention]
    blocked: list[Blocked]
    heading: dict[str, str]  # labels named in the sub-heading -> the words
    deep_dive: tuple[str, ...] = ()


@dataclass(slots=True)
class Part:
    mention: Mention
    contribution: float
    counted: bool  # False: nested in a stronger mention of the same label


@dataclass(slots=True)
class LabelScore:
    key: str
    score: float
    threshold: float
    parts: list[Part] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    tagged: bool = False


@dataclass(slots=True)
class Decision:
    agencies: list[str]
    themes: list[str]
    scores: dict[str, LabelScore]
    rules: list[str]  # the rules that fired, in order

    def evidence(self) -> list[tuple[str, str, int, int, float, str]]:
        """(label, text, start, end, weight, role) of every counted mention of every tag, in text order."""
        out = []
        for key, sc in self.scores.items():
            if sc.tagged:
                out += [(key.split(":", 1)[1], p.mention.text, p.mention.start_char, p.mention.end_char,
                         round(p.contribution, 3), p.mention.role) for p in sc.parts if p.counted]
        return sorted(out, key=lambda e: (e[2], e[0]))


@dataclass(frozen=True, slots=True)
class LetterName:
    acronym: str
    name: str
    labels: dict[str, float]  # key -> weight (the strongest mention of the label in the name)


# --- the pipeline ------------------------------------------------------------------------------

SENTENCE_ENDS = frozenset({".", "!", "?"})
CLOSERS = frozenset({")", "]", "'", '"'})


class Normaliser:
    """Each word's lemma: NORM is the lemma the PhraseMatcher reads (an acronym's cased lemma,
    "GP", else the lower-case lemma, "social worker"), set once per word on the vocabulary's lexeme.
    ``doc.user_data`` gets each token's text, character offset, lower-case lemma, cased lemma and
    sentence start (a new sentence follows ".", "!" or "?", as spaCy's sentencizer has it)."""

    def __init__(self, nlp) -> None:
        self.table = lemmas()
        self.vocab = nlp.vocab
        self.strings = nlp.vocab.strings
        self.cache: dict[int, tuple[str, str, str]] = {}
        from spacy.attrs import IDX, ORTH

        self.idx_attr, self.orth_attr = IDX, ORTH

    def word(self, orth: int) -> tuple[str, str, str]:
        got = self.cache.get(orth)
        if got is None:
            text = self.strings[orth]
            low = self.table.lower(text)
            cased = self.table.cased(text)
            got = self.cache[orth] = (text, low, cased or low)
            self.vocab[orth].norm_ = cased or low
        return got

    def __call__(self, doc):
        orths = doc.to_array(self.orth_attr).tolist()
        known, word = self.cache, self.word  # a seen word is a look-up, not a method call
        got = [known.get(orth) or word(orth) for orth in orths]
        # the (text, lower-case lemma, cased lemma) columns, split in one pass
        texts, norms, lemmas_of = (list(column) for column in zip(*got, strict=True)) if got else ([], [], [])
        # a sentence starts at the first word after an end mark (and the closing marks after it)
        starts: list[int] = []
        first, n = 0, len(texts)
        for end in [i for i, text in enumerate(texts) if text in SENTENCE_ENDS]:
            if end < len(starts):
                continue  # inside the marks after the last end
            j = end + 1
            while j < n and (texts[j] in CLOSERS or texts[j] in SENTENCE_ENDS):
                j += 1
            starts += [first] * (j - len(starts))
            first = j
        starts += [first] * (n - len(starts))
        doc.user_data.update(texts=texts, norms=norms, lemmas=lemmas_of, starts=starts,
                             idx=doc.to_array(self.idx_attr).tolist())
        return doc


class GapMatcher:
    """The few patterns a PhraseMatcher cannot hold (``_`` wildcards, ``re:`` words, too many
    alternatives): candidates are the tokens whose lemma can start the pattern, and the rest of the
    pattern is checked word by word from there. Keys are row numbers; the longest match per start."""

    def __init__(self) -> None:
        self.patterns: list[tuple[int, list[TokenSpec], list[re.Pattern[str] | None]]] = []
        self.by_lemma: dict[str, list[int]] = {}
        self.any_start: list[int] = []  # patterns whose first word is optional or any word
        self.regex_start: list[tuple[re.Pattern[str], int]] = []
        self.starts: dict[str, tuple[int, ...]] = {}  # word -> the patterns it can start
        self.starters: set[str] = set()  # the words of ``starts`` that start a pattern
        # per pattern: each position's words as a set (a tuple is searched word by word), and the
        # words its second position must be when that one is plain (None: anything else), checked
        # before a candidate start is followed: most candidates fail there
        self.word_sets: list[list[frozenset[str] | None]] = []
        self.seconds: list[frozenset[str] | None] = []
        # per pattern: the word sets of its positions that must match (not optional, no wildcard or
        # regex): a doc without a word of each cannot match it, and its starts are not followed
        self.required: list[tuple[frozenset[str], ...]] = []

    def add(self, key: int, specs: list[TokenSpec]) -> None:
        index = len(self.patterns)
        self.patterns.append((key, specs, [re.compile(s.regex) if s.regex else None for s in specs]))
        self.word_sets.append([frozenset(s.values) if s.values is not None else None for s in specs])
        second = specs[1] if len(specs) > 1 and not specs[0].optional else None  # else it may be the first word
        self.seconds.append(frozenset(second.values) if second is not None and not second.optional
                            and second.values is not None and second.regex is None else None)
        self.required.append(tuple(frozenset(s.values) for s in specs
                                   if not s.optional and s.values is not None and s.regex is None))
        first = specs[0]
        if first.regex is not None and not first.optional:
            self.regex_start.append((re.compile(first.regex), index))
        elif first.optional or first.values is None:
            self.any_start.append(index)
        else:
            for v in first.values:
                self.by_lemma.setdefault(v, []).append(index)

    def __len__(self) -> int:
        return len(self.patterns)

    def __call__(self, data: dict) -> list[tuple[int, int, int]]:
        cased, texts = data["lemmas"], data["texts"]
        starts, seconds, n = self.starts, self.seconds, len(texts)
        out: list[tuple[int, int, int]] = []
        words = set(texts)
        for text in words.difference(starts):  # the patterns a word can start, worked out once per word
            word = base_word(text)
            started = starts[text] = (*self.by_lemma.get(cased[texts.index(text)], ()), *self.any_start,
                                      *(index for rx, index in self.regex_start if rx.search(word)))
            if started:
                self.starters.add(text)
        # (a word's patterns depend on its text alone, its lemma being its text's): only the
        # positions of words that start a pattern are visited
        starters = words & self.starters
        if not starters:
            return out
        in_doc = set(cased)
        possible: dict[int, bool] = {}  # pattern -> whether the doc has a word for each required position
        for i in [i for i, text in enumerate(texts) if text in starters]:
            for index in starts[texts[i]]:
                second = seconds[index]
                if second is not None and (i + 1 >= n or cased[i + 1] not in second):
                    continue  # a first word that starts no match ("_longest" would say None)
                ok = possible.get(index)
                if ok is None:
                    ok = possible[index] = all(not in_doc.isdisjoint(words) for words in self.required[index])
                if not ok:
                    continue
                key, specs, regexes = self.patterns[index]
                end = self._longest(specs, regexes, self.word_sets[index], i, cased, texts)
                if end is not None and end > i:
                    out.append((key, i, end))
        return out

    @staticmethod
    def _longest(specs, regexes, sets, i: int, cased, texts) -> int | None:
        """The end of the longest match of a pattern from token ``i``, None if none: the tokens
        each of its prefixes can end before, one position at a time (whether a position's word
        fits depends on the position alone, so no path need be followed twice)."""
        n = len(cased)
        ends = {i}
        for s, rx, words in zip(specs, regexes, sets, strict=True):
            after = set()
            for j in ends:
                if j < n and (rx.search(base_word(texts[j])) is not None if rx is not None
                              else words is None or cased[j] in words):
                    after.add(j + 1)
            if s.optional:
                after |= ends  # the word left out
            if not after:
                return None
            ends = after
        return max(ends)


MAX_PHRASES = 400  # a pattern with more expansions than this is checked by the GapMatcher


def _expand(specs: list[TokenSpec]) -> list[list[str]] | None:
    """A pattern without wildcards or regular expressions as the phrases it stands for (optional
    words in and out, every alternative), for the fast PhraseMatcher; None when it cannot be."""
    if any(s.values is None or s.regex is not None for s in specs):
        return None
    count = 1
    for s in specs:
        count *= len(s.values or ()) + s.optional
    if count > MAX_PHRASES:
        return None
    phrases: list[list[str]] = [[]]
    for s in specs:
        choices: list[str | None] = [*(s.values or ()), *([None] if s.optional else [])]
        phrases = [[*ph, c] if c is not None else ph for ph in phrases for c in choices]
    return [ph for ph in phrases if ph]


def _tokenize_with(nlp):
    """A pattern's words as the tokenizer splits them (each distinct text tokenised once)."""
    seen: dict[str, list[str]] = {}

    def tokenize(text: str) -> list[str]:
        got = seen.get(text)
        if got is None:
            got = seen[text] = [t.text for t in nlp.tokenizer(text)]
        return list(got)

    return tokenize


def _phrase_key(strings, made: dict[tuple[str, ...], tuple[int, ...]], words: list[str]) -> tuple[int, ...]:
    """The PhraseMatcher pattern of one phrase: its lemmas' NORM hashes, which is all the matcher
    keeps of a pattern Doc (and what ``PhraseMatcher.add`` takes as it is, as spaCy's own unpickling
    does). No Doc is made: a Doc per phrase (~5,700) and a lexeme per new word were most of the
    tagger's build time."""
    key = tuple(words)
    got = made.get(key)
    if got is None:
        got = made[key] = tuple(strings.add(w) for w in words)
    return got


def _phrase_doc(nlp, words: tuple[int, ...]):
    """One phrase (``_phrase_key``) as a pattern Doc whose NORMs are the phrase's lemmas: the
    documented way to give ``PhraseMatcher.add`` a pattern, for a spaCy that takes nothing else."""
    from spacy.tokens import Doc

    texts = [nlp.vocab.strings[w] for w in words]
    doc = Doc(nlp.vocab, words=texts)
    for tok, w in zip(doc, texts, strict=True):
        if tok.norm_ != w:
            tok.norm_ = w
    return doc


PROBE_PHRASE = ("probe", "phrase")  # any two words: _keys_accepted's pattern


def _keys_accepted(nlp) -> bool:
    """Whether this spaCy's PhraseMatcher takes a pattern as its NORM hashes and matches it as it
    does the same pattern given as a Doc (spaCy 3 does: its unpickling adds patterns so)."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    try:
        probe: Any = PhraseMatcher(nlp.vocab, attr="NORM")  # (its stubs say Docs only)
        probe.add("probe", [tuple(nlp.vocab.strings.add(w) for w in PROBE_PHRASE)])
        doc = Doc(nlp.vocab, words=["a", *PROBE_PHRASE])
        for tok in doc:  # as the Normaliser sets them (a new word has no NORM of its own: lex_attr_getters)
            tok.norm_ = tok.text
        return [(a, b) for _, a, b in probe(doc)] == [(1, 1 + len(PROBE_PHRASE))]
    except Exception:  # any refusal: the pattern Docs it is
        return False


def _phrase_adder(nlp):
    """``add(matcher, key, phrases)``: a rule's phrases (``_phrase_key``) into a PhraseMatcher, as
    hashes where spaCy takes them (``_keys_accepted``), else as pattern Docs."""
    if _keys_accepted(nlp):
        return lambda matcher, key, phrases: matcher.add(key, phrases)
    return lambda matcher, key, phrases: matcher.add(key, [_phrase_doc(nlp, words) for words in phrases])


class Vocabulary:
    """The compiled lexicon: every pattern that expands to a few hundred phrases or fewer in a
    PhraseMatcher on NORM (the word forms of ``Normaliser``), the rest in a ``GapMatcher``. Match
    ids are row numbers."""

    def __init__(self, nlp, normaliser: Normaliser, entries: list[Entry]) -> None:
        from spacy.matcher import PhraseMatcher

        self.entries = entries
        self.row_keys = [row_key(e) for e in entries]
        self.sources = [f"{e.where} {e.pattern}" for e in entries]
        # each row's key, kind, weight and whether it blocks, read once here, not per match
        self.keys = [e.key for e in entries]
        self.kinds = [e.kind for e in entries]
        self.weights = [e.weight for e in entries]
        self.blocking = [e.blocks for e in entries]
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.matcher = GapMatcher()
        self.strings = nlp.vocab.strings
        self.match_rows: dict[int, int] = {}  # match id -> row, filled as matches come
        phrases: dict[str, list[tuple[int, ...]]] = {}
        made: dict[tuple[str, ...], tuple[int, ...]] = {}  # each phrase's key, worked out once
        tokenize = _tokenize_with(nlp)

        for i, e in enumerate(entries):
            try:
                phrases_of_row = compile_pattern(e.pattern, tokenize)
            except TaxonomyError as exc:
                raise TaxonomyError(f"{e.where}: {exc}") from None
            for specs in phrases_of_row:
                for s in specs:
                    for v in s.values or ():
                        if s.cased and not v.isalnum() and len(tokenize(v + ".")) == 1:
                            # "A&E." at a sentence's end is one token to the tokenizer: split the full stop off
                            nlp.tokenizer.add_special_case(v + ".", [{"ORTH": v}, {"ORTH": "."}])
                words_list = _expand(specs)
                if words_list is None:
                    self.matcher.add(i, specs)
                    continue
                phrases.setdefault(str(i), []).extend(_phrase_key(self.strings, made, words) for words in words_list)
        add = _phrase_adder(nlp)
        for key, keys in phrases.items():
            add(self.phrases, key, keys)

    def _row(self, match_id: int) -> int:
        """The row number a PhraseMatcher match id (the hash of its key, "12") stands for."""
        row = self.match_rows[match_id] = int(self.strings[match_id])
        return row

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        """(row, start, end) of every match."""
        rows = self.match_rows
        found = {(rows.get(m) or self._row(m), a, b) for m, a, b in self.phrases(doc)}
        found.update(self.matcher(doc.user_data))
        return sorted(found, key=lambda x: (x[1], x[2], x[0]))


@dataclass(frozen=True, slots=True)
class RoleRow:
    role: str
    applies: str  # agency, theme or both
    reach: int | None  # None: the mention follows the cue (filler words between); N: within N words
    pattern: str
    example: str


@cache
def role_rows() -> tuple[RoleRow, ...]:
    rows = []
    for _, f in read_tsv(models_dir() / "tagging" / "roles.tsv", 4):
        reach = None if f[2] in ("next", "-") else int(f[2])
        rows.append(RoleRow(f[0], f[1], reach, f[3], f[4] if len(f) > 4 else ""))
    return tuple(rows)


class Roles:
    """The role cues of ``roles.tsv``: filler and verb word sets, and a Matcher for the cues."""

    def __init__(self, nlp) -> None:
        self.filler: set[str] = set()
        self.verbs: set[str] = set()
        self.matcher = GapMatcher()
        self.strings = nlp.vocab.strings

        tokenize = _tokenize_with(nlp)
        made: dict[tuple[str, ...], tuple[int, ...]] = {}
        add = _phrase_adder(nlp)

        from spacy.matcher import PhraseMatcher

        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        for i, row in enumerate(role_rows()):
            compiled = compile_pattern(row.pattern, tokenize)
            if row.role in ("filler", "verb"):
                target = self.filler if row.role == "filler" else self.verbs
                for specs in compiled:
                    for s in specs:
                        target.update(s.values or ())
                continue
            keys = []
            for specs in compiled:
                expanded = _expand(specs)
                if expanded is None:
                    self.matcher.add(i, specs)
                    continue
                keys += [_phrase_key(self.strings, made, words) for words in expanded]
            if keys:
                add(self.phrases, f"{i}", keys)
        self.rows = role_rows()

    def cues(self, doc) -> Cues:
        found = {(int(self.strings[m]), a, b) for m, a, b in self.phrases(doc)}
        found.update(self.matcher(doc.user_data))
        cues = Cues()
        for r, a, b in sorted(found, key=lambda x: (x[1], x[2], x[0])):
            row = self.rows[r]
            if row.reach is None:
                cues.by_end.setdefault(b, []).append((row, a))
            else:
                cues.reaching.append((row, a, b))
                cues.reaching_starts.append(a)
                cues.reach_span = max(cues.reach_span, b - a + (row.reach or 0))
        return cues


@dataclass(slots=True)
class Cues:
    """The role cues found in one doc: adjacent cues by the token they end before, reaching cues in order."""

    by_end: dict[int, list[tuple[RoleRow, int]]] = field(default_factory=dict)
    reaching: list[tuple[RoleRow, int, int]] = field(default_factory=list)
    reaching_starts: list[int] = field(default_factory=list)  # the reaching cues' first tokens, in order
    reach_span: int = 0  # the longest cue plus the furthest reach: no cue starting further back reaches


def _depths(data: dict) -> list[int]:
    """Each token's bracket depth within its sentence (worked out once per doc)."""
    got = data.get("depths")
    if got is None:
        texts, starts = data["texts"], data["starts"]
        got = [0] * len(texts)
        if "(" in texts or ")" in texts:  # (most texts have no brackets: every depth is 0)
            for i in range(1, len(texts)):
                if starts[i] != i:
                    got[i] = got[i - 1] + (texts[i - 1] == "(") - (texts[i - 1] == ")")
        data["depths"] = got
    return got


class Tagger:
    """Built once per process (``Tagger.load``); ``tag_letter`` tags all of a letter's texts."""

    _cache: dict[str | None, Tagger] = {}

    def __init__(self, entries: list[Entry], params: Params | None = None) -> None:
        from .special_cases import blank_english

        self.entries = entries
        self.params = params or shipped_params()
        self.nlp = blank_english()  # spacy.blank("en"), its tokenizer's special cases added as texts need them
        self.letters_analysed = 0
        # spaCy works out a new word's lexical attributes (shape, like_num, stop word...) with Python
        # functions when it first meets the word, ~13 us a word; the tagger reads a token's text
        # and the NORM it sets itself (Normaliser), nothing else
        self.nlp.vocab.lex_attr_getters = {}
        self.normaliser = Normaliser(self.nlp)
        self.vocabulary = Vocabulary(self.nlp, self.normaliser, entries)
        self.roles = Roles(self.nlp)

    @classmethod
    def load(cls, taxonomy: str | None = None) -> Tagger:
        """The shipped lexicons, with a user's lexicon file or folder applied; cached per process."""
        if taxonomy not in cls._cache:
            entries = default_lexicon()
            params = shipped_params()
            if taxonomy:
                mine = read_taxonomy(taxonomy)
                entries = merge(entries, mine)
                params = params.copy()  # the user's weight wins over a fitted one
                for e in mine:
                    params.row_weight.pop(row_key(e), None)
            cls._cache[taxonomy] = cls(entries, params)
        return cls._cache[taxonomy]

    def labels(self) -> list[tuple[str, str]]:
        """(kind, label) of every label the lexicons define, agencies first, in file order."""
        seen = dict.fromkeys((e.kind, e.label) for e in self.entries if e.weight > 0)
        return sorted(seen, key=lambda kl: KINDS.index(kl[0]))

    # -- analysis (independent of the fitted numbers) --

    def _docs(self, texts: list[str]) -> list:
        """The matching docs: the normalised text (same length, so offsets hold) tokenised, split
        into sentences and lemmatised (``Normaliser``)."""
        tokenizer: Any = self.nlp.tokenizer
        return [self.normaliser(doc) for doc in tokenizer.pipe([normalise_text(t) for t in texts])]

    def analyse(self, texts: list[str], subheadings: list[str | None], *, context: list[str] | None = None,
                letter_theme: str | None = None) -> list[Analysis]:
        """The mentions of each text. ``context`` (more texts of the same letter, e.g. its narrative
        and addressee block) is read for the names the letter defines."""
        docs = self._docs(texts)
        extra = self._docs(context or [])
        found = [self._mentions(doc, text) for doc, text in zip(docs, texts, strict=True)]
        found_extra = [self._mentions(doc, text) for doc, text in zip(extra, context or [], strict=True)]
        names = self._letter_names([*zip(docs, found, strict=True), *zip(extra, found_extra, strict=True)])
        heads = {h: self._heading_labels(h) for h in {h for h in subheadings if h}}
        deep = _context_labels().get(letter_theme or "", ())
        out = []
        for doc, text, (mentions, blocked), sub in zip(docs, texts, found, subheadings, strict=True):
            if names:
                mentions = self._add_names(doc, text, mentions, names)
            cues = doc.user_data.get("cues")
            # rule member_list: where the partnership ends, a list of its members may follow
            doc.user_data["partnership_ends"] = sorted({m.end for m in mentions if m.key == PARTNERSHIP})
            group_heads = _group(doc, mentions,
                                 lambda m, doc=doc, cues=cues: self._role(doc.user_data, m.start, m.kind, cues))
            self._coordinate(doc.user_data, mentions, group_heads)
            out.append(Analysis(text, mentions, blocked, heads.get(sub, {}) if sub else {}, deep))
        return out

    def _mentions(self, doc, text: str) -> tuple[list[Mention], list[Blocked]]:
        voc = self.vocabulary
        matches = voc(doc)
        if not matches:
            return [], []
        data = doc.user_data
        data["cues"] = self.roles.cues(doc)
        keys, kinds, weights, blocking, sources, row_keys = (voc.keys, voc.kinds, voc.weights, voc.blocking,
                                                             voc.sources, voc.row_keys)
        idx, texts, starts = data["idx"], data["texts"], data["starts"]
        blocks: dict[str, list[tuple[int, int, int]]] = {}  # key -> (start, end, row) of its blocking rows
        for r, a, b in matches:
            if blocking[r]:
                blocks.setdefault(keys[r], []).append((a, b, r))
        mentions, blocked = [], []
        for r, a, b in matches:
            if blocking[r]:
                continue
            key = keys[r]
            start_char, end_char = idx[a], idx[b - 1] + len(texts[b - 1])
            # (the role is worked out later, for the heads of groups only: _group)
            m = Mention(key, a, b, start_char, end_char, text[start_char:end_char], weights[r], "", starts[a] == 0,
                        sources[r], 0, row_keys[r], kinds[r])
            blocker = next((br for ba, bb, br in blocks[key] if ba <= a and b <= bb),
                           None) if key in blocks else None  # most texts match no blocking row
            if blocker is not None:
                blocked.append(Blocked(m, sources[blocker]))
            else:
                mentions.append(m)
        return mentions, blocked

    def _mention(self, doc, text: str, key: str, a: int, b: int, weight: float, source: str,
                 cues: Cues | None) -> Mention:
        """A mention; its role now if ``cues`` are given, else later (``_group``: heads only)."""
        idx, texts = doc.user_data["idx"], doc.user_data["texts"]
        start_char, end_char = idx[a], idx[b - 1] + len(texts[b - 1])
        kind = key.split(":", 1)[0]
        role = self._role(doc.user_data, a, kind, cues) if cues is not None else ""
        return Mention(key, a, b, start_char, end_char, text[start_char:end_char], weight, role,
                       doc.user_data["starts"][a] == 0, source, kind=kind)

    def _role(self, data: dict, a: int, kind: str, cues: Cues) -> str:
        """The role of the mention starting at token ``a`` (see ``roles.tsv``), from the words before it."""
        texts, norms = data["texts"], data["norms"]
        ss = data["starts"][a]
        # example: inside brackets (not a defined acronym right after its name), or after an example cue
        depths = _depths(data)
        if depths[a] > 0 and not (texts[a - 1] == "(" and a + 1 < len(texts) and texts[a + 1] == ")"):
            return "example"
        within = None  # a cue that reaches the mention from earlier in its clause
        within_at = a
        # only cues that start close enough can reach (linear in a long text, not quadratic)
        first_cue = bisect_left(cues.reaching_starts, a - cues.reach_span)
        for row, c0, c1 in cues.reaching[first_cue:]:
            if c0 >= a:
                break
            if ss <= c0 and c1 <= a and a - c1 <= (row.reach or 0) and _applies(row, kind) \
                    and depths[c0] <= depths[a] and CLAUSE_BREAKS.isdisjoint(texts[c1:a]):
                # (a cue inside brackets that have closed does not reach past them)
                if row.role in ("example", "member") and kind == "agency" and self._lists_members(data, c0, ss):
                    return "member"
                if row.role == "member":
                    continue  # "include" after anything but the partnership is no cue
                if row.role == "example":
                    return "example"
                within, within_at = row.role, c0
        if within is not None:
            return self._subject_frame(data, within_at) if within == "frame" else within
        # adjacent cues: the cue, then only filler words (or a name), then the mention
        p = a
        while p > ss and (norms[p - 1] in self.roles.filler or (p - 1 > ss and _name_like(texts[p - 1]))):
            p -= 1
        best, best_at = None, a
        for row, c0 in cues.by_end.get(p, ()):
            if c0 >= ss and row.role in ADJACENT_ROLES and _applies(row, kind) \
                    and (best is None or ADJACENT_ROLES.index(row.role) > ADJACENT_ROLES.index(best)):
                best, best_at = row.role, c0
        if best is not None and best != NEUTRAL:
            return self._subject_frame(data, best_at) if best == "frame" else best
        return "subject" if self._in_subject(data, a) else "actor"

    @staticmethod
    def _lists_members(data: dict, cue: int, ss: int) -> bool:
        """Rule member_list (convention 5): a list cue ("including", "which includes", "such as") within
        ``MEMBER_GAP`` tokens after the partnership, in one sentence ("a strong partnership across the
        county, including the police, schools and health services"), lists who the partnership is: the
        members named are no evidence of their own work, the partnership as a body is what is judged."""
        ends = data.get("partnership_ends", ())
        i = bisect_left(ends, max(ss, cue - MEMBER_GAP))
        return i < len(ends) and ends[i] <= cue

    def _in_subject(self, data: dict, a: int) -> bool:
        """Whether token ``a`` is in its sentence's subject: before the first verb (after an opening
        adverbial clause), within ``SUBJECT_REACH`` of its start."""
        texts, norms = data["texts"], data["norms"]
        ss = data["starts"][a]
        first = ss
        if norms[ss] in SENTENCE_OPENERS:
            comma = next((i for i in range(ss, min(a, ss + 20)) if texts[i] == ","), None)
            if comma is None:
                return False
            first = comma + 1
        return a - first <= SUBJECT_REACH and self.roles.verbs.isdisjoint(norms[first:a])

    def _subject_frame(self, data: dict, cue: int) -> str:
        """Rule subject_frame: a frame whose cue ("children who", "children at risk of") stands in its
        sentence's subject is what the judgement is about ("The response to children who go missing
        is not strong"), not background; a frame after the verb stays a frame (convention 7)."""
        return "subject_frame" if self._in_subject(data, cue) else "frame"

    def _heading_labels(self, heading: str) -> dict[str, str]:
        [doc] = self._docs([heading])
        mentions, _ = self._mentions(doc, heading)
        return {m.key: m.text for m in mentions}

    def _coordinate(self, data: dict, mentions: list[Mention], heads_of: dict[int, Mention]) -> None:
        """Rule coordination: a mention joined to the mention before it by "and", "or" or a comma
        (a few words apart, no verb between) plays the same role ("children affected by violence
        and/or sexual exploitation": both are the frame; "to the police and social care": both receive).
        ``heads_of``: each group's head (``_group``), whose role its group takes."""
        texts, norms, starts = data["texts"], data["norms"], data["starts"]
        heads = sorted({(m.start, m.end, m.kind, m.role) for m in mentions}, key=lambda h: (h[0], -h[1], h[2], h[3]))
        last: dict[str, tuple[int, str, int]] = {}  # kind -> (end of the last mention, its role, its start)
        role_at: dict[tuple[int, int, str], str] = {}
        for a, b, kind, role in heads:
            prev = last.get(kind)
            if prev is not None and prev[2] <= a and b <= prev[0]:
                # a mention of another label inside the last one plays its role ("adult mental health" in
                # "adult mental health services"), and the enclosing mention stays the last
                role_at[(a, b, kind)] = prev[1]
                continue
            if prev is not None and prev[1] not in ("actor", "subject") and (
                    role in ("actor", "subject") or (prev[1] == "member" and role == "example")) \
                    and starts[a] == starts[prev[0] - 1] and 0 < a - prev[0] <= COORDINATION_GAP:
                # (rule member_list: a member's brackets, "health services (including CAMHS)", list members too)
                gap = slice(prev[0], a)
                if role == "example":
                    if "(" in texts[gap] or not COORDINATORS.isdisjoint(texts[gap]):
                        role = prev[1]
                elif not COORDINATORS.isdisjoint(texts[gap]) and self.roles.verbs.isdisjoint(norms[gap]):
                    role = prev[1]
            role_at[(a, b, kind)] = role
            if prev is None or b > prev[0] or role != "actor":
                last[kind] = (b, role, a)
        # (a group's head is its first mention in (start, -end) order: the group takes the head's role)
        group_role = {group: role_at.get((h.start, h.end, h.kind), h.role) for group, h in heads_of.items()}
        for m in mentions:
            m.role = group_role[m.group]

    # -- letter names --

    def _letter_names(self, docs: list[tuple[Any, tuple[list[Mention], list[Blocked]]]]) -> dict[str, LetterName]:
        names: dict[str, LetterName] = {}
        for doc, (mentions, _) in docs:
            texts = doc.user_data["texts"]
            for i in range(1, len(texts) - 2):
                if texts[i] != "(" or texts[i + 2] != ")":
                    continue
                acr = base_word(texts[i + 1])
                if not _acronym_like(acr):
                    continue
                start = _name_start(texts, i, acr)
                if start is None:
                    continue
                # rule letter_name: the acronym stands for its name's head (the last word: the meeting,
                # team or service); a theme of the name only if its phrase ends the name ("child
                # sexual exploitation (CSE)" is exploitation; "risk assessment conference (RAC)" is not
                # assessment)
                inside = [m for m in mentions if start <= m.start and m.end <= i
                          and (m.end == i or m.kind == "agency")]
                labels: dict[str, float] = {}
                for m in inside:
                    labels[m.key] = max(labels.get(m.key, 0.0), m.weight)
                if any(k.startswith("agency:") for k in labels):
                    # the name of an agency or service stands for the agency, not for the words in its
                    # name ("youth offending service (YOS)" is not the theme offending)
                    labels = {k: w for k, w in labels.items() if k.startswith("agency:")}
                if not labels:
                    continue
                key = lemmas().cased(acr) or acr
                if key in names:
                    merged = dict(names[key].labels)
                    for k, w in labels.items():
                        merged[k] = max(merged.get(k, 0.0), w)
                    labels = merged
                names[key] = LetterName(key, doc[start:i].text, labels)
        return names

    def _add_names(self, doc, text: str, mentions: list[Mention], names: dict[str, LetterName]) -> list[Mention]:
        lemmas_of = doc.user_data["lemmas"]
        named = names.keys() & set(lemmas_of)  # (most texts use none of the letter's names)
        if not named:
            return mentions
        cues = None
        added = []
        known: set[tuple[str, int]] | None = None  # (label, token) the lexicon's mentions cover
        for i in [i for i, lem in enumerate(lemmas_of) if lem in named]:
            name = names[lemmas_of[i]]
            if cues is None:
                cues = doc.user_data.get("cues") or self.roles.cues(doc)
                known = {(m.key, t) for m in mentions for t in range(m.start, m.end)}
            for key, weight in name.labels.items():
                if known is not None and (key, i) in known:
                    continue  # the lexicon already knows it
                added.append(self._mention(doc, text, key, i, i + 1, weight,
                                           f"letter name {name.acronym} = {name.name}", cues))
        return sorted([*mentions, *added], key=lambda m: (m.start, m.end, m.key)) if added else mentions

    # -- decisions (the fitted numbers) --

    def decide(self, analysis: Analysis, params: Params | None = None) -> Decision:
        return decide(analysis, params or self.params)

    def tag_texts(self, texts: list[str], subheadings: list[str | None], letter_theme: str | None = None,
                  context: list[str] | None = None) -> list[tuple[list[str], list[str], list]]:
        """For each text: (agencies, themes, evidence) where evidence is (label, text, start, end,
        weight, role). ``letter_theme`` is the letter's deep dive; ``context`` more of its texts."""
        out = []
        for a in self.analyse(texts, subheadings, context=context, letter_theme=letter_theme):
            d = decide(a, self.params)
            out.append((d.agencies, d.themes, d.evidence()))
        return out

    def analyse_letter(self, letter: Letter) -> tuple[list, list[Analysis]]:
        """The letter's taggable items and the analysis of each."""
        if self.letters_analysed >= LAZY_SPECIAL_CASE_LETTERS:
            self.nlp.tokenizer.complete()  # (nothing left to add: at once)
        self.letters_analysed += 1
        items: list[Any] = [*letter.strengths, *letter.areas_for_improvement, *letter.priority_actions,
                 *letter.case_studies, *letter.narrative]
        subs = [getattr(item, "subheading", None) for item in items]
        context = [f"{a.role or ''} {a.organisation or ''}".strip() for a in letter.addressees]
        if letter.title:
            context.append(letter.title)
        analyses = self.analyse([i.text for i in items], subs, context=[c for c in context if c],
                                letter_theme=letter.theme.label)
        return items, analyses

    def tag_letter(self, letter: Letter) -> None:
        with _collector_paused():
            self._tag_letter(letter)

    def _tag_letter(self, letter: Letter) -> None:
        items, analyses = self.analyse_letter(letter)
        evidence_list = _evidence_list()
        for item, a in zip(items, analyses, strict=True):
            d = decide(a, self.params)
            item.agencies = d.agencies
            item.themes = d.themes
            # one validation call per item, not one per evidence span
            item.evidence = evidence_list.validate_python(
                [{"label": label, "text": text, "start": start, "end": end, "weight": weight, "role": role}
                 for label, text, start, end, weight, role in d.evidence()])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a letter is tagged: its mentions, parts and scores (tens of
    thousands of short-lived objects, freed by reference counting) set off several collections a
    letter, now and then a full one that walks every object the process holds (~10 % of the tagging
    time). The collector runs again afterwards, even on an error, and its first collection frees
    the few cycles tagging leaves (~200 small objects a letter: ``_name_start``'s recursive helper)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cache
def _evidence_list() -> Any:
    """A pydantic TypeAdapter of ``list[Evidence]``, built once."""
    from pydantic import TypeAdapter

    from .schema import Evidence

    return TypeAdapter(list[Evidence])


def row_key(e: Entry) -> str:
    """A lexicon row's identity for its fitted weight: kind, label and normalised pattern."""
    return f"{e.key}|{pattern_key(e.pattern)}"


def _applies(row: RoleRow, kind: str) -> bool:
    return row.applies == "both" or row.applies == kind


@cache
def _name_like(t: str) -> bool:
    """A capitalised word: inside a sentence, a place or organisation name ("to Bexley children's
    services"). Cached: a word's text is tested once, not once per mention after it."""
    t = base_word(t)
    return t[:1].isupper() and t[1:].islower() and t.isalpha()


def _acronym_like(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (2 <= len(text) <= ACRONYM_MAX and len(letters) >= 2 and text[0].isupper()
            and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1) and all(c.isalnum() or c == "&"
                                                                                    for c in text))


def _name_start(texts: list[str], paren: int, acr: str) -> int | None:
    """Where the name an acronym defines starts: the words before the bracket whose initials spell
    it (small words may be skipped or count), else None."""
    letters = [c.lower() for c in acr if c.isalpha()]
    lo = max(0, paren - NAME_MAX)
    words = [(i, base_word(texts[i])) for i in range(lo, paren)]

    def fits(k: int, j: int) -> bool:
        # do words[k:] spell letters[j:]?
        if j == len(letters):
            return k == len(words)
        if k == len(words):
            return False
        w = words[k][1].lower()
        if not w[:1].isalpha():
            return False
        if w in NAME_STOPWORDS and fits(k + 1, j):
            return True
        # a word gives its initial, or a run of letters of its start ("CAMHS" from "Health Services")
        return w[0] == letters[j] and fits(k + 1, j + 1)

    for k in range(len(words) - 1, -1, -1):
        if words[k][1].lower() in NAME_STOPWORDS:
            continue
        if fits(k, 0):
            return words[k][0]
    return None


def _group(doc, mentions: list[Mention], role_of) -> dict[int, Mention]:
    """Number the groups of overlapping mentions of each label (nested once); a defined acronym in
    brackets right after its name joins the name's group. A group's mentions all take the role of
    its first, longest mention ("social care" inside "to children's social care" is a recipient too).
    Returns each group's first, longest mention (its head), by group number."""
    last_end: dict[str, tuple[int, int]] = {}
    heads: dict[int, Mention] = {}
    group = 0
    texts = doc.user_data["texts"]  # (the tokens' texts: no spaCy Token is made)
    n = len(texts)
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        prev = last_end.get(m.key)
        joined = prev is not None and (m.start < prev[0] or (
            m.start == prev[0] + 1 and texts[m.start - 1] == "(" and m.end < n and texts[m.end] == ")"))
        if prev is not None and joined:
            m.group = prev[1]
            last_end[m.key] = (max(prev[0], m.end + (1 if texts[m.start - 1] == "(" else 0)), prev[1])
        else:
            group += 1
            m.group = group
            last_end[m.key] = (m.end, group)
            heads[group] = m
    for head in heads.values():
        if not head.role:  # roles are worked out for the groups' heads only
            head.role = role_of(head)
    for m in mentions:
        m.role = heads[m.group].role
    return heads


def _role_factor(params: Params, kind: str, role: str, deep_dive: bool) -> float:
    """What a role counts; in a letter whose deep dive a theme is, children described as at risk
    of it (frame) or an example of it count ``deep_dive_lift`` of the way up to a plain mention."""
    f = FIXED_ROLE_FACTOR[role] if role in FIXED_ROLE_FACTOR else params.role_factor[kind].get(role, 1.0)
    if deep_dive and role in ("frame", "example") and f < 1.0:
        f += params.deep_dive_lift * (1.0 - f)
    return f


def _part_rank(p: Part) -> tuple[float, int]:
    """A group's counted mention: the strongest, then the longest."""
    return p.contribution, p.mention.end - p.mention.start


def _part_start(p: Part) -> int:
    return p.mention.start


def _combine(values: list[tuple[float, str]], repeat: float, same_row: float) -> float:
    """A label's score from its mentions' contributions (each with its row): the strongest counts
    in full, each further one ``repeat`` times, and ``repeat * same_row`` times if its row has
    already counted (the same word said again is not new evidence)."""
    if len(values) == 1:
        return values[0][0]
    total = 0.0
    seen: set[str] = set()
    for i, (value, row) in enumerate(sorted(values, key=lambda v: -v[0])):
        total += value if i == 0 else value * repeat * (same_row if row in seen else 1.0)
        seen.add(row)
    return total


def decide(analysis: Analysis, params: Params) -> Decision:
    """The tags of one analysed text under the given numbers, with the reasons."""
    scores: dict[str, LabelScore] = {}
    by_group: dict[str, dict[int, list[Part]]] = {}
    deep = analysis.deep_dive
    row_weight, lead_factor = params.row_weight, params.lead_factor
    factors: dict[tuple[str, str, bool], float] = {}  # (kind, role, deep dive) -> its factor, once per call
    for m in analysis.mentions:
        kind = m.kind
        fk = (kind, m.role, m.key in deep)
        f = factors.get(fk)
        if f is None:
            f = factors[fk] = _role_factor(params, *fk)
        c = (row_weight.get(m.row, m.weight) if m.row else m.weight) * f * (lead_factor[kind] if m.lead else 1.0)
        groups_of = by_group.get(m.key)
        if groups_of is None:
            groups_of = by_group[m.key] = {}
        members_of = groups_of.get(m.group)
        if members_of is None:
            groups_of[m.group] = [Part(m, c, False)]
        else:
            members_of.append(Part(m, c, False))
    rules: list[str] = []
    counted_of: dict[str, list[Mention]] = {}  # key -> its groups' counted mentions (in group order)
    for key, groups in by_group.items():
        kind = key.split(":", 1)[0]
        values: list[tuple[float, str]] = []
        parts: list[Part] = []
        counted = counted_of[key] = []
        nested = False
        for members in groups.values():
            if len(members) == 1:
                best = members[0]
            else:
                best = max(members, key=_part_rank)
                nested = True
            best.counted = True
            values.append((best.contribution, best.mention.source))
            counted.append(best.mention)
            parts += members
        total = _combine(values, params.repeat_factor[kind], params.same_row_factor)
        if len(parts) > 1:
            parts.sort(key=_part_start)
        sc = scores[key] = LabelScore(key, total, params.threshold_of(key), parts)
        if nested:
            sc.rules.append("nested_once")
    for key in analysis.heading:
        kind = key.split(":", 1)[0]
        sc = scores.setdefault(key, LabelScore(key, 0.0, params.threshold_of(key)))
        sc.score += params.subheading_weight[kind]
        sc.rules.append("subheading")
    if params.deep_dive_bonus:
        for key in analysis.deep_dive:
            if key in scores and scores[key].score > 0:
                scores[key].score += params.deep_dive_bonus
                scores[key].rules.append("deep_dive")
    # conventions 2 and 7: a destination or recipient alone is not an agency at work; a frame or an
    # example alone is not a theme the finding judges
    # specific before positional (rule generic_only): a label whose words are all generic (below
    # min_weight) needs two different rows; a generic word at the start of the first sentence does
    # not tag on its own
    # whose work it is: the first sentence's subject agencies
    subjects = {m.key for m in analysis.mentions if m.lead and m.role == "subject" and m.kind == "agency"}
    for key, sc in scores.items():
        background_only = generic_only = False
        if sc.parts and key not in analysis.heading:
            kind = key.split(":", 1)[0]
            strongest = counted_of[key]  # (a label with parts is one of by_group's; only order-free tests here)
            background = BACKGROUND[kind]
            if all(m.role in background for m in strongest):
                background_only = True
                sc.rules.append("background_only")
            if len({m.row or m.source for m in strongest}) < 2 \
                    and max(params.weight_of(m) for m in strongest) < params.min_weight[kind]:
                generic_only = True
                sc.rules.append("generic_only")
        if sc.key.startswith("agency:") and subjects and key not in subjects and params.other_agency_factor != 1 \
                and sc.score >= sc.threshold:
            sc.threshold *= params.other_agency_factor
            sc.rules.append("subject_agency")
        sc.tagged = sc.score >= sc.threshold and not background_only and not generic_only
    # what it is about, by weight of evidence: a label named in passing beside the one the finding
    # is about (a small share of the strongest score of its kind) is not given (conventions 1 and 7)
    for kind, share in params.minor_share.items():
        if share:
            prefix = kind + ":"
            top = max((sc.score for k, sc in scores.items() if k.startswith(prefix) and sc.tagged), default=0.0)
            for key, sc in scores.items():
                if sc.tagged and key.startswith(prefix) and sc.score < share * top:
                    sc.tagged = False
                    sc.rules.append("minor_label")
    alone = not any(s.tagged and k.startswith("agency:") for k, s in scores.items())
    for rule, (theme, agency) in IMPLIED_BY.items():
        weight = params.implied.get(rule, 0.0) if alone else params.implied.get(rule + ALWAYS, 0.0)
        if weight and theme in scores and scores[theme].tagged and not (agency in scores and scores[agency].tagged):
            sc = scores.setdefault(agency, LabelScore(agency, 0.0, params.threshold_of(agency)))
            sc.score += weight
            sc.rules.append(rule)
    for sc in scores.values():
        if sc.key.startswith("agency:") and not sc.tagged and sc.score >= sc.threshold and any(
                r in IMPLIED_BY for r in sc.rules):
            sc.tagged = True
            rules += [r for r in sc.rules if r in IMPLIED_BY and r not in rules]
    if params.partnership_governance and PARTNERSHIP in scores and scores[PARTNERSHIP].tagged:
        # convention 9: the partnership as a body at work is strategic leadership and governance
        sc = scores.setdefault(GOVERNANCE, LabelScore(GOVERNANCE, 0.0, params.threshold_of(GOVERNANCE)))
        sc.score += params.partnership_governance
        sc.rules.append("partnership_is_governance")
        if sc.score >= sc.threshold and not sc.tagged:
            sc.tagged = True
    member_agencies = [k for k, s in scores.items() if s.tagged and k.startswith("agency:") and k != PARTNERSHIP]
    if PARTNERSHIP in scores and scores[PARTNERSHIP].tagged and len(member_agencies) >= params.partnership_members:
        for k in member_agencies:
            scores[k].tagged = False
            scores[k].rules.append("partnership_as_body")
        rules.append("partnership_as_body")
    # convention 10: most findings carry one to four themes; beyond max_themes, the weakest go
    themes = sorted((sc for k, sc in scores.items() if sc.tagged and k.startswith("theme:")),
                    key=lambda sc: (-sc.score / sc.threshold, sc.key))
    for sc in themes[params.max_themes:]:
        sc.tagged = False
        sc.rules.append("max_themes")
    for sc in scores.values():
        for r in sc.rules:
            if r not in rules and r not in IMPLIED_BY and r != "partnership_as_body":
                rules.append(r)
    tagged = sorted(k for k, s in scores.items() if s.tagged)
    return Decision([k.split(":", 1)[1] for k in tagged if k.startswith("agency:")],
                    [k.split(":", 1)[1] for k in tagged if k.startswith("theme:")], scores, rules)


def near_misses(decision: Decision) -> list[LabelScore]:
    """Labels not given whose score came within ``NEAR_MISS`` of their threshold, closest first."""
    out = [s for s in decision.scores.values() if not s.tagged and s.score > 0 and s.score >= NEAR_MISS * s.threshold]
    return sorted(out, key=lambda s: -s.score / s.threshold)
