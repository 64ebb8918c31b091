"""Tagging (library): every label has a lexicon, and for every label a sentence written for the
tests that must tag it and one that must not (a passing mention or a near miss). The rules and
conventions are tested in test_tagging_rules.py, the lexicon rows and pattern language in
test_tagging_lexicon.py."""

from __future__ import annotations

import pytest

from jtai_extract.resources import data_files
from jtai_extract.tagging import Tagger, TaxonomyError, read_lexicon

AGENCIES = ["police", "health", "childrens_social_care", "education", "youth_justice", "probation",
            "adult_services", "voluntary_sector", "safeguarding_partnership"]
THEMES = ["front_door", "strategy_and_child_protection", "early_help", "information_sharing", "records_and_systems",
          "management_oversight", "workforce", "leadership_and_governance", "data_and_performance", "voice_of_child",
          "mental_health", "substance_misuse", "domestic_abuse", "neglect", "sexual_abuse", "exploitation",
          "missing_children", "serious_youth_violence", "emergency_departments", "police_custody",
          "offending_and_justice", "children_in_care", "diversity_and_identity", "planning_and_review",
          "out_of_hours", "unborn_and_young_children", "assessment_and_curiosity", "family_engagement",
          "transitions_to_adulthood"]

# label: (must tag, must not tag)
SENTENCES = {
    "police": ("Police officers attend domestic incidents quickly and make referrals the same day.",
               "Children said they would like more help with homework."),
    "health": ("Health visitors and school nurses see every child at risk within a week.",
               "Children’s mental health needs are identified early by social workers."),
    "childrens_social_care": ("Social workers visit children regularly and know them well.",
                              "Police officers attend domestic incidents quickly."),
    "education": ("Schools and designated safeguarding leads report concerns promptly.",
                  "Police officers attend domestic incidents quickly."),
    "youth_justice": ("The youth offending service assesses every child within ten days.",
                      "Social workers visit children regularly."),
    "probation": ("Probation officers check whether the men they supervise live with children.",
                  "Social workers visit children regularly."),
    "adult_services": ("Adult mental health services do not consider the children of their patients.",
                       "Social workers visit children regularly."),
    "voluntary_sector": ("Voluntary sector organisations run youth clubs that children value.",
                         "Social workers visit children regularly."),
    "safeguarding_partnership": ("The local safeguarding children partnership has a clear plan for neglect.",
                                 "Police officers attend domestic incidents quickly."),
    "front_door": ("Referrals to the MASH are screened quickly and thresholds are well understood.",
                   "Social workers visit children in care regularly."),
    "strategy_and_child_protection": ("Strategy discussions are held promptly and child protection "
                                      "conferences are well attended.",
                                      "Leaders have a clear strategy for the area."),
    "early_help": ("The early help offer supports families before problems escalate.",
                   "Police officers attend domestic incidents quickly."),
    "information_sharing": ("Information sharing between the police and schools is timely and effective.",
                            "Social workers visit children regularly."),
    "records_and_systems": ("Case records do not show electronic flags for children subject to plans.",
                            "Social workers visit children regularly."),
    "management_oversight": ("Management oversight and supervision of social workers are regular and "
                             "reflective.", "Children said they feel safe at school."),
    "workforce": ("High caseloads and the recruitment of permanent staff remain a challenge.",
                  "Children said they feel safe at school."),
    "leadership_and_governance": ("Strategic leadership and governance across the partnership are strong.",
                                  "Strategy discussions are held promptly."),
    "data_and_performance": ("Leaders use data and a performance dashboard to understand need.",
                             "Social workers visit children regularly."),
    "voice_of_child": ("The voice of the child is clear in plans and children’s views are recorded.",
                       "Police officers attend domestic incidents quickly."),
    "mental_health": ("CAMHS respond quickly to children who self-harm.",
                      "Police officers attend domestic incidents quickly."),
    "substance_misuse": ("Parental substance misuse is not always considered in assessments.",
                         "Social workers visit children regularly."),
    "domestic_abuse": ("Domestic abuse is recognised quickly and discussed at MARAC.",
                       "Social workers visit children regularly."),
    "neglect": ("Neglect is recognised early and the graded care profile is used well.",
                "Social workers visit children regularly."),
    "sexual_abuse": ("Harmful sexual behaviour is recognised early and specialist help follows.",
                     "Child sexual exploitation is tackled well by the police."),
    "exploitation": ("Children at risk of criminal exploitation and county lines are identified early.",
                     "Social workers visit children regularly."),
    "missing_children": ("Return home interviews are offered to every child who goes missing.",
                         "Social workers visit children regularly."),
    "serious_youth_violence": ("Serious youth violence and knife crime have fallen this year.",
                               "Social workers visit children regularly."),
    "emergency_departments": ("Emergency department staff refer children who attend after assaults.",
                              "Social workers visit children regularly."),
    "police_custody": ("Children held in police custody overnight are not always visited.",
                       "Police officers attend domestic incidents quickly."),
    "offending_and_justice": ("Out-of-court disposals divert children from offending.",
                              "Social workers visit children regularly."),
    "children_in_care": ("Children in care have stable placements and care leavers are supported.",
                         "Social workers visit children regularly."),
    "diversity_and_identity": ("Practitioners explore children’s culture, religion and identity well.",
                               "Social workers visit children regularly."),
    "planning_and_review": ("Drift and delay in plans mean that children wait too long for help.",
                            "Police officers attend domestic incidents quickly."),
    "out_of_hours": ("The emergency duty team responds well out of hours.",
                     "Social workers visit children regularly."),
    "unborn_and_young_children": ("Pre-birth assessments for unborn babies start early in pregnancy.",
                                  "Teenagers said they feel safe at school."),
    "assessment_and_curiosity": ("Professional curiosity and risk assessments are of a high standard.",
                                 "Police officers attend domestic incidents quickly."),
    "family_engagement": ("Practitioners engage parents and wider family members in relationship-based work.",
                          "Police officers attend domestic incidents quickly."),
    "transitions_to_adulthood": ("Young people approaching 18 move to adult services without a gap.",
                                 "Social workers visit children regularly."),
}


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


def tags(tagger: Tagger, text: str, subheading: str | None = None, **kw) -> set[str]:
    [(agencies, themes, _)] = tagger.tag_texts([text], [subheading], **kw)
    return {*agencies, *themes}


def test_every_label_has_a_lexicon_file_and_a_sentence_pair():
    files = {p.name.removesuffix(".tsv") for p in data_files("lexicons")}
    assert files == set(AGENCIES + THEMES) == set(SENTENCES)


@pytest.mark.parametrize("label", AGENCIES + THEMES)
def test_label_tags_its_sentence_and_not_the_other(tagger, label):
    positive, negative = SENTENCES[label]
    assert label in tags(tagger, positive)
    assert label not in tags(tagger, negative)


def test_evidence_offsets_index_the_text(tagger):
    text = "Police referrals to the MASH are timely, and the police’s records are clear."
    [(agencies, themes, evidence)] = tagger.tag_texts([text], [None])
    assert "police" in agencies and "front_door" in themes
    for _label, words, start, end, weight, role in evidence:
        assert text[start:end] == words and weight > 0 and role


def test_agencies_named_together_as_the_subject_are_each_tagged(tagger):
    text = "Police officers, social workers and health visitors attend every strategy meeting."
    assert {"police", "childrens_social_care", "health"} <= tags(tagger, text)


def test_user_lexicon_adds_to_the_shipped_rows(tmp_path):
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("theme\tbuses\tbus station\t4\n", encoding="utf-8")
    mine = Tagger.load(str(lexicon))
    assert tags(mine, "Youth workers patrol the bus station.") >= {"buses"}
    assert ("theme", "buses") in mine.labels() and ("agency", "police") in mine.labels()
    assert "police" in tags(mine, "The police respond quickly to domestic incidents.")


@pytest.mark.parametrize("row,message", [
    ("theme\tbuses\tbus station", "expected 4 or 5 tab-separated fields"),
    ("topic\tbuses\tbus station\t2", "kind must be"),
    ("theme\tBuses\tbus station\t2", "lower-case slug"),
    ("theme\tbuses\tbus station\theavy", "weight must be a number"),
    ("theme\tbuses\tbus station\t-1", "must not be negative"),
    ("theme\tbuses\tbus? station?\t2", "every word is optional"),
])
def test_a_bad_lexicon_file_names_the_line(tmp_path, row, message):
    lexicon = tmp_path / "bad.tsv"
    lexicon.write_text("# my lexicon\ntheme\tbuses\tbus\t2\n" + row + "\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as caught:
        read_lexicon(lexicon)
    assert f"{lexicon}:3:" in str(caught.value) and message in str(caught.value)


def test_every_lexicon_file_is_valid_and_holds_only_its_own_label():
    for path in data_files("lexicons"):
        entries = read_lexicon(path)
        assert {e.label for e in entries} == {path.name.removesuffix(".tsv")}
        assert {e.kind for e in entries} == {"agency" if path.name.removesuffix(".tsv") in AGENCIES else "theme"}


def test_tags_do_not_depend_on_the_hash_seed():
    """Regression: mentions of one span with different roles were ordered by a set, so the roles
    (and a batch's output) changed from process to process."""
    import json
    import os
    import subprocess
    import sys

    code = ("import json; from jtai_extract.tagging import Tagger; t = Tagger.load(); "
            "print(json.dumps(t.tag_texts(['The local needs analysis and the audits of referrals to the MASH "
            "are thorough, and analysis of risk is good.', 'Children and families, schools and the police "
            "share data.'], [None, None])))")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert outs[0] and json.loads(outs[0]) and outs[0] == outs[1]


def test_a_finding_longer_than_spacys_max_length_is_tagged(tagger):
    """Repro 12: spaCy's Language refuses texts over nlp.max_length (1,000,000 characters); the
    tagger only tokenises, so a long finding is tagged like a short one, and in linear time."""
    opening = "Police officers share information with social workers (the MASH team) promptly. "
    text = opening + "Notes are kept (as the one nearby is), for every family that is seen, " * 15_000
    assert len(text) > 1_000_000
    agencies, themes, evidence = tagger.tag_texts([text], [None])[0]
    assert "police" in agencies and "information_sharing" in themes
    assert all(text[start:end] == words for _label, words, start, end, _w, _r in evidence)


def test_a_letter_with_a_finding_over_a_million_characters_does_not_fail():
    from jtai_extract import extract
    from jtai_extract.readers import Source

    from .conftest import FIXTURES

    text = (FIXTURES / "era-a-letter.txt").read_text(encoding="utf-8")
    marker = "\uf06e Health visitors identify neglect early"
    assert marker in text
    long = "\uf06e Police officers visit families " + "and talk to them " * 70_000 + "every week.\n"
    letter = extract(Source("letter.txt", text.replace(marker, long + marker).encode()))
    long_finding = next(s for s in letter.strengths if len(s.text) > 1_000_000)
    assert "police" in long_finding.agencies


def test_the_gap_matcher_checks_a_second_word_only_where_the_first_cannot_be_left_out():
    # the check of the second word before following a start: a pattern whose first word is
    # optional may match from its second word on, at the start itself
    from jtai_extract.tag_lexicon import TokenSpec
    from jtai_extract.tagging import GapMatcher

    matcher = GapMatcher()
    matcher.add(1, [TokenSpec(("early",), False, False), TokenSpec(("help",), False, False)])
    matcher.add(2, [TokenSpec(("missing",), False, True), TokenSpec(("episode",), False, False)])
    matcher.add(3, [TokenSpec(("front",), False, False), TokenSpec(None, False, False),
                    TokenSpec(("team",), False, False)])
    words = ["early", "help", "and", "early", "support", "episode", "front", "door", "team", "early"]
    data = {"texts": words, "norms": words, "lemmas": words}
    assert sorted(matcher(data)) == [(1, 0, 2), (2, 5, 6), (3, 6, 9)]


def test_the_gap_matcher_gives_the_longest_match_over_optional_words():
    # each optional word in or out: the furthest end any choice reaches, from every start
    from jtai_extract.tag_lexicon import TokenSpec
    from jtai_extract.tagging import GapMatcher

    matcher = GapMatcher()
    matcher.add(1, [TokenSpec(("risk",), False, False), TokenSpec(("of",), False, True),
                    TokenSpec(("of",), False, True), TokenSpec(("harm",), False, True)])
    matcher.add(2, [TokenSpec(("young",), False, True), TokenSpec(None, False, False),
                    TokenSpec(("carer",), False, False)])
    words = ["risk", "of", "harm", "risk", "of", "of", "risk", "young", "young", "carer", "young", "adult"]
    data = {"texts": words, "norms": words, "lemmas": words}
    assert sorted(matcher(data)) == [(1, 0, 3), (1, 3, 6), (1, 6, 7), (2, 7, 10), (2, 8, 10)]


def test_tagging_a_letter_leaves_the_garbage_collector_on(tagger, monkeypatch):
    # the collector is paused while a letter is tagged, and on again afterwards, even when tagging fails
    import gc

    from jtai_extract import extract
    from jtai_extract.readers import Source

    from .conftest import FIXTURES

    letter = extract(Source.from_path(FIXTURES / "era-a-letter.txt"), tags=False)
    tagger.tag_letter(letter)
    assert gc.isenabled() and any(s.agencies for s in letter.strengths)

    def fail(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("tagging failed")

    monkeypatch.setattr(tagger, "analyse_letter", fail)
    with pytest.raises(RuntimeError):
        tagger.tag_letter(letter)
    assert gc.isenabled()
