"""The memo's closing blocks: the action checklist, the signatures and the verification."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Spacer

from trustdesk.memo.blocks import Columns, SignOff, Stack
from trustdesk.memo.flowables import (
    FRAME_WIDTH,
    CheckBox,
    Heading,
    QrCode,
    cell_font,
    para,
    section,
)
from trustdesk.memo.grid import Grid, Padding
from trustdesk.memo.styles import MONO, Styles
from trustdesk.memo.text import Text
from trustdesk.memo.viewmodel import ActionRow, MemoViewModel, SignOffBlock, VerificationBlock

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
        return section(title, styles.heading, [para(empty, styles.body)])
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
    return section(title, styles.heading, [table])


def _sign_off(block: SignOffBlock, styles: Styles, width: float) -> SignOff:
    rows = [
        ("Printed name", para(block.name, styles.cell), 20.0),
        ("Badge number", para(block.badge, styles.cell), 20.0),
        ("Date and time", para(block.when, styles.cell), 20.0),
        ("Signature", None, 30.0),
    ]
    return SignOff(
        block.role,
        cell_font(styles.label),
        rows,
        cell_font(styles.cell),
        width=width,
        label_width=0.95 * 72,
        title_height=16,
    )


def sign_offs(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    half = (FRAME_WIDTH - 0.3 * 72) / 2
    pair = Columns(
        [[_sign_off(vm.officer, styles, half)], [], [_sign_off(vm.supervisor, styles, half)]],
        [half, 0.3 * 72, half],
        padding=Padding(left=0, right=0, top=3, bottom=3),
        align=["top", "top", "top"],
    )
    return [Stack([Heading("Signatures", styles.heading), pair])]


def _chain_head(check: VerificationBlock, styles: Styles) -> list[Flowable]:
    """The audit chain's head when the memo was made: proof, kept on paper, of what the
    whole record held then (trustdesk audit verify --anchors)."""
    if check.chain_head is None:
        return []
    seq, digest = check.chain_head
    return [
        Spacer(1, 2),
        Text(
            f"Audit chain head when this memo was made: entry {seq}, SHA-256<br/>"
            f"<font face='{MONO}' size='7'>{digest}</font>",
            styles.cell,
        ),
    ]


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
        *_chain_head(check, styles),
        Spacer(1, 3),
        para(
            f"To check: trustdesk verify --code {check.short_code}, or trustdesk verify on this "
            "PDF file, or scan the QR code, which carries the same values. The same record "
            "always renders to the same PDF, so a memo can be regenerated and compared.",
            styles.small,
        ),
    ]
    text_width = FRAME_WIDTH - QR_SIZE - 16
    box = Columns(
        [text, [QrCode(check.qr_payload, QR_SIZE)]],
        [text_width, QR_SIZE + 16],
        padding=Padding(left=6, right=6, top=5, bottom=5),
        align=["top", "middle"],
        border=1.4,
    )
    return [Stack([Heading("Verification", styles.heading), box])]
