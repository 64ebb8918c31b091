"""Build the fictional sample letters in samples/ (run: python scripts/make_samples.py).

The letters are invented (fictional areas, people and findings) and reproduce the layout
features the extractor must handle: wrapped bold titles, footnote markers and footnote text,
page numbers, bullets of several glyphs, sub-bullets, a bullet split over a page break, bold
sub-headings inside a list, "There are no areas for priority action", boxed case studies, and
both signature layouts (the 2016-20 two-column grid and the 2022+ stacked boxes).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
OUT = Path(__file__).resolve().parents[1] / "samples"


def register_fonts() -> None:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists():
            pdfmetrics.registerFont(TTFont("Body", str(folder / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("Body-Bold", str(folder / "DejaVuSans-Bold.ttf")))
            return
    import reportlab

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Body", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Body-Bold", str(fonts / "VeraBd.ttf")))


class Writer:
    """A tiny page-layout engine: wrapped paragraphs, bullets, footnotes and page numbers."""

    LEFT, RIGHT, TOP, BOTTOM = 72, 523, 770, 90

    def __init__(self, path: Path) -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.page = 1
        self.y = self.TOP
        self.footnotes: list[str] = []

    def _newline(self, size: float = 11) -> None:
        self.y -= size * 1.3
        if self.y < self.BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self._foot()
        self.c.showPage()
        self.page += 1
        self.y = self.TOP

    def _foot(self) -> None:
        y = 60 + 11 * len(self.footnotes)
        for note in self.footnotes:
            self.c.setFont("Body", 8)
            self.c.drawString(self.LEFT, y, note)
            y -= 11
        self.footnotes = []
        self.c.setFont("Body", 9)
        self.c.drawRightString(self.RIGHT, 40, str(self.page))

    def text(self, text: str, bold: bool = False, size: float = 11, x: float | None = None,
             indent: float = 0, marker: str | None = None, gap: float = 8) -> None:
        x = self.LEFT if x is None else x
        font = "Body-Bold" if bold else "Body"
        lines = simpleSplit(text, font, size, self.RIGHT - x - indent)
        for i, line in enumerate(lines):
            self.c.setFont(font, size)
            self.c.drawString(x + (indent if i else 0), self.y, line)
            if marker and i == len(lines) - 1:  # a raised footnote marker after the last word
                self.c.setFont("Body", 7)
                self.c.drawString(x + (indent if i else 0) + pdfmetrics.stringWidth(line, font, size) + 1,
                                  self.y + 4, marker)
            self._newline(size)
        self.y -= gap

    def bullet(self, glyph: str, text: str, level: int = 0) -> None:
        x = self.LEFT + 18 * level
        lines = simpleSplit(text, "Body", 11, self.RIGHT - x - 18)
        for i, line in enumerate(lines):
            self.c.setFont("Body", 11)
            if i == 0:
                self.c.drawString(x, self.y, glyph)
            self.c.drawString(x + 18, self.y, line)
            self._newline()
        self.y -= 5

    def footnote(self, text: str) -> None:
        self.footnotes.append(text)

    def save(self) -> None:
        self._foot()
        self.c.save()


def opening(w: Writer, date: str, addressees: list[str], salutation: str, title: str) -> None:
    """Date, addressee lines, salutation and the bold title: the top of every letter."""
    w.text(date, gap=20)
    for line in addressees:
        w.text(line, gap=0)
    w.y -= 20
    w.text(salutation, gap=14)
    w.text(title, bold=True, gap=12)


def era_a(path: Path) -> None:
    w = Writer(path)
    opening(w, "14 March 2019",
            ["Priya Halden, Director of Children’s Services, Fernmouth Borough Council",
             "Owen Castell, Chief Nurse, NHS Fernmouth and Eastwold Clinical Commissioning",
             "    Group",
             "Marcus Tolley QPM, Chief Constable of Eastwold Police",
             "Janet Okafor, Manager, Fernmouth Youth Offending Service",
             "Dr Lena Byrne, Chair of Fernmouth LSCB"],
            "Dear local partnership",
            "Joint targeted area inspection of the multi-agency response to abuse and neglect in Fernmouth")
    w.text("Between 4 and 8 February 2019, Ofsted, the Care Quality Commission (CQC), HMI Constabulary and "
           "Fire & Rescue Services (HMICFRS) and HMI Probation (HMI Prob) carried out a joint inspection of the "
           "multi-agency response to abuse and neglect in Fernmouth.", marker="1")
    w.footnote("1 This fictional inspection was invented to test jtai-extract.")
    w.text("This inspection included a ‘deep dive’ focus on the response to children living with domestic "
           "abuse.")
    w.text("Leaders in Fernmouth know their area well. The partnership has a clear view of what works and "
           "what does not, and it acts on what it learns from audits of practice.")
    w.text("Key strengths", bold=True, size=13)
    w.bullet("•", "Police officers who attend domestic incidents in Fernmouth make timely referrals to the "
                  "multi-agency safeguarding hub (MASH), so that children are seen quickly.")
    w.bullet("•", "School nurses share information about children at risk with designated safeguarding leads "
                  "every week. This includes:")
    w.bullet("o", "sharing notifications of domestic abuse before the school day begins", level=1)
    w.bullet("o", "joint visits when a child is not in school", level=1)
    fillers = ["The partnership board receives a quarterly report on the response to children living with "
               "domestic abuse and challenges agencies when the figures show delay.",
               "Health visitors ask every mother about domestic abuse when they are alone with her.",
               "The youth offending service checks with the MASH before each first meeting with a child.",
               "Early help workers use a shared assessment, so families tell their story once.",
               "Designated safeguarding leads in schools receive training on coercive control.",
               "Probation officers check whether the men they supervise live with children.",
               "Voluntary sector refuges work with social workers to plan each child’s move."]
    while w.y > w.BOTTOM + 50 and fillers:
        w.bullet("•", fillers.pop(0))
    w.bullet("•", "The emergency duty team responds well out of hours. Social workers on duty read the "
                  "history of each family before they visit, and they record their decisions clearly so "
                  "that day teams can act on them the following morning without any loss of information "
                  "about the risks to the children concerned.")
    w.text("Case study: highly effective practice", bold=True, x=90)
    w.text("A young child was referred after police attended a domestic incident at night. The emergency "
           "duty team visited the same evening, and the health visitor saw the family the next day.", x=90)
    w.text("Areas for priority action", bold=True, size=13)
    w.bullet("•", "There are no areas for priority action")
    w.text("Areas for improvement", bold=True, size=13)
    w.text("Leadership and management", bold=True)
    w.bullet("•", "The partnership does not yet collect data on repeat referrals for children living with "
                  "domestic abuse.")
    w.text("Health", bold=True)
    w.bullet("•", "Emergency department staff do not always ask about children when adults attend after "
                  "domestic abuse.")
    w.bullet("•", "General practitioners are not routinely invited to child protection conferences.")
    w.text("Case study: area for improvement", bold=True, x=90)
    w.text("For one family, information about repeated incidents was not shared with the school, and the "
           "child’s distress was not recognised for several months.", x=90)
    w.new_page()
    w.text("Next steps", bold=True, size=13)
    w.text("The director of children’s services should prepare a written statement of proposed action "
           "responding to the findings outlined in this letter.")
    w.text("The director of children’s services should send the written statement of action to "
           "ProtectionOfChildren@ofsted.gov.uk by 20 June 2019. This statement will inform the lines of "
           "enquiry at any future joint or single agency activity by the inspectorates.")
    w.text("Yours sincerely", gap=20)
    top = w.y
    for col, (insp, name, role) in enumerate([("Ofsted", "Aled Marlowe", "National Director, Social Care"),
                                              ("Care Quality Commission", "Ruth Penhale", "Deputy Chief Inspector")]):
        x = 78 + 230 * col
        w.c.setFont("Body-Bold", 11)
        w.c.drawString(x, top, insp)
        w.c.setFont("Body", 11)
        w.c.drawString(x, top - 60, name)
        w.c.drawString(x, top - 75, role)
    top -= 120
    for col, (insp, name, role) in enumerate([("HMI Constabulary and Fire &", "Tomasz Reed",
                                               "HMI Constabulary and Fire & Rescue"),
                                              ("HMI Probation", "Grace Ilori", "Assistant Chief Inspector")]):
        x = 78 + 230 * col
        w.c.setFont("Body-Bold", 11)
        w.c.drawString(x, top, insp)
        if col == 0:  # the inspectorate's name wraps inside its cell
            w.c.drawString(x, top - 14, "Rescue Services")
        w.c.setFont("Body", 11)
        w.c.drawString(x, top - 60, name)
        w.c.drawString(x, top - 75, role)
    w.save()


def era_b(path: Path) -> None:
    w = Writer(path)
    opening(w, "2 May 2025",
            ["Samuel Arden, Director of Children’s Services, Harrowgate Vale Council",
             "Beatrice Lund, Chief Nursing Officer, NHS Harrowgate Vale Integrated Care Board",
             "Chief Superintendent Nia Hollis, Commander, Vale Police",
             "Ravi Mistry, Independent Scrutineer"],
            "Dear Harrowgate Vale Local Safeguarding Partnership",
            "Joint targeted area inspection of Harrowgate Vale")
    w.text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the "
           "multi-agency response to serious youth violence in Harrowgate Vale.")
    w.text("This inspection took place from 10 to 14 March 2025. It was carried out by inspectors from "
           "Ofsted, the Care Quality Commission (CQC), His Majesty’s Inspectorate of Constabulary and Fire & "
           "Rescue Services (HMICFRS) and His Majesty’s Inspectorate of Probation (HMI Probation).")
    w.text("Headline findings", bold=True)
    w.text("Partners in Harrowgate Vale share a clear understanding of serious youth violence in the area. "
           "Children at risk are identified early, but help after the first contact is not always timely.")
    w.text("What needs to improve?", bold=True)
    w.bullet("◼", "The timeliness of strategy discussions when children are found carrying knives, including:")
    w.bullet("−", "police attendance at every strategy discussion", level=1)
    w.bullet("−", "the recording of the reasons for each decision", level=1)
    w.bullet("◼", "The use of data about hospital attendances after assaults to plan services.")
    w.text("Strengths", bold=True)
    w.bullet("◼", "The youth justice service works closely with schools to keep children in education after "
                  "an arrest.")
    w.bullet("◼", "Community organisations run evening activities in the places where violence happens.")
    w.text("Main findings", bold=True)
    w.text("The violence reduction partnership has a shared strategy, and its board meets every month.")
    w.text("Practice study: highly effective practice", bold=True, x=90)
    w.text("A youth worker met a child in the emergency department after a stabbing and kept in touch "
           "with him every day for six weeks.", x=90)
    w.text("Places and spaces: highly effective practice", bold=True, x=90)
    w.text("Street lighting and youth work were added around the bus station after children said they did "
           "not feel safe there.", x=90)
    w.text("Next steps", bold=True)
    w.text("Harrowgate Vale Council should send the written statement of action to "
           "ProtectionOfChildren@ofsted.gov.uk by Friday 17 July 2025. This statement will inform the lines "
           "of enquiry at any future joint or single-agency activity by the inspectorates.")
    w.text("Yours sincerely,", gap=20)
    for name, role in [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted"),
                       ("Dr Isobel Crane", "Chief Inspector of Healthcare"),
                       ("Tomasz Reed", "His Majesty’s Inspector of Constabulary and Fire & Rescue Services"),
                       ("Martin Osei", "His Majesty’s Chief Inspector of Probation")]:
        w.text(name, bold=True, x=78, gap=0)
        w.text(role, bold=True, x=78, gap=24)
    w.save()


def main() -> None:
    register_fonts()
    OUT.mkdir(exist_ok=True)
    era_a(OUT / "fernmouth-2019-03.pdf")
    era_b(OUT / "harrowgate-vale-2025-05.pdf")
    write_expected()


def write_expected() -> None:
    """The expected output the tests compare against: review the diff before committing it."""
    import os

    from jtai_extract import extract
    from jtai_extract.output import to_json
    from jtai_extract.tagging import Tagger

    os.chdir(OUT.parent)  # source.path is recorded relative to the repository
    for pdf in sorted(OUT.glob("*.pdf")):
        letter = extract(f"samples/{pdf.name}", tagger=Tagger.load()).model_dump(mode="json")
        pdf.with_suffix(".expected.json").write_text(to_json(letter) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
