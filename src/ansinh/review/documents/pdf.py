"""PDF documents of the review, in Vietnamese, with the DejaVu Sans font embedded (fpdf2, pure Python).

Each ``build_*`` function takes the plain values of ``data.py`` and returns the PDF as bytes. The wording
and the columns come from the layouts (``layouts.py``). The fonts are read from this package only, never
from the system's font directories, so the output is the same on every machine.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ansinh import vocab
from ansinh.lib.dates import format_date
from ansinh.lib.numbers import format_number

from . import layouts
from .data import CertificateDocument, DecisionDocument, Issuer, ListRow, MeetingMinutes, ProvisionalList

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVu"


def nfc(value: Any) -> str:
    """Text in composed form (one code point per accented letter), which the font draws without shaping."""
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def _ward_values(issuer: Issuer, on: datetime.date | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ward": issuer.ward,
        "ward_upper": issuer.ward.upper(),
        "province": issuer.province,
        "place": issuer.place_name,
    }
    if on:
        values.update(day=f"{on.day:02d}", month=f"{on.month:02d}", year=on.year)
    return values


class _Document(FPDF):
    """A4 page with the embedded font, page numbers and the blocks every administrative document uses."""

    def __init__(self, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_lang("vi")
        self.set_creator("ansinh")
        self.common = layouts.load("common")
        self.add_page()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")

    # -- blocks -------------------------------------------------------------------------------------
    def line_text(
        self, text: str, *, size: float = 11, bold: bool = False, align: str = "L", height: float | None = None
    ) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, height or size * 0.5, nfc(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, size: float = 11, bold: bool = False) -> None:
        self.line_text(" ".join(nfc(text).split()), size=size, bold=bold, align="J")
        self.ln(1.5)

    def heading(self, issuer: Issuer, *, number: str = "", on: datetime.date | None = None) -> None:
        """Issuer on the left, the national motto on the right, then the place and date."""
        values = _ward_values(issuer, on)
        top = self.get_y()
        left_w = self.epw * 0.42
        right_w = self.epw - left_w
        x0 = self.l_margin
        self.set_font(FONT, "", 10)
        self.set_xy(x0, top)
        self.multi_cell(
            left_w,
            5,
            nfc(layouts.fill(self.common["issuer_line"], **values)),
            align="C",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        self.set_font(FONT, "B", 10)
        self.multi_cell(
            left_w,
            5,
            nfc(layouts.fill(self.common["issuer_unit"], **values)),
            align="C",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        y = self.get_y() + 0.5
        self.line(x0 + left_w * 0.35, y, x0 + left_w * 0.65, y)
        if number:
            self.set_y(y + 1.5)
            self.set_x(x0)
            self.set_font(FONT, "", 10)
            self.multi_cell(left_w, 5, nfc(f"Số: {number}"), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        left_bottom = self.get_y()

        self.set_xy(x0 + left_w, top)
        self.set_font(FONT, "B", 10)
        self.multi_cell(right_w, 5, nfc(self.common["nation"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FONT, "B", 10.5)
        motto = nfc(self.common["motto"])
        self.multi_cell(right_w, 5, motto, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        y = self.get_y() + 0.5
        half = self.get_string_width(motto) / 2
        centre = x0 + left_w + right_w / 2
        self.line(centre - half, y, centre + half, y)
        if on:
            self.set_xy(x0 + left_w, y + 1.5)
            self.set_font(FONT, "", 10)
            self.multi_cell(
                right_w,
                5,
                nfc(layouts.fill(self.common["place_date"], **values)),
                align="C",
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
            )
        self.set_y(max(left_bottom, self.get_y()) + 6)
        self.set_x(self.l_margin)

    def doc_title(self, title: str, subtitle: str = "") -> None:
        self.line_text(title, size=14, bold=True, align="C", height=7)
        if subtitle:
            self.line_text(subtitle, size=11, bold=True, align="C", height=5.5)
        self.ln(4)

    def _fitted_widths(
        self, columns: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], size: float
    ) -> tuple[float, ...]:
        """The layout's widths (shares of the page), widened where a word, or a whole ``nowrap`` value such as a
        household code, would not fit; the room comes from the columns with room to spare."""
        total = sum(float(c.get("width", 20)) for c in columns)
        widths = [float(c.get("width", 20)) * self.epw / total for c in columns]
        padding = 2 * 0.8 + 1.0
        needed = []
        for column in columns:
            key, whole = column["key"], bool(column.get("nowrap"))
            self.set_font(FONT, "B", size)
            words = nfc(column.get("title", "")).split() or [""]
            need = max(self.get_string_width(w) for w in words)
            self.set_font(FONT, "", size)
            for values in rows:
                text = nfc(values.get(key, ""))
                pieces = [text] if whole else text.split() or [""]
                need = max(need, *(self.get_string_width(p) for p in pieces))
            needed.append(need + padding)
        short = sum(max(0.0, n - w) for n, w in zip(needed, widths, strict=True))
        spare = sum(max(0.0, w - n) for n, w in zip(needed, widths, strict=True))
        if short <= 0 or spare <= 0:
            return tuple(widths)
        take = min(1.0, short / spare)
        return tuple(max(n, w) if n >= w else w - (w - n) * take for n, w in zip(needed, widths, strict=True))

    def table_of(self, columns: Sequence[dict[str, Any]], rows: Iterable[dict[str, Any]], *, size: float = 9) -> None:
        rows = list(rows)
        widths = self._fitted_widths(columns, rows, size)
        aligns = tuple({"C": "CENTER", "R": "RIGHT"}.get(str(c.get("align", "L")), "LEFT") for c in columns)
        self.set_font(FONT, "", size)
        with self.table(
            col_widths=widths,
            text_align=aligns,
            line_height=size * 0.5,
            headings_style=_headings_style(size),
            repeat_headings=1,
            first_row_as_headings=True,
            padding=0.8,
        ) as table:
            heading = table.row()
            for column in columns:
                heading.cell(nfc(column.get("title", "")), align="CENTER")
            for values in rows:
                row = table.row()
                for column in columns:
                    row.cell(nfc(values.get(column["key"], "")))
        self.ln(3)

    def signatures(self, titles: Sequence[str], hint: str, names: Sequence[str] = ()) -> None:
        if self.will_page_break(40):
            self.add_page()
        self.ln(4)
        width = self.epw / max(len(titles), 1)
        if len(titles) == 1:  # a single signer signs on the right
            width = self.epw / 2
            self.set_x(self.l_margin + width)
        top = self.get_y()
        for i, text in enumerate(titles):
            x = self.l_margin + (self.epw - width * len(titles)) + i * width
            self.set_xy(x, top)
            self.set_font(FONT, "B", 10.5)
            self.multi_cell(width, 5, nfc(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_font(FONT, "", 9)
            self.multi_cell(width, 5, nfc(hint), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            name = names[i] if i < len(names) else ""
            if name:
                self.set_xy(x, top + 30)
                self.set_font(FONT, "B", 10.5)
                self.multi_cell(width, 5, nfc(name), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + 38)

    def finish(self, title: str) -> bytes:
        self.set_title(nfc(title))
        return bytes(self.output())


Document = _Document  # the page and its blocks, for other modules' documents (payments' decisions, dossiers')


def _headings_style(size: float) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", size_pt=size, fill_color=(235, 235, 235))


def _vocab_vi(vocabulary: vocab.Vocabulary, code: str) -> str:
    return vocabulary[code][1] if code in vocabulary else code


def _class_label(common: dict[str, Any], klass: str) -> str:
    """The class as documents name it (``ansinh.vocab``), unless a layout override renames it."""
    return str((common.get("classes") or {}).get(klass, vocab.household_class(klass)))


def _list_values(common: dict[str, Any], index: int, row: ListRow) -> dict[str, Any]:
    return {
        "stt": index,
        "code": row.code,
        "head_name": row.head_name,
        "address": row.address,
        "members": row.members,
        "klass": _class_label(common, row.klass),
        "previous_class": _class_label(common, row.previous_class) if row.previous_class else "",
        "deprivations": "" if row.deprivations is None else row.deprivations,
        "income_per_person": format_number(row.income_per_person),
        "changed": "x" if row.changed else "",
        "note": row.note,
    }


def list_values(rows: Sequence[ListRow]) -> list[dict[str, Any]]:
    """The rows as the layouts' column keys see them (shared by the PDF and the XLSX)."""
    common = layouts.load("common")
    return [_list_values(common, i, row) for i, row in enumerate(rows, start=1)]


# -- documents -------------------------------------------------------------------------------------


def build_minutes(doc: MeetingMinutes) -> bytes:
    layout = layouts.load("minutes")
    pdf = _Document()
    values = {
        **_ward_values(doc.issuer),
        "year": doc.year,
        "held_on": format_date(doc.held_on),
        "place": doc.place or doc.issuer.ward,
        "chaired_by": doc.chaired_by,
        "secretary": doc.secretary or "………………",
        "present": doc.present,
        "share_percent": f"{doc.agreement_share * 100:g}",
    }
    pdf.heading(doc.issuer, on=doc.held_on)
    pdf.doc_title(layouts.fill(layout["title"], **values), layouts.fill(layout["subtitle"], **values))
    pdf.paragraph(layouts.fill(layout["intro"], **values))
    pdf.paragraph(layouts.fill(layout["chair_line"], **values))
    pdf.paragraph(layouts.fill(layout["secretary_line"], **values))
    pdf.paragraph(layouts.fill(layout["present_line"], **values))
    if doc.participants:
        pdf.line_text(layouts.fill(layout["participants_heading"], **values), bold=True)
        for person in doc.participants:
            pdf.line_text(f"– {person}", size=10.5, height=5.5)
        pdf.ln(2)
    pdf.line_text(layouts.fill(layout["results_heading"], **values), bold=True)
    pdf.paragraph(layouts.fill(layout["rule_line"], **values), size=10)
    common = pdf.common
    rows = [
        {
            "stt": i,
            "code": v.code,
            "head_name": v.head_name,
            "address": v.address,
            "klass": _class_label(common, v.klass),
            "agree": f"{v.agree}/{v.present}",
            "outcome": layout["passed"] if v.passed else layout["failed"],
        }
        for i, v in enumerate(doc.votes, start=1)
    ]
    pdf.table_of(layout["columns"], rows)
    pdf.paragraph(layouts.fill(layout["closing"], **values), size=10)
    pdf.signatures(layout["signatures"], layout["sign_hint"], [doc.secretary, doc.chaired_by])
    return pdf.finish(layouts.fill(layout["title"], **values))


def build_provisional_list(doc: ProvisionalList) -> bytes:
    layout = layouts.load("provisional_list")
    pdf = _Document(orientation="L")
    values = {
        **_ward_values(doc.issuer),
        "year": doc.year,
        "standard": doc.standard,
        "start": format_date(doc.start) or "……",
        "end": format_date(doc.end) or "……",
        "places": doc.places,
    }
    pdf.heading(doc.issuer, on=doc.printed_on or doc.start)
    pdf.doc_title(layouts.fill(layout["title"], **values), layouts.fill(layout["subtitle"], **values))
    if doc.places:
        pdf.paragraph(layouts.fill(layout["places_line"], **values), size=10)
    pdf.table_of(layout["columns"], list_values(doc.rows))
    pdf.paragraph(layouts.fill(layout["closing"], **values), size=10)
    pdf.signatures(layout["signatures"], layout["sign_hint"])
    return pdf.finish(layouts.fill(layout["title"], **values))


def _summary(common: dict[str, Any], rows: Sequence[ListRow]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.klass] = counts.get(row.klass, 0) + 1
    parts = [f"{n} {_class_label(common, k).lower()}" for k, n in counts.items()]
    return ", ".join(parts) if parts else "0 hộ"


ANNEX_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def build_decision(doc: DecisionDocument) -> bytes:
    """The decision: one recognition article and one annex per standard, each article counting its annex."""
    layout = layouts.load("decision")
    pdf = _Document()
    common = pdf.common
    values = {**_ward_values(doc.issuer, doc.date), "year": doc.year, "number": doc.number}
    parts = [
        {
            **values,
            "annex": ANNEX_NUMERALS[i] if i < len(ANNEX_NUMERALS) else str(i + 1),
            "standard": part.standard,
            "summary": _summary(common, part.rows),
            "rows": part.rows,
        }
        for i, part in enumerate(doc.parts)
    ]
    pdf.heading(doc.issuer, number=doc.number, on=doc.date)
    pdf.doc_title(layouts.fill(layout["title"], **values), layouts.fill(layout["subtitle"], **values))
    pdf.line_text(layouts.fill(layout["authority"], **values), bold=True, align="C", height=6)
    pdf.ln(3)
    for basis in layout["bases"]:
        pdf.paragraph(layouts.fill(basis, **values))
    pdf.line_text(layouts.fill(layout["decides"], **values), bold=True, align="C", height=6)
    pdf.ln(2)
    articles = [layouts.fill(layout["recognition"], **part) for part in parts]
    articles += [layouts.fill(article, **values) for article in layout["articles"]]
    for n, article in enumerate(articles, start=1):
        pdf.paragraph(f"Điều {n}. {article}")
    pdf.signatures(layout["signatures"], layout["sign_hint"], [doc.issuer.signer_name])
    for part in parts:
        pdf.add_page()
        pdf.doc_title(layouts.fill(layout["annex_title"], **part), layouts.fill(layout["annex_subtitle"], **part))
        pdf.table_of(layout["columns"], list_values(part["rows"]))
    return pdf.finish(layouts.fill(layout["title"], **values) + " " + doc.number)


def build_certificates(docs: Sequence[CertificateDocument]) -> bytes:
    """One page per certificate (a single household, or every household of a decision)."""
    layout = layouts.load("certificate")
    pdf = _Document()
    common = pdf.common
    for n, doc in enumerate(docs):
        if n:
            pdf.add_page()
        values = {
            **_ward_values(doc.issuer, doc.issued_on),
            "number": doc.number,
            "code": doc.household_code,
            "head_name": doc.head_name,
            "address": doc.address,
            "standard": doc.standard,
            "klass": _class_label(common, doc.klass).lower(),
            "decision_number": doc.decision_number,
            "decision_date": format_date(doc.decision_date),
        }
        values["year"] = doc.year
        pdf.heading(doc.issuer, number=doc.number, on=doc.issued_on)
        pdf.ln(4)
        pdf.doc_title(str(layout["titles"].get(doc.klass, doc.klass)), layouts.fill(layout["year_line"], **values))
        pdf.line_text(layouts.fill(layout["certifies"], **values), bold=True, height=7)
        pdf.ln(1)
        pdf.line_text(layouts.fill(layout["head_line"], **values), size=12, bold=True, height=7)
        for key in ("code_line", "address_line", "class_line", "decision_line"):
            pdf.line_text(layouts.fill(layout[key], **values), height=6.5)
        pdf.ln(3)
        if doc.members:
            pdf.line_text(layouts.fill(layout["members_heading"], **values), bold=True, height=6)
            pdf.ln(1)
            pdf.table_of(
                layout["columns"],
                [
                    {
                        "stt": i,
                        "full_name": m.full_name,
                        "relation": _vocab_vi(vocab.RELATION, m.relation),
                        "sex": _vocab_vi(vocab.SEX, m.sex),
                        "date_of_birth": format_date(m.date_of_birth),
                        "id_number": m.id_number,
                    }
                    for i, m in enumerate(doc.members, start=1)
                ],
                size=9.5,
            )
        pdf.paragraph(layouts.fill(layout["valid_line"], **values), size=10)
        pdf.signatures(layout["signatures"], layout["sign_hint"], [doc.issuer.signer_name])
    title = layout["titles"].get(docs[0].klass, "") if docs else ""
    return pdf.finish(str(title))
