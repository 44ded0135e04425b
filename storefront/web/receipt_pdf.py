"""Donation receipts and statements as PDF, drawn with reportlab in the request's language.

Every text is set in NanumGothic (regular and bold), and the PDF embeds the subset of each
font that the document uses, so the file prints the same on any reader or printer, with or
without Korean fonts installed. The fonts come from the ``koreanize-matplotlib`` package
(pyproject.toml says why that one); docs/receipts.md gives their license.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import distribution
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from storefront.domain.receipts import Net
from storefront.services.log_proofs import PageProofs
from storefront.services.receipts import CauseGiving, DonationStatement, Receipt
from storefront.web.helpers import money, when
from storefront.web.receipt_text import LOG_PROOF_NOTE, NOT_IN_CHECKPOINT, RECEIPT_KIND_LABELS

FONT, BOLD = "NanumGothic", "NanumGothic-Bold"
FONT_PACKAGE = "koreanize-matplotlib"
FONT_FILES = {FONT: "NanumGothic.ttf", BOLD: "NanumGothicBold.ttf"}
GREEN = colors.HexColor("#214d39")
LINE = colors.HexColor("#cfc9bc")
SHADE = colors.HexColor("#f1ede4")


def _font_path(name: str) -> str:
    """Where the package keeps the font file ``name``, found without importing the package
    (its ``__init__`` would load matplotlib)."""
    path = distribution(FONT_PACKAGE).locate_file(f"koreanize_matplotlib/fonts/{FONT_FILES[name]}")
    return str(path)


@cache
def _fonts() -> tuple[str, str]:
    """Register the regular and bold fonts once per process; reportlab embeds, in each PDF,
    only the glyphs that PDF uses."""
    for name in (FONT, BOLD):
        pdfmetrics.registerFont(TTFont(name, _font_path(name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return FONT, BOLD


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13)
    heading = ParagraphStyle("heading", parent=body, fontName=bold)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10.5)
    return {
        "body": body,
        "brand": ParagraphStyle("brand", parent=heading, fontSize=11, textColor=GREEN),
        "title": ParagraphStyle("title", parent=heading, fontSize=18, leading=24, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=heading, fontSize=11.5, leading=16, spaceBefore=10),
        "small": small,
        "th": ParagraphStyle("th", parent=small, fontName=bold),
        "strong": heading,
        "note": ParagraphStyle(
            "note", parent=body, fontSize=8, leading=10.5, textColor=colors.grey
        ),
        "num": ParagraphStyle("num", parent=body, alignment=TA_RIGHT),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], footer_rows: int = 0) -> Table:
    """A ruled table with a shaded header; numbers (last columns) are plain right-aligned text."""
    table = Table(list(rows), colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), _fonts()[0], 9),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if footer_rows:
        style.append(("BACKGROUND", (0, -footer_rows), (-1, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _head(title: str) -> list[Flowable]:
    return [_p("상생 Sangsaeng", "brand"), _p(title, "title")]


def _meta(pairs: Sequence[tuple[str, str]]) -> Table:
    table = Table([[_p(k, "small"), _p(v)] for k, v in pairs], colWidths=[38 * mm, 130 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), _fonts()[0], 9),  # else Helvetica, not embedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, GREEN),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _causes_table(causes: Sequence[CauseGiving], currency: str) -> Table:
    total = sum((c.net for c in causes), Net())
    kinds = ("donation", "match", "gift") if total.has_gift else ("donation", "match")
    rows: list[list[Any]] = [
        [
            _p(_("Recipient"), "th"),
            _p(_("Registration number"), "th"),
            *(_p(str(RECEIPT_KIND_LABELS[kind]), "th") for kind in kinds),
        ]
    ]
    for c in causes:
        rows.append(
            [
                _p(c.name),
                _p(c.registration or "—"),
                *(_p(money(getattr(c.net, kind), currency), "num") for kind in kinds),
            ]
        )
    rows.append(
        [
            _p(_("Total"), "strong"),
            "",
            *(_p(money(getattr(total, kind), currency), "num") for kind in kinds),
        ]
    )
    rows.append(
        [
            _p(_("Total pledged, net of refunds"), "strong"),
            "",
            *([""] * (len(kinds) - 1)),
            _p(money(total.total, currency), "num"),
        ]
    )
    numbers = [70 * mm / len(kinds)] * len(kinds)
    return _table(rows, [52 * mm, 46 * mm, *numbers], footer_rows=2)


def _note(note: Sequence[tuple[str, str]]) -> list[Flowable]:
    return [Spacer(1, 8 * mm)] + [
        _p(text, "body" if i == 0 else "note") for i, (_code, text) in enumerate(note)
    ]


def _footer(label: str) -> Any:
    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_fonts()[0], 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, label)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    return draw


def _build(story: list[Flowable], title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Sangsaeng",
        initialFontName=_fonts()[0],  # else each page starts in Helvetica, which no PDF embeds
    )
    draw = _footer(footer)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return buffer.getvalue()


@dataclass(frozen=True)
class LogProofs:
    """The receipt's entries' proofs in the signed log, and the links a reader follows."""

    checkpoint_url: str | None
    proofs: PageProofs
    fresh_urls: Mapping[int, str]


def _log_section(found: Receipt, log: LogProofs) -> list[Flowable]:
    """For each entry: its leaf index, the checkpoint it was proved against, its audit path
    and the link to a fresh proof."""
    story: list[Flowable] = [_p(_("Proof that each entry is in the signed log"), "h2")]
    story.append(_p(str(LOG_PROOF_NOTE), "small"))
    checkpoint = log.proofs.checkpoint
    if checkpoint is not None and log.checkpoint_url and log.proofs.any_proved:
        intro = _(
            "Proved against the checkpoint of %(size)s entries signed on %(when)s:",
            size=checkpoint.size,
            when=when(checkpoint.created_at),
        )
        story += [_p(intro, "small"), _p(log.checkpoint_url, "small")]
    story.append(Spacer(1, 2 * mm))
    rows: list[list[Any]] = [
        [_p(h, "small") for h in ("#", _("Leaf"), _("Checkpoint"), _("Audit path (base64)"))]
    ]
    for e in found.entries:
        proof = log.proofs.get(e.id)
        if proof is None or not proof.proved or proof.path is None:
            path = [str(NOT_IN_CHECKPOINT)]
        else:
            path = [base64.b64encode(h).decode() for h in proof.path]
        if e.id in log.fresh_urls:
            path.append(log.fresh_urls[e.id])
        rows.append(
            [
                _p(str(e.id), "small"),
                _p(str(proof.index) if proof else "—", "small"),
                _p(str(proof.size) if proof and proof.size is not None else "—", "small"),
                Paragraph("<br/>".join(escape(line) for line in path), _styles()["small"]),
            ]
        )
    story.append(_table(rows, [12 * mm, 18 * mm, 22 * mm, 116 * mm]))
    return story


def receipt(
    found: Receipt,
    ledger_url: str,
    note: Sequence[tuple[str, str]],
    log: LogProofs | None = None,
) -> bytes:
    """The receipt of one order: who, when, what each recipient was pledged, and the entries."""
    cur = found.currency
    story: list[Flowable] = _head(_("Donation receipt"))
    story.append(
        _meta(
            [
                (_("Receipt number"), found.number),
                (_("Order number"), found.order_number),
                (_("Donor"), found.donor_name),
                (_("Email"), found.email),
                (_("Order paid"), when(found.paid_at)),
            ]
        )
    )
    story += [_p(_("Donations pledged through this order"), "h2"), Spacer(1, 2 * mm)]
    story.append(_causes_table(found.causes, cur))
    if found.net.fully_reversed:
        story.append(
            _p(_("Every donation of this order was reversed because it was refunded."), "small")
        )
    if found.reversals:
        story += [_p(_("Reversals after refunds"), "h2"), Spacer(1, 2 * mm)]
        rows: list[list[Any]] = [
            [_p(h, "th") for h in (_("Date"), _("Recipient"), _("Kind"), _("Amount"))]
        ]
        for e in found.reversals:
            rows.append(
                [
                    _p(when(e.created_at), "small"),
                    _p(e.cause_name),
                    _p(str(RECEIPT_KIND_LABELS.get(e.kind, e.kind)), "small"),
                    _p(money(e.amount, cur), "num"),
                ]
            )
        story.append(_table(rows, [44 * mm, 48 * mm, 46 * mm, 30 * mm]))
    story += [_p(_("Check it in the public ledger"), "h2")]
    story.append(
        _p(
            _(
                "Each amount above is the sum of these ledger entries. Each entry is chained to "
                "the one before by its hash; look them up in the public ledger:"
            ),
            "small",
        )
    )
    story += [_p(ledger_url, "small"), Spacer(1, 2 * mm)]
    rows = [[_p(h, "th") for h in ("#", _("When"), _("Kind"), _("Amount"), _("Hash"))]]
    for e in found.entries:
        rows.append(
            [
                _p(str(e.id), "small"),
                _p(when(e.created_at), "small"),
                _p(f"{RECEIPT_KIND_LABELS.get(e.kind, e.kind)} · {e.cause_name}", "small"),
                _p(money(e.amount, cur), "num"),
                _p(e.hash_prefix + "…", "small"),
            ]
        )
    story.append(_table(rows, [12 * mm, 44 * mm, 60 * mm, 26 * mm, 26 * mm]))
    if log is not None:
        story += _log_section(found, log)
    story += _note(note)
    title = _("Donation receipt %(number)s", number=found.number)
    return _build(story, title, f"Sangsaeng · {found.number}")


def statement(found: DonationStatement, note: Sequence[tuple[str, str]]) -> bytes:
    """A statement for one email and period: totals per recipient, then each order."""
    cur = found.currency
    start, end = (format_date(d, "medium") for d in (found.period.start, found.period.end))
    period = f"{start} – {end}"
    story: list[Flowable] = _head(_("Donation statement"))
    story.append(
        _meta(
            [
                (_("Email"), found.email),
                (_("Period"), period),
                (_("Paid orders"), str(len(found.orders))),
            ]
        )
    )
    story += [_p(_("Totals per recipient"), "h2"), Spacer(1, 2 * mm)]
    story.append(_causes_table(found.by_cause, cur))
    if found.orders:
        story += [_p(_("Per order"), "h2"), Spacer(1, 2 * mm)]
        kinds = ("donation", "match", "gift") if found.net.has_gift else ("donation", "match")
        rows: list[list[Any]] = [
            [
                _p(_("Order"), "th"),
                _p(_("Recipient"), "th"),
                *(_p(str(RECEIPT_KIND_LABELS[kind]), "th") for kind in kinds),
            ]
        ]
        for order in found.orders:
            lines = [order.number, f"{when(order.paid_at)} · {_('Receipt')} {order.receipt_number}"]
            if order.net.fully_reversed:
                lines.append(_("Refunded: every donation of this order was reversed."))
            first = Paragraph("<br/>".join(escape(line) for line in lines), _styles()["small"])
            if not order.causes:
                rows.append(
                    [first, _p(_("This order pledged no donation."), "small"), *([""] * len(kinds))]
                )
            for i, c in enumerate(order.causes):
                rows.append(
                    [
                        first if i == 0 else "",
                        _p(c.name),
                        *(_p(money(getattr(c.net, kind), cur), "num") for kind in kinds),
                    ]
                )
        numbers = [60 * mm / len(kinds)] * len(kinds)
        story.append(_table(rows, [58 * mm, 50 * mm, *numbers]))
    story += _note(note)
    return _build(story, _("Donation statement"), f"Sangsaeng · {found.email} · {period}")
