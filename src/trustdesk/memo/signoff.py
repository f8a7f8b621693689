"""The memo's closing blocks: the action checklist, the signatures and the verification."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from trustdesk.memo.flowables import FRAME_WIDTH, CheckBox, QrCode, cell_font, heading, para
from trustdesk.memo.grid import Grid, Padding
from trustdesk.memo.styles import INK, MONO, Styles
from trustdesk.memo.text import Text
from trustdesk.memo.viewmodel import ActionRow, MemoViewModel, SignOffBlock

QR_SIZE = 1.4 * 72
BOX = 11


def actions(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    story += _checklist(
        "Required actions — tick each when done",
        vm.required_actions,
        "No action is required by the rule pack.",
        styles,
    )
    story += _checklist(
        "Prohibited actions — tick each to confirm it was not done",
        vm.prohibited_actions,
        "No action is prohibited by the rule pack.",
        styles,
    )
    return story


def _checklist(
    title: str, items: tuple[ActionRow, ...], empty: str, styles: Styles
) -> list[Flowable]:
    if not items:
        return [*heading(title, styles.heading), para(empty, styles.body)]
    rows = [
        [
            CheckBox(BOX),
            Text(
                f"{escape(item.text)}<br/><font size='7'>{escape(item.citation)}</font>",
                styles.body,
            ),
        ]
        for item in items
    ]
    widths = (0.35 * 72, FRAME_WIDTH - 0.35 * 72)
    font = cell_font(styles.body)
    table = Grid(rows, widths, (font, font), padding=Padding(left=2, right=6, top=3, bottom=4))
    return [*heading(title, styles.heading), table]


def _sign_off(block: SignOffBlock, styles: Styles, width: float) -> Table:
    label_width = 0.95 * 72
    rows = [
        [block.role, ""],
        ["Printed name", para(block.name, styles.cell)],
        ["Badge number", para(block.badge, styles.cell)],
        ["Date and time", para(block.when, styles.cell)],
        ["Signature", ""],
    ]
    table = Table(
        rows, colWidths=[label_width, width - label_width], rowHeights=[16, 20, 20, 20, 30]
    )
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("FONT", (0, 0), (0, -1), styles.cell.fontName, styles.cell.fontSize),
                ("FONT", (0, 0), (0, 0), styles.label.fontName, styles.label.fontSize),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 1), (1, -1), 0.7, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def sign_offs(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    half = (FRAME_WIDTH - 0.3 * 72) / 2
    pair = Table(
        [[_sign_off(vm.officer, styles, half), "", _sign_off(vm.supervisor, styles, half)]],
        colWidths=[half, 0.3 * 72, half],
    )
    pair.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([*heading("Signatures", styles.heading), pair])]


def verification(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    check = vm.verification
    chain = "not recorded" if check.chain_position is None else str(check.chain_position)
    text: list[Any] = [
        para("Verification code (type it to check this memo):", styles.label),
        para(check.short_code, styles.code),
        Spacer(1, 2),
        Text(
            f"Decision {escape(check.decision_id)} · version {check.version} · "
            f"audit-chain position {chain}<br/>SHA-256 of the canonical decision record:<br/>"
            f"<font face='{MONO}' size='7'>{check.record_sha256}</font>",
            styles.cell,
        ),
        Spacer(1, 3),
        para(
            f"To check: trustdesk verify --code {check.short_code}, or trustdesk verify on this "
            "PDF file, or scan the QR code, which carries the same values. The same record "
            "always renders to the same PDF, so a memo can be regenerated and compared.",
            styles.small,
        ),
    ]
    text_width = FRAME_WIDTH - QR_SIZE - 16
    box = Table([[text, QrCode(check.qr_payload, QR_SIZE)]], colWidths=[text_width, QR_SIZE + 16])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, INK),
                ("VALIGN", (0, 0), (0, 0), "TOP"),
                ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (0, 0), 6),
            ]
        )
    )
    return [KeepTogether([*heading("Verification", styles.heading), box])]
