"""The banner that says the record server cannot be reached, and what the desk does then.

It only shows what ``ui.live`` reports: hidden while the server answers, red while it
does not (with how many decisions wait on this workstation), and a short green line when
the kept decisions were recorded late.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

TYPE_CHECKING = False
if TYPE_CHECKING:  # the sign-in window loads this module: nothing heavy at start-up
    from trustdesk.services.sync import Flushed

LOST = (
    "⚠ The record server cannot be reached. You can go on reviewing cases: each decision "
    "is shown and kept on this workstation, its memo marked NOT YET RECORDED, and it is "
    "recorded as soon as the server is back."
)
#: The server answered and refused this desk's log-on: no outage to wait out, a setting
#: (the database login, its password, the server's access rules) for IT to correct.
REFUSED = (
    "⚠ This workstation cannot log on to the record server ({said}). Ask IT to correct "
    "the database setting (login, password, database name, service) or the server's "
    "access rules. "
    "You can go on reviewing cases: each decision is shown and kept on this workstation, "
    "its memo marked NOT YET RECORDED, and it is recorded as soon as the server lets this "
    "workstation in."
)
STYLE = "background: {0}; color: {1}; padding: 6px; font-weight: bold;"


class ServerBanner(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("server_banner")
        self.setWordWrap(True)
        self.hide()

    def show_reachable(self, up: bool, kept: int = 0, refusal: str | None = None) -> None:
        """Hidden for a server that answers; else red, saying whether it cannot be reached
        or refused the log-on (``refusal``: where and what it said)."""
        if up:
            self.hide()
            return
        waiting = f" Waiting on this workstation: {kept}." if kept else ""
        said = LOST if refusal is None else REFUSED.format(said=refusal.rstrip("."))
        self._show(said + waiting, "#c62828", "#ffffff")

    def show_flushed(self, result: Flushed) -> None:
        parts = []
        if result.recorded:
            count = len(result.recorded)
            parts.append(
                f"✓ The server is back: {count} decision{'s' if count != 1 else ''} kept on "
                "this workstation recorded (marked in the audit as recorded late)."
            )
        if result.closures:
            count = len(result.closures)
            parts.append(
                f"✓ {count} hold closure{'s' if count != 1 else ''} kept on this workstation "
                "recorded (recorded late, with the time each hold ended)."
            )
        for item, why in result.refused:
            parts.append(f"⚠ Kept decision {item.short_id} was not recorded: {why}")
        for closure, why in result.closures_refused:
            parts.append(f"⚠ Kept closure of hold {closure.hold_id} was not recorded: {why}")
        if result.unusable:
            # The server answered (not "cannot be reached"): its record is the trouble.
            why = result.unusable.rstrip(".")
            waiting = (
                f" Waiting on this workstation: {result.still_kept}." if result.still_kept else ""
            )
            parts.append(
                f"⚠ The record cannot be used: {why}. What this workstation keeps stays "
                f"kept.{waiting}"
            )
            self._show(" ".join(parts), "#c62828", "#ffffff")
        elif parts:
            trouble = result.refused or result.closures_refused
            self._show(" ".join(parts), "#ffd54f" if trouble else "#c8e6c9", "#000")

    def _show(self, text: str, background: str, colour: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setStyleSheet(STYLE.format(background, colour))
        self.show()
