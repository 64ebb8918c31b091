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
    """A tiny page-layout engine: wrapped paragraphs, bullets, footnotes, page numbers, running
    headers, drawn frames around text, fake bold and overlapping lines."""

    LEFT, RIGHT, TOP, BOTTOM = 72, 523, 770, 90
    PAD = 8  # space between a frame and the text inside it

    def __init__(self, path: Path, header: str | None = None, page_label: str = "{n}") -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.page = 1
        self.y = float(self.TOP)
        self.footnotes: list[str] = []
        self.header = header  # a running header printed at the top of every page
        self.page_label = page_label
        self.frame: tuple[str, float] | None = None  # (style, top y) of the frame being drawn
        self.inset = 0.0
        self.last_baseline = float(self.TOP)
        self._head()

    def _newline(self, size: float = 11, leading: float | None = None) -> None:
        self.y -= leading if leading is not None else size * 1.3
        if self.y < self.BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        style = self.frame[0] if self.frame else None
        if style:
            self.end_frame()  # a frame broken over a page: one part on each page
        self._foot()
        self.c.showPage()
        self.page += 1
        self.y = float(self.TOP)
        self._head()
        if style:
            self.start_frame(style)

    def _head(self) -> None:
        if self.header:
            self.c.setFont("Body", 9)
            self.c.drawString(self.LEFT, 815, self.header)

    def _foot(self) -> None:
        y = 60 + 11 * len(self.footnotes)
        for note in self.footnotes:
            self.c.setFont("Body", 8)
            self.c.drawString(self.LEFT, y, note)
            y -= 11
        self.footnotes = []
        self.c.setFont("Body", 9)
        self.c.drawRightString(self.RIGHT, 40, self.page_label.format(n=self.page))

    def draw(self, x: float, y: float, line: str, font: str, size: float, fake_bold: bool = False) -> None:
        self.last_baseline = y
        self.c.setFont(font, size)
        self.c.drawString(x, y, line)
        if fake_bold:  # the same line again, a hair to the right: bold without a bold font
            self.c.drawString(x + 0.4, y, line)

    def text(self, text: str, bold: bool = False, size: float = 11, x: float | None = None,
             indent: float = 0, marker: str | None = None, gap: float = 8, fake_bold: bool = False,
             leading: float | None = None) -> None:
        x = (self.LEFT if x is None else x) + self.inset
        font = "Body-Bold" if bold else "Body"
        lines = simpleSplit(text, font, size, self.RIGHT - self.inset - x - indent)
        for i, line in enumerate(lines):
            self.draw(x + (indent if i else 0), self.y, line, font, size, fake_bold)
            if marker and i == len(lines) - 1:  # a raised footnote marker after the last word
                self.c.setFont("Body", 7)
                self.c.drawString(x + (indent if i else 0) + pdfmetrics.stringWidth(line, font, size) + 1,
                                  self.y + 4, marker)
            self._newline(size, leading)
        self.y -= gap

    def bullet(self, glyph: str | None, text: str, level: int = 0) -> None:
        x = self.LEFT + 18 * level + self.inset
        lines = simpleSplit(text, "Body", 11, self.RIGHT - self.inset - x - 18)
        for i, line in enumerate(lines):
            self.c.setFont("Body", 11)
            if i == 0 and glyph:
                self.c.drawString(x, self.y, glyph)
            self.draw(x + 18, self.y, line, "Body", 11)
            self._newline()
        self.y -= 5

    def footnote(self, text: str) -> None:
        self.footnotes.append(text)

    # --- frames: the drawn boxes some letters print their case studies in -------------------

    def start_frame(self, style: str) -> None:
        self.y -= 4
        self.frame = (style, self.y + 11 + 4)
        self.inset = self.PAD
        self.y -= 6

    def end_frame(self) -> None:
        assert self.frame is not None
        style, top = self.frame
        bottom = self.last_baseline - 7
        x0, x1 = self.LEFT - 2, self.RIGHT + 2
        c = self.c
        c.saveState()
        c.setLineWidth(0.6)
        if style == "rect":
            c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
        elif style == "borders":  # a table cell's borders, as word processors draw them: thin filled boxes
            for bx, by, bw, bh in ((x0, top - 0.5, x1 - x0, 0.5), (x0, bottom, x1 - x0, 0.5),
                                   (x0, bottom, 0.5, top - bottom), (x1 - 0.5, bottom, 0.5, top - bottom)):
                c.rect(bx, by, bw, bh, stroke=0, fill=1)
        elif style == "lines":
            for a, b, cc, d in ((x0, top, x1, top), (x1, top, x1, bottom), (x1, bottom, x0, bottom),
                                (x0, bottom, x0, top)):
                c.line(a, b, cc, d)
        elif style == "form":  # the frame drawn inside a form XObject, placed by a matrix
            name = f"frame{self.page}_{int(top)}"
            c.beginForm(name)
            c.setLineWidth(0.6)
            c.rect(0, 0, (x1 - x0) / 2, (top - bottom) / 2, stroke=1, fill=0)
            c.endForm()
            c.saveState()
            c.translate(x0, bottom)
            c.scale(2, 2)
            c.doForm(name)
            c.restoreState()
        c.restoreState()
        self.frame = None
        self.inset = 0.0
        self.y -= 10

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


def signature_boxes(w: Writer, people: list[tuple[str, str]], fake_bold: bool = False) -> None:
    """The 2022+ sign-off: one box per inspectorate, a bold name line over a bold role line."""
    w.text("Yours sincerely,", gap=20)
    for name, role in people:
        w.text(name, bold=not fake_bold, fake_bold=fake_bold, x=78, gap=0)
        w.text(role, bold=not fake_bold, fake_bold=fake_bold, x=78, gap=24)


def next_steps(w: Writer, who: str, date: str, fake_bold: bool = False) -> None:
    w.text("Next steps", bold=not fake_bold, fake_bold=fake_bold)
    w.text(f"{who} should send the written statement of action to ProtectionOfChildren@ofsted.gov.uk by {date}. "
           "This statement will inform the lines of enquiry at any future joint or single-agency activity by the "
           "inspectorates.")


INSPECTORATES_3 = ("Ofsted, the Care Quality Commission (CQC) and His Majesty’s Inspectorate of Constabulary and "
                   "Fire & Rescue Services (HMICFRS)")
INSPECTORATES_4 = ("Ofsted, the Care Quality Commission (CQC), His Majesty’s Inspectorate of Constabulary and Fire & "
                   "Rescue Services (HMICFRS) and His Majesty’s Inspectorate of Probation (HMI Probation)")


def summary(w: Writer, response: str, dates: str, inspectorates: str = INSPECTORATES_3, more: str = "",
            leading: float | None = None) -> None:
    """The two opening paragraphs of a 2022+ letter."""
    w.text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the multi-agency "
           f"response to {response}.", leading=leading)
    w.text(f"This inspection took place from {dates}. It was carried out by inspectors from {inspectorates}.{more}",
           leading=leading)


def fake_bold_letter(path: Path) -> None:
    """Fake bold (a line drawn twice, a hair apart) for the date, salutation, title, headings and
    names; the opening paragraphs set so tight that their lines overlap; a running header."""
    w = Writer(path, header="Eastwold joint targeted area inspection: findings letter", page_label="Page {n}")
    w.text("21 June 2024", gap=20, fake_bold=True)
    for line in ["Helen Marsh, Director of Children’s Services, Eastwold Council",
                 "Tariq Bell, Chief Nurse, NHS Eastwold Integrated Care Board",
                 "Chief Superintendent Ffion Lloyd, Commander, Eastwold Police"]:
        w.text(line, gap=0)
    w.y -= 20
    w.text("Dear Eastwold Local Safeguarding Partnership", gap=14, fake_bold=True)
    w.text("Joint targeted area inspection of Eastwold", gap=12, fake_bold=True)
    summary(w, "identification of initial need and risk in Eastwold", "15 to 19 April 2024", leading=8.5)
    w.text("Headline findings", fake_bold=True)
    w.text("Children who need help in Eastwold are seen quickly by the right people. Decisions at the front door "
           "are mostly timely, but some referrals from schools wait too long for a reply.")
    w.text("What needs to improve?", fake_bold=True)
    w.bullet("\u25fc", "The speed of replies to schools that refer a child to the front door.")
    w.bullet("\u25fc", "The recording of why a referral does not lead to an assessment.")
    w.text("Strengths", fake_bold=True)
    for text in ["Police officers share notifications about children with the front door within a day.",
                 "Health visitors and school nurses attend the daily meeting about new referrals.",
                 "Social workers explain their decisions to families in plain words.",
                 "The out-of-hours service reads the day's notes before it visits a family.",
                 "Managers check a sample of closed contacts every month and act on what they find."]:
        w.bullet("\u25fc", text)
    w.text("Main findings", fake_bold=True)
    for _ in range(5):
        w.text("Leaders in Eastwold have a shared plan for the front door. They meet every month to review what "
               "the figures and the audits of practice tell them, and they change the work when it is needed. "
               "Staff across the agencies say that they understand the plan and their part in it.")
        w.text("The front door is well staffed. Experienced social workers screen each contact on the day it "
               "arrives, and they ask partner agencies for what they know before they decide what to do next. "
               "When the risk is high, a strategy discussion is held on the same day.")
    next_steps(w, "Eastwold Council", "10 October 2024", fake_bold=True)
    signature_boxes(w, [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted"),
                        ("Dr Isobel Crane", "Chief Inspector of Healthcare"),
                        ("Tomasz Reed", "His Majesty’s Inspector of Constabulary and Fire & Rescue Services")],
                    fake_bold=True)
    w.save()


def theme_letter(path: Path) -> None:
    """A deep-dive sentence that also mentions another topic (the theme listed first in
    letter_themes.tsv would win if the first matching row decided)."""
    w = Writer(path)
    opening(w, "8 February 2019",
            ["Ruth Abara, Director of Children’s Services, Kelsey Moor Council",
             "Neil Ashdown, Chief Constable of Kelsey Moor Police"],
            "Dear local partnership",
            "Joint targeted area inspection of the multi-agency response to abuse and neglect in Kelsey Moor")
    w.text("Between 7 and 11 January 2019, Ofsted, the Care Quality Commission (CQC), HMI Constabulary and Fire & "
           "Rescue Services (HMICFRS) and HMI Probation (HMI Prob) carried out a joint inspection of the "
           "multi-agency response to abuse and neglect in Kelsey Moor.")
    w.text("This inspection included a ‘deep dive’ focus on the response to children living with neglect, "
           "including those whose parents have poor mental health.")
    w.text("Key strengths", bold=True, size=13)
    w.bullet("\u2022", "Health visitors spot the early signs of neglect and share them with the school nurse.")
    w.bullet("\u2022", "Social workers visit children at home and see their bedrooms.")
    w.text("Areas for improvement", bold=True, size=13)
    w.bullet("\u2022", "Adult mental health services do not always ask whether the patient cares for a child.")
    w.text("Next steps", bold=True, size=13)
    w.text("The director of children’s services should send the written statement of action to "
           "ProtectionOfChildren@ofsted.gov.uk by 3 May 2019.")
    w.text("Yours sincerely", gap=20)
    w.text("Aled Marlowe", x=78, gap=0)
    w.text("National Director, Social Care, Ofsted", x=78)
    w.save()


def bulletless_list_letter(path: Path) -> None:
    """Lists with no bullet glyphs whose items are plain paragraphs under bold sub-headings; the
    area's name inside the theme's phrase ("families in Westmere who need help")."""
    w = Writer(path)
    opening(w, "12 October 2023",
            ["Grace Oduya, Director of Children’s Services, Westmere Council",
             "Paul Lindqvist, Chief Nurse, NHS Westmere Integrated Care Board"],
            "Dear Westmere Local Safeguarding Partnership",
            "Joint targeted area inspection of Westmere")
    summary(w, "children and families in Westmere who need help", "4 to 8 September 2023")
    w.text("What needs to improve?", bold=True)
    w.text("Leadership and governance", bold=True)
    w.text("The partnership does not know how many families wait for help after a first request, or for how long.")
    w.text("Health services", bold=True)
    w.text("Midwives do not always share their concerns about a family with the health visitor before the baby is "
           "born.")
    w.text("General practitioners are not told when a family they care for starts to receive help.")
    w.text("Strengths", bold=True)
    w.text("Schools", bold=True)
    w.text("Schools offer families a named worker, who visits the home and helps with everyday problems.")
    w.text("Police", bold=True)
    w.text("Neighbourhood officers tell the family support team about families they worry about.")
    w.text("Main findings", bold=True)
    w.text("Families in Westmere can ask for help in many places, and most of them are helped quickly. Workers "
           "know their families well and talk with them about what would make a difference.")
    next_steps(w, "Westmere Council", "20 January 2024")
    signature_boxes(w, [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted"),
                        ("Dr Isobel Crane", "Chief Inspector of Healthcare")])
    w.save()


def framed_studies_letter(path: Path) -> None:
    """Practice studies printed inside drawn frames of every kind (a rectangle, table borders of
    thin filled boxes, four lines, a form XObject), one under a heading in plain weight right
    after a bulleted list, one followed by more numbered paragraphs of the main findings, one
    broken over a page."""
    w = Writer(path)
    opening(w, "14 November 2024",
            ["Amira Haddad, Director of Children’s Services, Brackley Council",
             "Owen Price, Chief Nurse, NHS Brackley Integrated Care Board",
             "Chief Superintendent Dan Okoye, Commander, Brackley Police"],
            "Dear Brackley Local Safeguarding Partnership",
            "Joint targeted area inspection of Brackley")
    summary(w, "serious youth violence in Brackley", "23 to 27 September 2024", INSPECTORATES_4)
    w.text("What needs to improve?", bold=True)
    w.bullet("\u25fc", "The sharing of information about children who carry weapons between schools and police.")
    w.bullet("\u25fc", "The help offered to children after they leave custody.")
    w.text("Strengths", bold=True)
    w.bullet("\u25fc", "Youth workers meet children in hospital on the night they are hurt.")
    w.bullet("\u25fc", "The partnership listens to children about the places where they feel unsafe.")
    w.start_frame("rect")
    w.inset = 18  # the study's text starts where the bullets' text hangs
    w.text("Practice study: highly effective practice")
    w.text("A girl who had been threatened at school was given a youth worker the same day. The worker met her "
           "every morning for a month, and the police moved her route to school.")
    w.end_frame()
    w.text("Main findings", bold=True)
    w.text("1. Leaders share a clear plan to reduce violence, and they check its progress every quarter.")
    w.text("2. Schools and the youth justice service meet weekly to plan for children at risk.")
    w.start_frame("borders")
    w.text("Practice study: area for improvement", bold=True)
    w.text("A boy who was known to carry a knife moved school twice in a year. Neither school was told about "
           "the risk, and his new teachers learned of it from his friends.")
    w.end_frame()
    w.text("3. Health practitioners in the emergency department ask children about their safety.")
    w.text("4. Probation officers check whether the adults they supervise have children at home.")
    n = 5
    while n < 8 or not (w.page == 2 and w.y < w.BOTTOM + 60):  # the next frame breaks over the page
        w.text(f"{n}. Workers across the agencies know the children most at risk by name, and they meet to share "
               "what they know about them whenever something changes in their lives.")
        n += 1
    w.start_frame("lines")
    w.text("Places and spaces: highly effective practice", bold=True)
    w.text("Children said the park near the station was not safe after dark. The council added lights and a "
           "youth shelter, and youth workers now walk the park on Friday nights with police officers.")
    w.text("Fewer children were hurt there in the months that followed, and more of them now use the youth "
           "shelter in the evening.")
    w.end_frame()
    w.text(f"{n}. The partnership has asked children to help it check whether the park is now safer.")
    w.start_frame("form")
    w.text("Practice study: highly effective practice", bold=True)
    w.text("A mother asked for help when her son stopped coming home. A family worker visited the next day.")
    w.end_frame()
    next_steps(w, "Brackley Council", "6 March 2025")
    signature_boxes(w, [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted"),
                        ("Martin Osei", "His Majesty’s Chief Inspector of Probation")])
    w.save()


def boilerplate_letter(path: Path) -> None:
    """A 2025 letter: a scoping sentence before the summary and at the top of a list of plain
    paragraphs, and a deep dive whose theme is none of today's."""
    w = Writer(path)
    opening(w, "19 September 2025",
            ["Lucy Brennan, Director of Children’s Services, Ashby Fen Council",
             "Marek Nowak, Chief Constable, Ashby Fen Police"],
            "Dear Ashby Fen Local Safeguarding Partnership",
            "Joint targeted area inspection of Ashby Fen")
    w.text("All references to children in this letter relate to children and young people aged 10 to 17.")
    summary(w, "children at risk of harm online in Ashby Fen", "7 to 11 July 2025",
            more=" Leaders have begun to look at how harm online is linked to criminal exploitation.")
    w.text("What needs to improve?", bold=True)
    w.text("All references to children in this section relate to children known to children’s social care.")
    w.text("The help given to parents who are worried about what their child sees online.")
    w.text("The training of staff in schools about the risks children meet in online games.")
    w.text("Strengths", bold=True)
    w.bullet("\u25fc", "Police officers remove harmful images quickly when a child reports them.")
    w.text("Main findings", bold=True)
    w.text("Children told inspectors that they know whom to tell when something online upsets them.")
    next_steps(w, "Ashby Fen Council", "30 January 2026")
    signature_boxes(w, [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted"),
                        ("Tomasz Reed", "His Majesty’s Inspector of Constabulary and Fire & Rescue Services")])
    w.save()


def addressees_letter(path: Path) -> None:
    """Addressee names of other shapes: several parts, particles, an apostrophe and hyphens,
    inner capitals, two people on one printed line."""
    w = Writer(path)
    opening(w, "27 May 2022",
            ["Aoife O’Sullivan-Reid, Director of Children’s Services, Lowfield Council",
             "Dr Pieter van der Berg, Chief Medical Officer, NHS Lowfield Integrated Care Board",
             "Maria de la Cruz Romero, Chief Constable, Lowfield Police",
             "Lena FitzGerald and Tomos MacKenzie-Price, Joint Chairs, Lowfield Safeguarding Partnership",
             "Mary Anne Jones Okoro, Head of Youth Justice, Lowfield Youth Justice Service",
             "Sam Leigh, Director of Public Health, and Kit Moore, Head of Safeguarding, Lowfield Council",
             "Nina Patel, Director of Adult Social Care, Lowfield Council"],
            "Dear Lowfield Local Safeguarding Partnership",
            "Joint targeted area inspection of Lowfield")
    summary(w, "identification of initial need and risk in Lowfield", "4 to 8 April 2022")
    w.text("What needs to improve?", bold=True)
    w.bullet("\u25fc", "The timeliness of health information shared with the front door.")
    w.text("Strengths", bold=True)
    w.bullet("\u25fc", "Social workers at the front door know the families of Lowfield well.")
    next_steps(w, "Lowfield Council", "15 September 2022")
    signature_boxes(w, [("Aled Marlowe", "National Director, Regulation and Social Care, Ofsted")])
    w.save()


# A text copy of a letter as pdftotext prints it: a page number and the page's footnotes at the
# foot of each page (a footnote's number on its own line, its text in longer lines, sometimes run
# on from the body or split by a blank line), and the 2016-20 signature grid flattened one cell at
# a time, with one column whose signature is an image (no name in the text).
TEXT_LETTER = """\
17 July 2018
Nadia Crowe, Director of Children’s Services, Marshby Council
Ian Pell, Chief Constable of Marshby Police

Dear local partnership
Joint targeted area inspection of the multi-agency response to abuse and
neglect in Marshby
Between 4 and 8 June 2018, Ofsted, the Care Quality Commission (CQC), HMI
Constabulary and Fire & Rescue Services (HMICFRS) and HMI Probation (HMI Prob)
carried out a joint inspection of the multi-agency response to abuse and neglect in
Marshby.1 This inspection included a ‘deep dive’ focus on the response to children
living with domestic abuse.
Leaders in Marshby understand the experiences of children who live with domestic

1

This fictional inspection was written to test jtai-extract.
1

\fabuse, and they review what they learn from audits with every agency.
Key strengths
\u25fc Police officers who attend a domestic incident tell the school through Operation
Lantern2 before the next school day.
\u25fc Health visitors ask every mother about domestic abuse when they see her alone,
and they write down what she says.
\u25fc The Marshby panel3 reviews the plans of children at risk every fortnight and
records its decisions.
Operation Lantern is a fictional scheme in which the police tell a school about a domestic incident overnight.
It was written for this sample.
2

2

\fAreas for improvement
\u25fc General practitioners are not routinely asked for information before a child
protection conference.
\u25fc The partnership does not yet know how many children are referred again within a
year.

3

The Marshby panel is a fictional group of practitioners who meet every fortnight to review the

plans of children at risk.
3

\fNext steps
The director of children’s services should send the written statement of action to
ProtectionOfChildren@ofsted.gov.uk by 9 November 2018. This statement will inform
the lines of enquiry at any future joint or single agency activity by the inspectorates.
Yours sincerely

Ofsted

Care Quality Commission

Aled Marlowe

Ruth Penhale

National Director, Social Care

Deputy Chief Inspector

HMI Constabulary and Fire & Rescue HMI Probation
Services

Tomasz Reed

Assistant Chief Inspector

HMI Constabulary and Fire & Rescue
Services

4

\f"""


def main() -> None:
    register_fonts()
    OUT.mkdir(exist_ok=True)
    era_a(OUT / "fernmouth-2019-03.pdf")
    era_b(OUT / "harrowgate-vale-2025-05.pdf")
    fake_bold_letter(OUT / "eastwold-2024-06.pdf")
    theme_letter(OUT / "kelsey-moor-2019-02.pdf")
    bulletless_list_letter(OUT / "westmere-2023-10.pdf")
    framed_studies_letter(OUT / "brackley-2024-11.pdf")
    boilerplate_letter(OUT / "ashby-fen-2025-09.pdf")
    addressees_letter(OUT / "lowfield-2022-05.pdf")
    (OUT / "marshby-2018-07.txt").write_text(TEXT_LETTER, encoding="utf-8")
    write_expected()
    readme_pictures()


def readme_pictures() -> None:
    """The README's layout-debug pictures: page 1 of the Brackley sample read with frames
    ignored (as before issue 9: the study is swallowed by the list above it), and as read now."""
    from PIL import Image

    from jtai_extract.debug_layout import write_debug_layout
    from jtai_extract.settings import DEFAULT

    docs = OUT.parent / "docs"
    docs.mkdir(exist_ok=True)
    import tempfile

    for name, settings in (("before", DEFAULT.with_(frame_min_width=1e9)), ("after", DEFAULT)):
        with tempfile.TemporaryDirectory() as tmp:
            [page, *_] = write_debug_layout(OUT / "brackley-2024-11.pdf", tmp, settings=settings)
            with Image.open(page) as image:
                crop = image.crop((0, 770, image.width, 1480)).convert("P", palette=Image.Palette.ADAPTIVE)
                crop.save(docs / f"debug-layout-{name}.png", optimize=True)


def write_expected() -> None:
    """The expected output the tests compare against: review the diff before committing it."""
    import os

    from jtai_extract import extract
    from jtai_extract.output import to_json
    from jtai_extract.tagging import Tagger

    os.chdir(OUT.parent)  # source.path is recorded relative to the repository
    tagger = Tagger.load()
    for letter_file in sorted([*OUT.glob("*.pdf"), *OUT.glob("*.txt")]):
        letter = extract(f"samples/{letter_file.name}", tagger=tagger).model_dump(mode="json")
        letter_file.with_suffix(".expected.json").write_text(to_json(letter) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
