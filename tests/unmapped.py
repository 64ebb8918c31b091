"""A letter whose bullet font has no /ToUnicode, generated on the fly (nothing committed): the
bullets are drawn in a font of their own, which is then renamed as a symbol font and stripped of
its Unicode mapping, as some office suites write Wingdings bullets."""

from __future__ import annotations

from pathlib import Path

STRENGTHS = ["Youth workers in Fernhollow meet children at the hospital on the night they are hurt.",
             "Schools and the police share a single plan for each child at risk of exploitation.",
             "Managers check every week that the actions agreed for each child are carried out."]
AREAS = ["The recording of the reasons for decisions made at strategy meetings.",
         "The use of health data to plan services for children who carry knives."]


def _font(bold: bool = False, mono: bool = False) -> str:
    folder = Path("/usr/share/fonts/truetype/dejavu")
    name = "DejaVuSansMono" if mono else "DejaVuSans-Bold" if bold else "DejaVuSans"
    if (folder / f"{name}.ttf").exists():
        return str(folder / f"{name}.ttf")
    import reportlab

    fonts = Path(reportlab.__file__).parent / "fonts"
    return str(fonts / ("VeraMono.ttf" if mono else "VeraBd.ttf" if bold else "Vera.ttf"))


def make_unmapped_bullets_letter(path: Path) -> Path:
    """Write the letter to ``path``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("UmBody", _font()))
    pdfmetrics.registerFont(TTFont("UmBold", _font(bold=True)))
    pdfmetrics.registerFont(TTFont("UmBullet", _font(mono=True)))
    raw = path.with_suffix(".raw.pdf")
    c = canvas.Canvas(str(raw), pagesize=A4, invariant=1)
    y = 770.0

    def line(text: str, font: str = "UmBody", x: float = 72, gap: float = 16) -> None:
        nonlocal y
        c.setFont(font, 11)
        c.drawString(x, y, text)
        y -= gap

    line("3 March 2026", gap=30)
    line("Dear Fernhollow Safeguarding Partnership", gap=24)
    line("Joint targeted area inspection of Fernhollow", "UmBold", gap=24)
    line("This letter summarises the findings of the joint targeted area inspection (JTAI) of the", gap=14)
    line("multi-agency response to children at risk of serious youth violence in Fernhollow.", gap=24)
    for heading, items in (("What needs to improve?", AREAS), ("Strengths", STRENGTHS)):
        line(heading, "UmBold", gap=20)
        for item in items:
            c.setFont("UmBullet", 11)
            c.drawString(72, y, "\u2022")
            line(item, x=90, gap=20)
        y -= 6
    line("Next steps", "UmBold", gap=20)
    line("Fernhollow Council should send the written statement of action by 1 June 2026.", gap=30)
    line("Yours sincerely,", gap=30)
    line("Ines Harrow", "UmBold")
    c.save()
    writer = PdfWriter(clone_from=PdfReader(str(raw)))
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            if "Mono" in base:
                symbol = NameObject(base.split("+")[0] + "+Wingdings-Regular")
                font[NameObject("/BaseFont")] = symbol
                font["/FontDescriptor"].get_object()[NameObject("/FontName")] = symbol
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
    with open(path, "wb") as fh:
        writer.write(fh)
    raw.unlink()
    return path
