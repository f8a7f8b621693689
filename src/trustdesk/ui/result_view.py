"""The result page: the decision in large type, every criterion, the actions, the hold clock."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from trustdesk.core.counterfactual import OutcomeChanges, sections
from trustdesk.core.decision import HONOR, MET, NOT_MET, Decision
from trustdesk.core.wall_time import local_text
from trustdesk.services.contact_wording import VERDICT_MARK, notice_due, outcome_lines
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.review_steps import heading, problem_label

OUTCOME_MARK = {**VERDICT_MARK, "not_allowed": "✘"}

STATUS = {MET: ("✔", "MET"), NOT_MET: ("✘", "NOT MET"), "unknown": ("?", "UNKNOWN")}
ATTESTATION = (
    "I &attest that the answers above are accurate as verified from the records, and that "
    "“Unknown / not verified” was chosen wherever a fact could not be verified."
)


def statute_section(statute: str) -> str:
    """The section of the pack's statute as a headline names it ("§ 54-192h")."""
    at = statute.rfind("§")
    return statute[at:] if at >= 0 else statute


def headline(decision: Decision) -> str:
    """The decision on the hold in large type, naming the pack's own statute."""
    if decision.notification_only:
        return f"NO HOLD: NOTIFICATION ONLY UNDER {statute_section(decision.statute)}"
    if decision.decision == HONOR:
        return f"HOLD PERMITTED UNDER {statute_section(decision.statute)}"
    return "DETAINER DECLINED"


def when(value: object, zone: ZoneInfo) -> str:
    from datetime import datetime

    assert isinstance(value, datetime)
    return local_text(value, zone)


def outcomes_html(decision: Decision) -> str:
    """Every action the pack decides: its outcome, grounds, conditions and notices."""
    lines = outcome_lines(decision)
    if not lines:
        return ""
    e = html.escape
    parts = ["<h2>What the law allows, action by action</h2>"]
    for line in lines:
        mark = OUTCOME_MARK.get(line.outcome, "?")
        parts.append(f"<h3>{mark} {e(line.heading)}</h3><p>{e(line.text)}</p><ul>")
        parts.extend(f"<li>Ground: {e(g)}</li>" for g in line.grounds)
        parts.extend(f"<li><b>Condition:</b> {e(c)}</li>" for c in line.conditions)
        parts.extend(f"<li>Notice to give: {e(notice_due(n))}</li>" for n in line.notices)
        if line.citations:
            parts.append(f"<li><small>{e('; '.join(line.citations))}</small></li>")
        parts.append("</ul>")
    return "".join(parts)


def outcomes_summary(decision: Decision) -> str:
    """One short line per action other than the hold, for the large outcome label."""
    return "\n".join(
        f"{OUTCOME_MARK.get(line.outcome, '?')} {line.heading}"
        for line in outcome_lines(decision)
        if line.action != "hold"
    )


def changes_html(changes: OutcomeChanges) -> str:
    """What would change the outcome, as the engine words it (core/counterfactual.py)."""
    e = html.escape
    parts = ["<h2>What would change the outcome</h2>"]
    for heading_text, lines in sections(changes):
        parts.append(f"<h3>{e(heading_text)}</h3><ul>")
        parts.extend(f"<li>{e(line)}</li>" for line in lines)
        parts.append("</ul>")
    return "".join(parts)


def decision_html(decision: Decision, zone: ZoneInfo, changes: OutcomeChanges | None = None) -> str:
    """The whole result as rich text (shown read-only; the memo is the printed form)."""
    e = html.escape
    parts: list[str] = []
    parts.append(f"<h1>{e(headline(decision))}</h1>")
    parts.append(f"<p>Law applied: {e(decision.statute)} — rule pack {e(decision.rule_pack)}</p>")
    if decision.needs_review:
        parts.append("<p><b>⚠ SUPERVISOR REVIEW REQUIRED:</b></p><ul>")
        parts.extend(f"<li>{e(reason)}</li>" for reason in decision.review_reasons)
        parts.append("</ul>")
    for text in decision.unverified:
        parts.append(f"<p><b>⚠ UNVERIFIED DATA:</b> {e(text)}</p>")
    for text in decision.warnings:
        parts.append(f"<p><b>⚠</b> {e(text)}</p>")
    parts.append("<h2>Criteria</h2><table border='1' cellpadding='4' cellspacing='0'>")
    parts.append("<tr><th>Status</th><th>Criterion</th><th>Why</th><th>Citation</th></tr>")
    for result in decision.trace:
        mark, word = STATUS.get(result.status, ("?", result.status.upper()))
        facts = "".join(f"<br/><small>{e(v)}</small>" for _p, v in result.facts)
        parts.append(
            f"<tr><td><b>{mark} {word}</b></td><td>{e(result.title)}</td>"
            f"<td>{e(result.reason)}{facts}</td><td>{e(result.citation)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(outcomes_html(decision))
    if changes is not None:
        parts.append(changes_html(changes))
    parts.append("<h2>Hold clock</h2>")
    if decision.hold is not None:
        hold = decision.hold
        parts.append(
            f"<p>Starts {e(when(hold.starts_at, zone))}; <b>expires "
            f"{e(when(hold.expires_at, zone))}</b>.</p>"
        )
        if hold.excluded_days:
            names = ", ".join(dict.fromkeys(d.reason for d in hold.excluded_days))
            parts.append(f"<p>Days not counted: {e(names)}.</p>")
    elif decision.notification_only:
        parts.append(
            "<p>No hold: the detainer's form asks only to be told before the person's release.</p>"
        )
    elif decision.decision == HONOR:
        parts.append("<p>The release time is not known yet: the clock starts then.</p>")
    else:
        parts.append("<p>No hold: the person must not be held for ICE.</p>")
    parts.append(f"<p><small>{e(decision.hold_rule)} ({e(decision.hold_citation)})</small></p>")
    parts.append("<h2>Required actions</h2><ul>")
    parts.extend(
        f"<li>☐ {e(a.text)} <small>({e(a.citation)})</small></li>"
        for a in decision.required_actions
    )
    parts.append("</ul><h2>Prohibited actions</h2><ul>")
    parts.extend(
        f"<li>☐ {e(a.text)} <small>({e(a.citation)})</small></li>"
        for a in decision.prohibited_actions
    )
    parts.append("</ul>")
    return "".join(parts)


class ResultStep(QWidget):
    def __init__(self, *, amending: bool = False) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.title = heading("Result")
        layout.addWidget(self.title)
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        font = self.outcome.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.outcome.setFont(font)
        self.outcome.setAccessibleName("Decision")
        layout.addWidget(self.outcome)
        # The other actions the law decides (release date, transfer, interview…).
        self.action_outcomes = QLabel()
        self.action_outcomes.setObjectName("action_outcomes")
        self.action_outcomes.setWordWrap(True)
        self.action_outcomes.setAccessibleName("Outcome of each action")
        bold = self.action_outcomes.font()
        bold.setPointSizeF(bold.pointSizeF() * 1.3)
        bold.setBold(True)
        self.action_outcomes.setFont(bold)
        self.action_outcomes.hide()
        layout.addWidget(self.action_outcomes)
        self.details = QTextBrowser()
        self.details.setObjectName("result_details")
        self.details.setAccessibleName("Criteria, actions and hold clock")
        layout.addWidget(self.details, 1)
        self.reason = QLineEdit()
        keep_within(self.reason, 2000)
        self.reason.setPlaceholderText("Why the decision is amended (required)")
        self.reason.setAccessibleName("Reason for the amendment")
        self.reason.setVisible(amending)
        layout.addWidget(self.reason)
        self.attest = QCheckBox(ATTESTATION)
        self.attest.setAccessibleName("Attest the answers")
        layout.addWidget(self.attest)
        self.problems = problem_label()
        layout.addWidget(self.problems)
        self.decision: Decision | None = None

    def show_decision(
        self,
        decision: Decision | None,
        zone: ZoneInfo,
        problem: str = "",
        changes: OutcomeChanges | None = None,
    ) -> None:
        self.decision = decision
        self.attest.setChecked(False)
        if decision is None:
            self.outcome.setText("Not decided yet")
            self.action_outcomes.clear()
            self.action_outcomes.hide()
            self.details.setHtml("")
            self.problems.setText("⚠ " + problem if problem else "")
            self.attest.setEnabled(False)
            return
        self.attest.setEnabled(True)
        self.problems.setText("")
        if decision.decision == HONOR:
            text = "✔ " + headline(decision)
            if decision.hold is not None:
                text += f"\nHold expires {when(decision.hold.expires_at, zone)}"
        else:
            text = "✘ " + headline(decision)
        if decision.needs_review:
            text += "\n⚠ Supervisor review required"
        self.outcome.setText(text)
        self.action_outcomes.setText(outcomes_summary(decision))
        self.action_outcomes.setVisible(bool(self.action_outcomes.text()))
        self.details.setHtml(decision_html(decision, zone, changes))
