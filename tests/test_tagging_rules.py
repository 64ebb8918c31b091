"""The tagger's named rules and TAXONOMY.md's labelling conventions: for each, a sentence written for
the tests that it must tag and one that it must not. Rules with a fitted number are also tested
with the number set by hand, so the mechanism is tested whatever the fit chose."""

from __future__ import annotations

import pytest

from jtai_extract.tagging import Params, Tagger, decide, shipped_params


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


def tags(tagger: Tagger, text: str, subheading: str | None = None, params: Params | None = None, **kw) -> set[str]:
    [a] = tagger.analyse([text], [subheading], **kw)
    d = decide(a, params or tagger.params)
    return {*d.agencies, *d.themes}


def with_(**changes) -> Params:
    p = shipped_params().copy()
    for name, value in changes.items():
        setattr(p, name, value)
    return p


def roles(tagger: Tagger, text: str, key: str) -> list[str]:
    [a] = tagger.analyse([text], [None])
    return [m.role for m in a.mentions if m.key == key]


# --- rule block ---------------------------------------------------------------------------------------

def test_block_mental_health_is_not_the_health_agency(tagger):
    assert "health" not in tags(tagger, "Social workers understand the impact of parents' mental ill-health.")
    assert "health" in tags(tagger, "Health visitors understand the impact of parents' mental ill-health.")


def test_block_word_sense_trust_build_trust_is_not_an_nhs_trust(tagger):
    assert "health" not in tags(tagger, "Youth workers build trust with young people over many months.")
    assert "health" in tags(tagger, "The NHS trust has trained every nurse in its emergency department.")


def test_block_voluntary_attendance_is_not_the_voluntary_sector(tagger):
    assert "voluntary_sector" not in tags(tagger, "Children interviewed on a voluntary basis have an adult with them.")
    assert "voluntary_sector" in tags(tagger, "A local charity runs mentoring for children at risk.")


def test_block_school_nursing_is_health_not_education(tagger):
    found = tags(tagger, "The school nursing service offers weekly drop-in clinics to pupils.")
    assert "health" in found and "education" not in found


# --- rule letter_name ------------------------------------------------------------------------------

def test_letter_name_an_acronym_stands_for_the_name_the_letter_defines(tagger):
    context = ["Contacts go to the Integrated Front Door (IFD), staffed by the council and police."]
    text = "Decisions in the IFD are timely and proportionate."
    assert "front_door" in tags(tagger, text, context=context)
    assert "front_door" not in tags(tagger, text)


def test_letter_name_an_acronym_takes_a_theme_only_from_its_names_head(tagger):
    named = "The Oakvale child sexual exploitation (OCSE) team is small. OCSE is well led."
    [a] = tagger.analyse([named], [None])
    assert any(m.text == "OCSE" and m.key == "theme:exploitation" for m in a.mentions)
    # the name's head is the panel: the acronym does not carry the exploitation of its first words
    panel = "The exploitation risk panel (ERP) in Oakvale meets weekly. The ERP reviews its actions."
    [a] = tagger.analyse([panel], [None])
    assert not any(m.text == "ERP" and m.key == "theme:exploitation" for m in a.mentions)


def test_letter_name_an_agencys_name_lends_the_acronym_its_agency_not_its_words(tagger):
    context = ["The youth justice service (YJS) works with children who offend."]
    [a] = tagger.analyse(["The YJS assesses every child within ten days."], [None], context=context)
    keys = {m.key for m in a.mentions}
    assert "agency:youth_justice" in keys and "theme:offending_and_justice" not in keys


# --- rule role (conventions 2, 6 and 7) -----------------------------------------------------------------

def test_role_convention_2_destinations_and_recipients_are_not_the_actors(tagger):
    text = "Schools refer concerns to children's social care promptly."
    found = tags(tagger, text)
    assert "education" in found and "childrens_social_care" not in found
    assert set(roles(tagger, text, "agency:childrens_social_care")) == {"destination"}
    assert "childrens_social_care" in tags(tagger, "Children's social care responds to referrals promptly.")
    assert "background_only" in decide(tagger.analyse([text], [None])[0], tagger.params).scores[
        "agency:childrens_social_care"].rules


def test_role_convention_2_a_setting_is_found(tagger):
    # "children seen in the emergency department is about health only if the hospital's own work is described"
    assert roles(tagger, "Children seen at school are asked about home.", "agency:education") == ["setting"]
    assert "education" in tags(tagger, "Teachers notice when a child is withdrawn and tell the safeguarding lead.")


def test_role_examples_in_brackets_or_after_such_as_count_less(tagger):
    text = "Agencies, such as schools and the police, attend the meeting."
    assert set(roles(tagger, text, "agency:police")) == {"example"}
    assert roles(tagger, "Meetings (including the police) are well attended.", "agency:police") == ["example"]


def test_role_convention_7_a_theme_that_only_says_who_the_children_are_is_a_frame(tagger):
    text = "Social workers visit children at risk of exploitation every week."
    assert roles(tagger, text, "theme:exploitation") == ["frame"]
    found = tags(tagger, "Practitioners keep good records of their visits to children who are exploited.")
    assert "records_and_systems" in found and "exploitation" not in found
    assert "exploitation" in tags(tagger, "Child exploitation is identified early and disrupted well.")
    found = tags(tagger, "Plans are reviewed often, for example for neglect.")
    assert "planning_and_review" in found and "neglect" not in found


def test_subject_frame_a_frame_in_the_first_sentences_subject_is_what_is_judged(tagger):
    text = "The response to children who go missing from home in Oakvale is not consistently strong."
    assert set(roles(tagger, text, "theme:missing_children")) == {"subject_frame"}
    assert "missing_children" in tags(tagger, text)
    # a frame after the first verb stays a frame, convention 7
    later = "Practitioners in Oakvale keep careful notes. They visit children who go missing from home."
    assert set(roles(tagger, later, "theme:missing_children")) == {"frame"}
    assert "missing_children" not in tags(tagger, later)


def test_neutral_cue_a_to_that_makes_no_recipient(tagger):
    # "changes to social workers": the social workers are not receiving anything
    text = "Plans in Oakvale drift when there are frequent changes to social workers."
    assert set(roles(tagger, text, "agency:childrens_social_care")) <= {"actor", "subject"}
    assert "childrens_social_care" in tags(tagger, text)
    # a plain "to" still makes a recipient (convention 2)
    text = "Families in Oakvale have quick access to social workers."
    assert set(roles(tagger, text, "agency:childrens_social_care")) == {"recipient"}
    assert "childrens_social_care" not in tags(tagger, text)


def test_role_the_agency_whose_participation_is_described_is_the_agent(tagger):
    # convention 4: "add each agency whose participation is described"
    text = "The involvement of school nurses in strategy meetings is limited."
    assert set(roles(tagger, text, "agency:health")) == {"agent"}
    assert "health" in tags(tagger, text)
    # the meeting attended is what receives the attendance
    text = "Probation staff attend safeguarding board meetings."
    assert "recipient" in roles(tagger, text, "agency:safeguarding_partnership")


def test_role_the_subject_is_before_the_first_verb(tagger):
    assert roles(tagger, "The police share information quickly.", "agency:police") == ["subject"]
    assert roles(tagger, "Social workers share information quickly with the police.", "agency:police") != ["subject"]


def test_convention_6_generic_professionals_get_no_agency(tagger):
    found = tags(tagger, "Professionals and practitioners share information well in most cases.")
    assert not found & {"police", "health", "childrens_social_care", "education", "safeguarding_partnership"}
    assert {"police", "health", "education"} <= tags(tagger, "Police, health and schools share information well.")


# --- rule nested_once ------------------------------------------------------------------------------------

def test_nested_once_overlapping_phrases_of_one_label_count_once(tagger):
    [a] = tagger.analyse(["The local safeguarding children board meets monthly."], [None])
    d = decide(a, tagger.params)
    sc = d.scores["agency:safeguarding_partnership"]
    assert sum(p.counted for p in sc.parts) == 1 < len(sc.parts)
    assert "nested_once" in sc.rules


def test_nested_once_a_defined_acronym_after_its_name_is_the_same_mention(tagger):
    [a] = tagger.analyse(["The multi-agency safeguarding hub (MASH) is well staffed."], [None])
    d = decide(a, tagger.params)
    assert sum(p.counted for p in d.scores["theme:front_door"].parts) == 1


def test_same_row_repeated_is_not_new_evidence(tagger):
    once = with_(same_row_factor=0.0)
    [a] = tagger.analyse(["Risk is discussed. Risk is recorded. Risk is reviewed."], [None])
    assert decide(a, once).scores["theme:assessment_and_curiosity"].score == \
        decide(a, with_(same_row_factor=0.0, repeat_factor={"agency": 0.0, "theme": 0.0})).scores[
            "theme:assessment_and_curiosity"].score


# --- rule subheading ----------------------------------------------------------------------------------

def test_subheading_names_whose_work_the_finding_is(tagger):
    p = with_(subheading_weight={"agency": 4.0, "theme": 2.0})
    text = "Practitioners do not always record their decisions."
    assert "health" in tags(tagger, text, "Health", params=p)
    assert "health" not in tags(tagger, text, "Leadership", params=p)


# --- rule subject_agency ----------------------------------------------------------------------------

def test_subject_agency_other_agencies_need_more_evidence(tagger):
    text = "The youth offending service has an active management board. A midwife sometimes attends it."
    strict = with_(other_agency_factor=2.0, label_threshold={}, threshold={"agency": 2.5, "theme": 3.0})
    found = tags(tagger, text, params=strict)
    assert "youth_justice" in found and "health" not in found
    assert "health" in tags(tagger, "A midwife sometimes attends the board.", params=strict)


# --- rule minor_label ------------------------------------------------------------------------------

def test_minor_label_an_agency_named_in_passing_beside_the_one_at_work_is_not_tagged(tagger):
    text = ("Police officers in Eastvale record every domestic incident and the police share each one with "
            "the hub the next morning. Officers check the records of the family, and a school is told.")
    on = with_(minor_share={"agency": 0.35, "theme": 0.0}, other_agency_factor=1.0)
    off = with_(minor_share={"agency": 0.0, "theme": 0.0}, other_agency_factor=1.0)
    assert "education" in tags(tagger, text, params=off)
    found = tags(tagger, text, params=on)
    assert "police" in found and "education" not in found
    # two agencies each at work are both tagged
    both = "Police officers and teachers in Eastvale meet every week and agree what each will do."
    assert {"police", "education"} <= tags(tagger, both, params=on)


# --- rules front_door_is_csc, child_protection_is_csc, early_help_is_csc, children_in_care_is_csc (3, 4) --

@pytest.mark.parametrize("rule,text", [
    ("front_door_is_csc", "Screening of contacts at the front door is timely and thresholds are well understood."),
    ("child_protection_is_csc", "Strategy discussions are held promptly and section 47 enquiries are thorough."),
])
def test_convention_3_4_work_childrens_social_care_leads_is_childrens_social_care(tagger, rule, text):
    p = with_(implied={**shipped_params().implied, rule: 6.0})
    assert "childrens_social_care" in tags(tagger, text, params=p)
    off = with_(implied={k: 0.0 for k in shipped_params().implied})
    assert "childrens_social_care" not in tags(tagger, text, params=off)


def test_convention_4_police_part_in_strategy_meetings_is_police_not_csc(tagger):
    found = tags(tagger, "Police officers do not always attend strategy meetings.")
    assert "police" in found and "strategy_and_child_protection" in found
    assert "childrens_social_care" not in found


def test_convention_3_an_agency_named_at_the_front_door_is_tagged(tagger):
    found = tags(tagger, "Police referrals to the MASH are timely.")
    assert {"police", "front_door"} <= found


# --- rule partnership_as_body (convention 5) -------------------------------------------------------------

def test_partnership_as_body_its_members_listed_are_not_each_tagged(tagger):
    p = with_(partnership_members=3)
    text = ("The safeguarding partnership is strong. Social workers, police officers and health visitors "
            "all attend its training.")
    found = tags(tagger, text, params=p)
    assert "safeguarding_partnership" in found and not found & {"childrens_social_care", "police", "health"}
    assert {"police", "health"} <= tags(tagger, "Police officers and health visitors attend training.", params=p)


def test_member_list_the_members_a_partnership_includes_are_not_each_tagged(tagger):
    text = ("There is a strong partnership across Oakvale, including the police, schools, probation and "
            "health services.")
    assert set(roles(tagger, text, "agency:police")) == {"member"}
    assert not tags(tagger, text) & {"police", "education", "probation", "health"}
    # "including" after anything but the partnership is an example; "includes" no cue at all
    assert roles(tagger, "Some agencies, including the police, share records well.", "agency:police") == ["example"]
    text = "The Oakvale team includes police officers, who share records well."
    assert set(roles(tagger, text, "agency:police")) <= {"actor", "subject"}
    assert "police" in tags(tagger, text)


def test_member_list_runs_through_a_members_brackets_and_its_nested_names(tagger):
    text = ("The partnership in Oakvale, which includes the police, health services (including CAMHS and "
            "adult mental health services), probation and schools, meets monthly.")
    for key in ("agency:police", "agency:health", "agency:adult_services", "agency:probation", "agency:education"):
        assert set(roles(tagger, text, key)) == {"member"}, key
    assert not tags(tagger, text) & {"police", "health", "adult_services", "probation", "education"}
    # without the partnership before it the same list is the agencies at work (convention 6)
    text = "The police, health services (including CAMHS) and probation share records well."
    assert {"police", "health", "probation"} <= tags(tagger, text)


def test_role_a_cue_inside_closed_brackets_does_not_reach_past_them(tagger):
    text = "Some plans (including those for neglect) are clear, and the police share records."
    assert "example" not in roles(tagger, text, "agency:police")
    assert roles(tagger, "Some plans are clear, including those the police share.", "agency:police") == ["example"]


def test_convention_5_across_the_partnership_is_not_the_partnership_as_a_body(tagger):
    assert "safeguarding_partnership" not in tags(tagger, "Practice across the partnership is consistently strong.")
    assert "safeguarding_partnership" in tags(tagger, "The safeguarding partnership scrutinises practice well.")


# --- rule partnership_is_governance (convention 9) ----------------------------------------------------------

def test_partnership_is_governance_the_partnership_at_work_is_leadership(tagger):
    p = with_(partnership_governance=6.0)
    text = "The safeguarding children partnership has published its annual report."
    assert "leadership_and_governance" in tags(tagger, text, params=p)
    assert "leadership_and_governance" not in tags(tagger, text, params=with_(partnership_governance=0.0))


# --- convention 8: the deep dive is no theme by default ---------------------------------------------------

def test_convention_8_the_deep_dive_is_no_theme_by_default(tagger):
    text = "Social workers visit children regularly and record their views."
    assert "mental_health" not in tags(tagger, text, letter_theme="mental_health")
    assert "mental_health" in tags(tagger, "CAMHS respond quickly to self-harm.", letter_theme="mental_health")


# --- convention 9: the usual pairs -------------------------------------------------------------------------

def test_convention_9_supervision_is_management_oversight_and_strategy_is_leadership(tagger):
    found = tags(tagger, "Regular reflective supervision and audits support social workers well.")
    assert "management_oversight" in found and "leadership_and_governance" not in found
    found = tags(tagger, "Strategic leadership and governance of the partnership are strong.")
    assert "leadership_and_governance" in found and "management_oversight" not in found


def test_convention_9_sharing_is_information_sharing_and_recording_is_records(tagger):
    found = tags(tagger, "Agencies share information quickly with each other.")
    assert "information_sharing" in found and "records_and_systems" not in found
    found = tags(tagger, "Case records and chronologies are up to date.")
    assert "records_and_systems" in found and "information_sharing" not in found


def test_convention_9_the_front_doors_own_timeliness_is_front_door(tagger):
    found = tags(tagger, "There are delays in the MASH process when contacts are screened.")
    assert "front_door" in found and "planning_and_review" not in found
    assert "planning_and_review" in tags(tagger, "Drift and delay in plans mean that children wait too long.")


# --- convention 10 and 1: none is allowed; a role that belongs to one agency ----------------------------------

def test_convention_10_max_themes_keeps_the_strongest(tagger):
    text = ("Strategy discussions are timely, supervision is regular, case records are up to date and information "
            "is shared well.")
    assert len(tags(tagger, text, params=with_(max_themes=99)) & {
        "strategy_and_child_protection", "management_oversight", "records_and_systems", "information_sharing"}) == 4
    kept = tags(tagger, text, params=with_(max_themes=2))
    assert len({t for t in kept if t not in {"childrens_social_care", "police", "health"}}) == 2


def test_convention_10_a_finding_may_have_no_tags(tagger):
    assert tags(tagger, "The weather was fine during the week of the visit.") == set()


@pytest.mark.parametrize("text,label", [
    ("Health visitors see every new baby at home.", "health"),
    ("Social workers know the children well.", "childrens_social_care"),
    ("Designated safeguarding leads are confident to refer.", "education"),
    ("The public protection unit screens every incident.", "police"),
    ("YOT workers see children weekly.", "youth_justice"),
])
def test_convention_1_a_role_that_belongs_to_one_agency_names_it(tagger, text, label):
    assert label in tags(tagger, text)
