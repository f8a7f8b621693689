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


#: Where a part of a cut text ends: the caller puts the value at that key path there.
_CUT = object()


def _pieces(
    shape: dict[str, Any],
    sql: Callable[[int], str],
    cuts: Sequence[tuple[str, ...]],
    at: tuple[str, ...] = (),
) -> list[Any]:
    """The text of the object ``shape`` (at key path ``at``) as SQL text expressions and
    ``_CUT`` marks, one mark at each key path in ``cuts`` (its key written, its value
    left out): consecutive keys with no cut in them are one json_object with its braces
    cut off; an object holding a cut is written key by key around it."""
    pieces: list[Any] = ["'{'"]
    group: list[str] = []
    first = True

    def flush() -> None:
        nonlocal first
        if not group:
            return
        if isinstance(shape[group[-1]], dict):
            raise ValueError("a group may not end with an object")  # rtrim takes its brace
        inner = _object({key: shape[key] for key in group}, sql)
        comma = "" if first else "',' || "
        pieces.append(f"{comma}rtrim(ltrim({inner}, '{{'), '}}')")
        first = False
        group.clear()

    for key in sorted(shape):
        path = (*at, key)
        if not any(cut[: len(path)] == path for cut in cuts):
            group.append(key)
            continue
        flush()
        pieces.append(f"'{'' if first else ','}\"{key}\":'")
        first = False
        if path in cuts:
            pieces.append(_CUT)
        else:
            pieces += _pieces(shape[key], sql, cuts, path)
    flush()
    pieces.append("'}'")
    return pieces


def _texts(
    shape: dict[str, Any], sql: Callable[[int], str], cuts: Sequence[tuple[str, ...]]
) -> list[str]:
    """The shape's text in ``len(cuts) + 1`` parts, without the values at the key paths
    ``cuts``, which the caller puts in place between the parts (in the keys' canonical
    order, which is the order of ``cuts``)."""
    if list(cuts) != sorted(cuts):
        raise ValueError("the cuts must be in the keys' canonical order")
    parts: list[list[str]] = [[]]
    for piece in _pieces(shape, sql, cuts):
        if piece is _CUT:
            parts.append([])
        else:
            parts[-1].append(piece)
    if len(parts) != len(cuts) + 1:
        raise ValueError("a cut is not a key path of the shape")
    return [f"CAST({' || '.join(part)} AS BLOB)" for part in parts]


_ENTRY = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")


def entry_text(guarded: bool) -> str:
    """An audit_log row's hashed text: its stored prev_hash, then its canonical JSON."""
    body = _object(ENTRY_SHAPE, lambda n: value(_ENTRY[n], guarded))
    return f"CAST(prev_hash || {body} AS BLOB)"


def record_texts(
    record: Sequence[str], person: Sequence[str], detainer: Sequence[str], guarded: bool
) -> list[str]:
    """A decision's candidate text in four parts, cut where the two documents' digests
    and the person's name go, with those values themselves between them: the documents'
    UTF-8 (``DOCUMENTS``) and the name as it is stored (``NAME``), which the caller
    writes as canonical_json does. Seven columns (``decisions
    t``, ``people p``, ``detainers x``).

    The name is the one value of a decision that is often not ASCII (an accented name);
    written apart, the rest of the text is ASCII and is hashed as SQLite wrote it,
    where escaping the whole text took about a fifth of a decision row's time in
    Python (decision 0055)."""
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
    cuts = [("case_json_sha256",), ("decision_json_sha256",), ("person", "name")]
    head, middle, tail, last = _texts(shape, sql, cuts)
    return [head, DOCUMENTS[0], middle, DOCUMENTS[1], tail, NAME, last]


#: The person's name as stored: a text's UTF-8 (decoded by the caller, so that a
#: tampered file's bytes that are not UTF-8 cannot stop the statement), anything else
#: NULL. Never guarded: the caller refuses NULL and bytes that do not decode, so such a
#: row takes the exact check.
NAME = "CASE typeof(p.name) WHEN 'text' THEN CAST(p.name AS BLOB) END"


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
