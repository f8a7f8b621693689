"""SQLite's spelling of verification's candidate texts (``candidates``, decision 0040).

SQLite writes each text with ``json_object`` (one C call per object: concatenating the
pieces with ``||`` cost three times as much), whose escapes are canonical_json's for
text (control characters and NUL included) but for characters beyond ASCII and DEL,
which it leaves as they are (``candidates.ascii_text`` puts them right); an integer is
its decimal digits, NULL is ``null``. Keys are given in canonical (sorted) order.

Two other types may be found only in a tampered file (stored values are text,
integers and nulls: ``encoding.canonical_json``). A float is left to json_object,
which writes it with a decimal point or an exponent (``1.0``, ``1.0e+20``) or as
``Inf``/``-Inf`` (its ``%!0.15g``): a token that no canonical text of an integer, a
text or a null is, so its row's text matches no digest and the row takes the exact
way (decision 0052; the guard that wrote it as ``[]`` cost a tenth of the decision
rows' statement). A blob makes json_object
fail: the statement stops with ``BLOB_REFUSED`` and the caller checks that table the
exact way (``checks``). Texts are handed over as their UTF-8 (``CAST … AS BLOB``),
hashed without a decode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trustdesk.store.candidates import ENTRY_SHAPE, record_shape, row_shape

#: What SQLite says when json_object meets a blob (only a tampered file holds one).
BLOB_REFUSED = "JSON cannot hold BLOB values"


def value(expr: str, guarded: bool = False) -> str:
    """One column's value for json_object, as it is (a float, only in a tampered file,
    gives a token no canonical value is); ``guarded``: a blob (and a float) as ``[]``,
    for the statement run again after one met a blob (``BLOB_REFUSED``)."""
    if not guarded:
        return expr
    return f"iif(typeof({expr}) IN ('real', 'blob'), json_array(), {expr})"


def _object(shape: dict[str, Any], sql: Callable[[int], str]) -> str:
    items = []
    for key in sorted(shape):
        item = shape[key]
        items.append(f"'{key}'")
        if isinstance(item, dict):
            items.append(_object(item, sql))
        elif item.startswith("\x00"):  # a value's slot
            items.append(sql(int(item.strip("\x00"))))
        else:  # a constant (a table's name)
            items.append("'" + item.replace("'", "''") + "'")
    return f"json_object({', '.join(items)})"


def _texts(shape: dict[str, Any], sql: Callable[[int], str], cut: Sequence[str]) -> list[str]:
    """The shape's text in ``len(cut) + 1`` parts, without the values of the top-level
    keys in ``cut`` (which the caller puts in place): each part is a json_object's text
    with its braces cut off, the cut keys written in between."""
    keys = sorted(shape)
    groups: list[list[str]] = [[]]
    for key in keys:
        if key in cut:
            groups.append([])
        else:
            groups[-1].append(key)
    parts = []
    for index, group in enumerate(groups):
        if any(isinstance(shape[key], dict) for key in group[-1:]):
            raise ValueError("a part may not end with an object")  # its brace would go
        inner = _object({key: shape[key] for key in group}, sql)
        text = f"rtrim(ltrim({inner}, '{{'), '}}')"
        before = "'{'" if index == 0 else "','"
        after = f"',\"{cut[index]}\":'" if index < len(cut) else "'}'"
        parts.append(f"CAST({before} || {text} || {after} AS BLOB)")
    return parts


_ENTRY = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")


def entry_text(guarded: bool) -> str:
    """An audit_log row's hashed text: its stored prev_hash, then its canonical JSON."""
    body = _object(ENTRY_SHAPE, lambda n: value(_ENTRY[n], guarded))
    return f"CAST(prev_hash || {body} AS BLOB)"


def record_texts(
    record: Sequence[str], person: Sequence[str], detainer: Sequence[str], guarded: bool
) -> list[str]:
    """A decision's candidate text in three parts, cut where the two documents' digests
    go, with the documents themselves between them (``DOCUMENTS``): five columns
    (``decisions t``, ``people p``, ``detainers x``)."""
    answers_sql = answers(guarded)
    columns = [
        *(f"t.{name}" for name in record),
        "",
        "",
        *(f"p.{name}" for name in person),
        *(f"x.{name}" for name in detainer),
    ]
    answers_at = len(columns)

    def sql(n: int) -> str:
        return answers_sql if n == answers_at else value(columns[n], guarded)

    shape = record_shape(record, person, detainer)
    head, middle, tail = _texts(shape, sql, ("case_json_sha256", "decision_json_sha256"))
    return [head, DOCUMENTS[0], middle, DOCUMENTS[1], tail]


def answers(guarded: bool) -> str:
    """A decision's answers as JSON (a JSON-typed value for json_object), in the primary
    key's (record_id, field) order, which is BINARY order, canonical_json's sort: no
    ORDER BY (sorting again cost a third of this subquery); pairs that came otherwise (a
    table rebuilt behind TrustDesk's back) only make the text differ."""
    pair = f"{value('field', guarded)}, {value('value', guarded)}"
    return (
        f"(SELECT json_group_array(json_array({pair})) "
        "FROM decision_answers WHERE record_id = t.id)"
    )


#: The two documents: a text document's stored UTF-8 as it is (no decoding into a str
#: and encoding again to hash it, kilobytes per record), anything else NULL, which no
#: digest matches (the row takes the general check).
DOCUMENTS = tuple(
    f"CASE typeof(t.{name}) WHEN 'text' THEN CAST(t.{name} AS BLOB) END"
    for name in ("case_json", "decision_json")
)


def row_text(table: str, columns: Sequence[str], guarded: bool) -> str:
    """A row of ``table`` (``t``)'s text as ``encoding.row_digest`` hashes it."""
    shape = row_shape(table, columns)
    return f"CAST({_object(shape, lambda n: value(f't.{columns[n]}', guarded))} AS BLOB)"
