"""Stage 4a: fields (library). Sentences are written for the tests in the letters' styles."""

import pytest

from jtai_extract.document import Line
from jtai_extract.fields import addressees, area, deadlines, inspection_dates, letter_date, letter_theme, split_name


def lines(*texts):
    return [Line(text=t, page=1, x0=71) for t in texts]


def test_letter_date_zero_padded():
    assert letter_date(lines("01 December 2017")) == "2017-12-01"


@pytest.mark.parametrize("text,expected", [
    ("Between 20 and 24 January 2020, Ofsted ...", ("2020-01-20", "2020-01-24")),
    ("This inspection took place from 9 to 13 October 2023.", ("2023-10-09", "2023-10-13")),
    ("Between 31 October and 4 November 2016, ...", ("2016-10-31", "2016-11-04")),
    ("took place from 13 November 2023 to 17 November 2023", ("2023-11-13", "2023-11-17")),
    ("Between 21 March 2017 and 24 March 2017", ("2017-03-21", "2017-03-24")),
])
def test_inspection_dates(text, expected):
    assert inspection_dates(text, "2024-12-01") == expected


def test_inspection_dates_without_a_year_fall_before_the_letter():
    assert inspection_dates("Between 16 May and 20 May, Ofsted", "2016-06-29") == ("2016-05-16", "2016-05-20")
    assert inspection_dates("Between 4 and 8 December, Ofsted", "2019-01-10") == ("2018-12-04", "2018-12-08")


def test_deadline_with_a_wrong_weekday_and_a_two_digit_year():
    [d] = deadlines("The council should send the written statement of action to "
                    "ProtectionOfChildren@ofsted.gov.uk by Friday 18 April 23. This statement will inform.")
    assert (d.date, d.email, d.responsible) == ("2023-04-18", "ProtectionOfChildren@ofsted.gov.uk", "The council")


def test_no_deadline_gives_no_date():
    assert deadlines("The director should prepare a written statement of proposed action.") == []


def test_addressees_wrapped_and_with_post_nominals():
    people = addressees(lines(
        "Ann Example, Director of Children’s Services, London Borough of Northam",
        "Bob Sample, Managing Director Northam and Southam, Clinical",
        "Commissioning Groups",
        "Carol Testa DBE QPM, Commissioner, Metropolitan Police",
        "Dev Patel Assistant Director CAFCASS",
        "Chief Supt Eve Lane, Borough Commander, Northam MPS"))
    assert [p.name for p in people] == ["Ann Example", "Bob Sample", "Carol Testa", "Dev Patel",
                                        "Chief Supt Eve Lane"]
    assert people[1].organisation == "Clinical Commissioning Groups"
    assert [p.agency for p in people[:3]] == ["childrens_social_care", "health", "police"]


def test_split_name_drops_post_nominals_and_separates_run_together_names():
    assert split_name("Dr Sam O’Neil BSc MB ChB MSc") == "Dr Sam O’Neil"
    assert split_name("YvetteStanley") == "Yvette Stanley"
    assert split_name("Jo McMillan") == "Jo McMillan"


@pytest.mark.parametrize("title,expected", [
    ("Joint targeted area inspection of the multi-agency response to abuse and neglect in Northam City", "Northam"),
    ("Joint targeted area inspection of London Borough of Eastham", "Eastham"),
    ("Joint targeted area inspection of the multi-agency response to abuse and neglect in Westshire "
     "Metropolitan District Council", "Westshire"),
])
def test_area_from_title(title, expected):
    assert area(title, None) == expected


def test_theme_comes_from_the_deep_dive_not_the_series_title():
    opening = ("Ofsted ... carried out a joint inspection of the multi-agency response to abuse and neglect "
               "in Northam. This inspection included a ‘deep dive’ focus on the response to children’s mental "
               "health.")
    assert letter_theme("Joint targeted area inspection of the multi-agency response to abuse and neglect in "
                        "Northam", opening).label == "mental_health"


def test_two_addressees_run_together_on_one_line_are_two_people():
    people = addressees(lines(
        "Ann Example, Director of Children’s Services, Northam Council; Bob Sample, Chief Nurse, NHS Northam",
        "Cath Doe and Dan Roe, Joint Chairs, Northam Safeguarding Partnership"))
    assert [(p.name, p.role) for p in people] == [
        ("Ann Example", "Director of Children’s Services"), ("Bob Sample", "Chief Nurse"),
        ("Cath Doe", "Joint Chairs"), ("Dan Roe", "Joint Chairs")]
    assert people[3].organisation == "Northam Safeguarding Partnership"


@pytest.mark.parametrize("opening,title,label", [
    # what the deep dive is into decides, not the first row of letter_themes.tsv that matches
    ("This inspection included a ‘deep dive’ focus on the response to children living with domestic abuse, "
     "including those whose parents have mental health needs.", None, "domestic_abuse"),
    # inserted words in the phrase: the area's name, or a few others
    ("This letter summarises the findings of the JTAI of the multi-agency response to children and families in "
     "Northam Vale who need help.", None, "families_who_need_help"),
    ("This inspection included a ‘deep dive’ focus on children in care who are living with mental ill health.",
     None, "mental_health"),
    # the same words matched by two rows: the more specific wins
    ("This inspection included a ‘deep dive’ focus on child sexual exploitation, children associated with gangs "
     "and children missing from home.", None, "exploitation_and_missing"),
    # the deep dive points back to the title: the title decides
    ("The inspection included a ‘deep dive’ focus on this group of children.",
     "Joint targeted area inspection of the multi-agency response to child exploitation in Northam",
     "child_exploitation"),
])
def test_theme_from_what_the_deep_dive_is_into(opening, title, label):
    assert letter_theme(title, opening, "Northam Vale").label == label


def test_theme_text_is_as_printed_with_the_area_inside():
    opening = "This letter summarises the JTAI of the multi-agency response to families in Northam who need help."
    assert letter_theme(None, opening, "Northam").text == "families in Northam who need help"


def test_several_themes_in_the_deep_dive_give_a_warning():
    warnings: list[str] = []
    theme = letter_theme(None, "This inspection included a deep dive into neglect and domestic abuse.", None,
                         warnings)
    assert theme.label == "neglect"
    assert len(warnings) == 1 and "several themes" in warnings[0] and "domestic_abuse" in warnings[0]


def test_unknown_theme_is_null_with_a_warning_quoting_the_deep_dive():
    warnings: list[str] = []
    opening = ("Leaders know that exploitation matters. This inspection included a ‘deep dive’ focus on "
               "children who are carers for a parent.")
    theme = letter_theme("Joint targeted area inspection of Northam", opening, "Northam", warnings)
    assert (theme.label, theme.text) == (None, None)
    assert warnings == ["no known theme in the deep dive: 'This inspection included a ‘deep dive’ focus on "
                        "children who are carers for a parent.'"]


def test_no_deep_dive_and_no_theme_in_the_title_is_a_warning():
    warnings: list[str] = []
    assert letter_theme("Joint targeted area inspection of Northam", "Leaders know their area.", None,
                        warnings).label is None
    assert warnings == ["no theme found: the letter names no deep dive"]


def test_addressee_names_of_other_shapes():
    people = addressees(lines(
        "Dr Pieter van der Berg, Chief Medical Officer, NHS Northam",
        "Siân O’Neill-Jones, Director of Children’s Services, Northam Council",
        "Lena FitzGerald and Tomos MacKenzie, Joint Chairs, Northam Safeguarding Partnership",
        "Mary Anne de Souza Lima, Head of Youth Justice, Northam Youth Justice Service",
        "Sam Leigh, Director of Public Health, and Kit Moore, Head of Safeguarding, Northam Council"))
    assert [p.name for p in people] == ["Dr Pieter van der Berg", "Siân O’Neill-Jones", "Lena FitzGerald",
                                        "Tomos MacKenzie", "Mary Anne de Souza Lima", "Sam Leigh", "Kit Moore"]
    assert people[6].organisation == "Northam Council"


def test_inner_capitals_survive_when_a_name_has_several_words():
    assert split_name("Lena FitzGerald") == "Lena FitzGerald"
    assert split_name("Dr YvetteStanley") == "Dr Yvette Stanley"


def test_text_signature_grid_flattened_by_pdftotext():
    from jtai_extract.fields import signatories

    chunks = ["Yours sincerely", "", "Ofsted", "", "Care Quality Commission", "", "Ann Lee", "", "Bob Ray", "",
              "National Director", "", "Deputy Chief Inspector", "", "HMI Constabulary HMI Probation", "",
              "Cy Dunn", "", "Chief Inspector", "", "Her Majesty’s Inspector of Constabulary"]
    found = signatories([Line(text=t, page=9) for t in chunks], has_layout=False)
    assert [(s.name, s.role, s.inspectorate) for s in found] == [
        ("Ann Lee", "National Director", "Ofsted"), ("Bob Ray", "Deputy Chief Inspector", "CQC"),
        ("Cy Dunn", "Her Majesty’s Inspector of Constabulary", "HMICFRS")]
