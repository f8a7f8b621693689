"""The history's detail pane: one decision's sections as read-only text, and its actions."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from trustdesk.ui.decision_detail import Section

EMPTY_TEXT = "Choose a decision in the results to see its versions, hold, memos and audit."


def sections_html(sections: list[Section]) -> str:
    parts = []
    for section in sections:
        parts.append(f"<h3>{escape(section.title)}</h3>")
        items = "".join(
            f"<li>{escape(line.strip())}</li>"
            if not line.startswith("    ")
            else f"<li style='margin-left: 1.5em; list-style: none'>{escape(line.strip())}</li>"
            for line in section.lines
        )
        parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


class DetailPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("decision_detail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QTextBrowser()
        self.text.setObjectName("detail_text")
        self.text.setAccessibleName("Decision detail")
        self.text.setAccessibleDescription(
            "Every version with amendments, reviews, the hold timeline, memos printed and "
            "the audit entries of the decision"
        )
        self.text.setOpenLinks(False)
        heading = QLabel("Deta&il:")
        heading.setBuddy(self.text)
        self.approve_button = QPushButton("A&pprove…")
        self.approve_button.setObjectName("approve_decision")
        self.approve_button.setAccessibleName("Approve the decision (supervisor review)")
        self.amend_button = QPushButton("A&mend…")
        self.amend_button.setObjectName("amend_decision")
        self.amend_button.setAccessibleName("Amend the decision (opens the review)")
        self.contact_button = QPushButton("ICE c&ontact…")
        self.contact_button.setObjectName("decision_contact")
        self.contact_button.setAccessibleName("Record a contact with ICE about this person")
        self.role_note = QLabel()
        self.role_note.setObjectName("detail_role_note")
        buttons = QHBoxLayout()
        buttons.addWidget(heading)
        buttons.addWidget(self.role_note, 1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.amend_button)
        buttons.addWidget(self.contact_button)
        layout.addLayout(buttons)
        layout.addWidget(self.text, 1)
        self.sections: list[Section] = []
        self.show_sections([])

    def show_sections(self, sections: list[Section]) -> None:
        self.sections = list(sections)
        if sections:
            self.text.setHtml(sections_html(sections))
        else:
            self.text.setPlainText(EMPTY_TEXT)

    def section(self, title: str) -> tuple[str, ...]:
        """The lines of one section as shown ((), if there is no such section)."""
        return next((s.lines for s in self.sections if s.title == title), ())
