"""Filters (--section, --agency, --theme, --grep): each on its own, together, their errors, and
that every output holds the same findings."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest

from jtai_extract.filters import ALL_LISTS, FilterError, Filters, parse_filters

from .test_cli import ERA_A, ERA_B, cli


def finding(fid: str, text: str, agencies=(), themes=(), **extra) -> dict:
    return {"id": fid, "text": text, "pages": [1], "agencies": list(agencies), "themes": list(themes),
            "evidence": [], **extra}


LETTER = {
    "source": {"path": "letters/brackwater.pdf", "sha256": "0" * 64, "format": "pdf", "pages": 3},
    "area": "Brackwater", "letter_date": "2023-05-01", "deadlines": [{"date": "2023-08-01"}],
    "strengths": [finding("S1", "The MASH responds quickly to police referrals.", ["police"], ["front_door"]),
                  finding("S2", "Health visitors know the children’s families well.", ["health"],
                          ["family_engagement"])],
    "areas_for_improvement": [finding("A1", "Thresholds are not understood by schools.", ["education"], ["front_door"]),
                              finding("A2", "Smashed windows were not recorded.", [], ["records_and_systems"])],
    "priority_actions": [],
    "case_studies": [finding("C1", "A police officer visited the same night.", ["police"], [],
                             kind="effective_practice", heading="Case study")],
    "narrative": [finding("N1", "The MASH has been rebuilt since the last inspection.", [], ["front_door"],
                          section="headline_findings", heading="Headline findings"),
                  finding("N2", "Police custody suites hold children overnight.", ["police"], ["police_custody"],
                          section="main_findings", heading=None)],
}


def kept(filters: Filters) -> list[str]:
    letter = filters.apply(LETTER)
    return [] if letter is None else [item["id"] for name in ALL_LISTS for item in letter[name]]


def test_no_filters_keep_the_letter_itself():
    assert Filters().apply(LETTER) is LETTER and not Filters().active


def test_section_keeps_a_list_or_a_narrative_section():
    assert kept(parse_filters(sections=["strengths"])) == ["S1", "S2"]
    assert kept(parse_filters(sections=["strengths", "case_studies"])) == ["S1", "S2", "C1"]
    assert kept(parse_filters(sections=["headline_findings"])) == ["N1"]
    assert kept(parse_filters(sections=["narrative"])) == ["N1", "N2"]


def test_agency_and_theme_keep_findings_tagged_with_any_of_their_values():
    assert kept(parse_filters(agencies=["police"])) == ["S1", "C1", "N2"]
    assert kept(parse_filters(agencies=["police", "health"])) == ["S1", "S2", "C1", "N2"]
    assert kept(parse_filters(themes=["front_door"])) == ["S1", "A1", "N1"]


def test_different_filters_must_all_hold():
    assert kept(parse_filters(agencies=["police"], themes=["front_door"])) == ["S1"]
    assert kept(parse_filters(sections=["areas_for_improvement"], themes=["front_door"])) == ["A1"]


def test_grep_is_a_regular_expression_in_smart_case_with_curly_quotes_folded():
    assert kept(parse_filters(grep="MASH")) == ["S1", "N1"]  # a capital: case matters ("Smashed" is not the MASH)
    assert kept(parse_filters(grep="mash")) == ["S1", "A2", "N1"]  # none: any case
    assert kept(parse_filters(grep=r"\bthreshold")) == ["A1"]
    assert kept(parse_filters(grep="children's")) == ["S2"]  # the letter prints children’s
    assert kept(parse_filters(grep="police (referrals|custody)")) == ["S1", "N2"]


def test_a_letter_with_nothing_left_is_dropped_and_the_input_is_not_changed():
    before = copy.deepcopy(LETTER)
    assert parse_filters(themes=["neglect"]).apply(LETTER) is None
    letter = parse_filters(sections=["strengths"]).apply(LETTER)
    assert letter is not None and letter["areas_for_improvement"] == [] and letter["area"] == "Brackwater"
    assert letter["deadlines"] == LETTER["deadlines"]  # the letter's other fields are kept whole
    assert before == LETTER


def test_tabular_outputs_add_the_narrative_only_when_asked_for():
    assert "narrative" not in parse_filters(sections=["strengths"]).table_lists()
    assert "narrative" not in Filters().table_lists()
    assert "narrative" in parse_filters(sections=["headline_findings"]).table_lists()
    assert parse_filters(sections=["narrative", "strengths"]).table_lists() == ("strengths", "narrative")


@pytest.mark.parametrize("kwargs,option,words", [
    ({"sections": ["strength"]}, "--section", "unknown section 'strength'"),
    ({"agencies": ["front_door"]}, "--agency", "front_door is a theme: use --theme"),
    ({"themes": ["mash"]}, "--theme", "unknown theme 'mash'"),
    ({"grep": "(unclosed"}, "--grep", "not a valid regular expression"),
])
def test_a_bad_filter_names_its_option_and_why(kwargs, option, words):
    with pytest.raises(FilterError) as err:
        parse_filters(**kwargs)
    assert err.value.option == option and words in str(err.value)


@pytest.mark.parametrize("args", [["--section", "nope"], ["--agency", "polce"], ["--theme", "police"],
                                  ["--grep", "[a-"]])
def test_a_bad_filter_is_a_usage_error(args):
    done = cli(ERA_A, "--json", *args)
    assert done.exit_code == 2 and done.stdout == "" and "Traceback" not in done.stderr


def test_every_output_holds_the_same_filtered_findings(tmp_path):
    args = [ERA_A, ERA_B, "-j1", "--agency", "health", "--section", "strengths", "--section", "areas_for_improvement"]
    letters = json.loads(cli(*args, "--json", "--out-dir", str(tmp_path / "out")).stdout)
    expected = [(letter["area"], section, item["id"]) for letter in letters
                for section in ("strengths", "areas_for_improvement") for item in letter[section]]
    assert expected and all("health" in item["agencies"] for letter in letters for item in letter["strengths"])
    assert all(not letter[s] for letter in letters for s in ("priority_actions", "case_studies", "narrative"))
    written = [json.loads(p.read_text()) for p in sorted((tmp_path / "out").iterdir())]
    assert written == letters
    jsonl = [json.loads(line) for line in cli(*args, "--jsonl").stdout.splitlines()]
    assert jsonl == letters
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--csv").stdout)))
    assert [(r["area"], r["section"], r["id"]) for r in rows] == expected
    counts = dict(line.rsplit("\t", 1) for line in cli(*args, "--tag-counts").stdout.splitlines()[1:])
    assert counts["agency\thealth"] == str(len(expected))
    summary = cli(*args, "--summary").stdout
    assert summary.count("Strengths (") + summary.count("Areas for improvement (") == sum(
        bool(letter[s]) for letter in letters for s in ("strengths", "areas_for_improvement"))
    assert "Case studies" not in summary


def test_letters_with_no_matching_finding_are_left_out_but_counted():
    done = cli(ERA_A, ERA_B, "-j1", "--grep", "emergency duty team", "--json")
    assert [letter["area"] for letter in json.loads(done.stdout)] == ["Fernmouth"]
    summary = cli(ERA_A, ERA_B, "-j1", "--grep", "emergency duty team", "--summary").stdout
    assert "Harrowgate Vale" not in summary
    assert "2 letters extracted (1 with findings matching the filters), 0 failed" in summary


def test_tag_counts_by_section_and_by_letter():
    by_section = [line.split("\t") for line in cli(ERA_A, ERA_B, "-j1", "--tag-counts", "--by", "section")
                  .stdout.splitlines()]
    assert by_section[0] == ["section", "kind", "label", "findings"]
    assert {row[0] for row in by_section[1:]} == {"strengths", "areas_for_improvement", "priority_actions",
                                                 "case_studies"}
    total = {tuple(line.split("\t")[:2]): int(line.split("\t")[2])
             for line in cli(ERA_A, ERA_B, "-j1", "--tag-counts").stdout.splitlines()[1:]}
    summed: dict[tuple[str, ...], int] = {}
    for _, kind, label, n in by_section[1:]:
        summed[kind, label] = summed.get((kind, label), 0) + int(n)
    assert summed == total
    by_letter = [line.split("\t") for line in cli(ERA_A, ERA_B, "-j1", "--tag-counts", "--by", "letter")
                 .stdout.splitlines()]
    assert by_letter[0] == ["letter", "area", "letter_date", "kind", "label", "findings"]
    assert [r[1] for r in by_letter[1:]] == ["Fernmouth"] * 38 + ["Harrowgate Vale"] * 38
    per_letter: dict[tuple[str, ...], int] = {}
    for *_, kind, label, n in by_letter[1:]:
        per_letter[kind, label] = per_letter.get((kind, label), 0) + int(n)
    assert per_letter == total
    narrative = cli(ERA_B, "--tag-counts", "--by", "section", "--section", "narrative").stdout.splitlines()
    assert {line.split("\t")[0] for line in narrative[1:]} == {"narrative"}


@pytest.mark.parametrize("args", [["--by", "letter", "--json"], ["--tag-counts", "--by", "area"]])
def test_by_goes_with_tag_counts_only(args):
    assert cli(ERA_A, *args).exit_code == 2
