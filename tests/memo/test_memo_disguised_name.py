"""Issue 17 §1: a memo never prints a name that can read as another — text-direction
controls in a name reaching the memo (a case built past the reader) are written out."""

from __future__ import annotations

from memokit import memo_text_for_name

from trustdesk.rules.registry import RuleSet


def test_the_memo_and_notices_write_a_direction_override_out(rules: RuleSet) -> None:
    text = memo_text_for_name(rules, "Ana \u202eziuL\u202c")
    assert text.count("Ana <U+202E>ziuL<U+202C>") >= 3  # the memo and both notices
    assert "\u202e" not in text and "Ana Luiz" not in text
