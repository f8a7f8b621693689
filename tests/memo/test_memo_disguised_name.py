"""Issue 17 §1: a memo never prints a name that can read as another — text-direction
controls in a name reaching the memo (a case built past the reader) are written out."""

from __future__ import annotations

from memokit import memo_text_for_name

from trustdesk.rules.registry import RuleSet


def test_the_memo_and_notices_write_a_direction_override_out(rules: RuleSet) -> None:
    text = memo_text_for_name(rules, "Ana \u202eziuL\u202c")
    assert text.count("Ana <U+202E>ziuL<U+202C>") >= 3  # the memo and both notices
    assert "\u202e" not in text and "Ana Luiz" not in text


def test_the_memo_says_what_the_code_points_in_a_name_stand_for(rules: RuleSet) -> None:
    """``<U+202E>`` on a memo was never explained: a lawyer reading it years later could
    not tell a written-out character from letters typed into the name."""
    note = "A character printed as <U+XXXX> is written as its Unicode code point"
    for name in ("Ana \u202eziuL\u202c", "王伟 Wang Wei"):
        text = " ".join(memo_text_for_name(rules, name).split())
        assert text.count(note) == 1, name  # once, under the person, on the memo only
        assert "The record keeps the name as typed." in text
    assert note not in " ".join(memo_text_for_name(rules, "Ana Luiz Peña").split())
