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
rows' statement). Before SQLite 3.45 a blob makes json_object fail: the statement
stops with ``BLOB_REFUSED`` and the caller runs it again guarded (``value``). From
3.45 on a blob that is well-formed JSONB is taken for the JSON it holds, so there the
statements are guarded from the start (``GUARD_FIRST``, decision 0059). Texts are
handed over as their UTF-8 (``CAST … AS BLOB``), hashed without a decode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from trustdesk.store.candidates import ENTRY_SHAPE, record_shape, row_shape

#: What SQLite says when json_object meets a blob it cannot read as JSON (only a
#: tampered file holds a blob).
BLOB_REFUSED = "JSON cannot hold BLOB values"
#: Whether the statements must be guarded from their first run: SQLite 3.45 and later
#: write a blob that is well-formed JSONB as the JSON it holds (``jsonb('"x"')`` is
#: written ``"x"``, the very text of the string it replaced), so no error would say
#: that a blob was met. The Windows build's Python brings such a SQLite.
GUARD_FIRST = sqlite3.sqlite_version_info >= (3, 45, 0)


#: A JSON value from a subquery, given to json_object: ``{"a":[1]}`` where the SQLite
#: keeps it JSON (3.40, 3.51), ``{"a":"[1]"}`` where it is only a text by then (3.54).
SUBQUERY_PROBE = "SELECT json_object('a', (SELECT json_array(1))) = '{\"a\":[1]}'"
_standard_keeps_json: list[bool] = []


def subquery_keeps_json(conn: Any) -> bool:
    """Whether the SQLite that ``conn`` runs keeps a subquery's JSON value JSON: the
    standard library's (asked once, of a connection in memory) or the one of a reader
    that says (``fast_reader.FastReader.keeps_json``)."""
    inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
    known = getattr(inner, "keeps_json", None)
    if known is not None:
        return bool(known)
    if not _standard_keeps_json:
        probe = sqlite3.connect(":memory:")
        try:
            _standard_keeps_json.append(bool(probe.execute(SUBQUERY_PROBE).fetchone()[0]))
        finally:
            probe.close()
    return _standard_keeps_json[0]


def guard_first(conn: Any) -> bool:
    """``GUARD_FIRST`` for the SQLite that ``conn`` runs: the standard library's, or
    the one of a reader that says otherwise (``fast_reader.FastReader.guard_first``)."""
    inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
    return bool(getattr(inner, "guard_first", GUARD_FIRST))


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


#: The kinds of a cut text's columns (``cut_text``): a group of keys (a json_object
#: whose braces the caller drops) and a value at a cut key path (the caller writes it).
GROUP, CUT = "group", "cut"


def _tokens(
    shape: dict[str, Any],
    sql: Callable[[int], str],
    cuts: Sequence[tuple[str, ...]],
    at: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """The text of the object ``shape`` (at key path ``at``) as tokens: ("text", its
    literal text), (GROUP, a json_object of consecutive keys with no cut in them) and
    (CUT, "") where the value at a key path in ``cuts`` goes (its key is written)."""
    tokens: list[tuple[str, str]] = [("text", "{")]
    group: list[str] = []

    def flush() -> None:
        if group:
            if tokens[-1] != ("text", "{"):
                tokens.append(("text", ","))
            tokens.append((GROUP, _object({key: shape[key] for key in group}, sql)))
            group.clear()

    for key in sorted(shape):
        path = (*at, key)
        if not any(cut[: len(path)] == path for cut in cuts):
            group.append(key)
            continue
        flush()
        comma = "" if tokens[-1] == ("text", "{") else ","
        tokens.append(("text", f'{comma}"{key}":'))
        if path in cuts:
            tokens.append((CUT, ""))
        else:
            tokens += _tokens(shape[key], sql, cuts, path)
    flush()
    tokens.append(("text", "}"))
    return tokens


def cut_text(
    shape: dict[str, Any], sql: Callable[[int], str], cuts: Sequence[tuple[str, ...]]
) -> tuple[bytes, list[tuple[str, str]]]:
    """The shape's text as a ``%`` template over bytes and its columns in order, each
    (GROUP, a json_object's SQL: the caller puts its text in place without its braces)
    or (CUT, ""): a value at a key path of ``cuts`` (in the keys' canonical order, which
    is the order of ``cuts``) that the caller writes. Groups come whole from SQLite and
    lose their braces in Python: trimming them in SQL (``rtrim``, ``ltrim``, ``||``,
    each a copy) cost about a tenth of the decision rows' statement (decision 0055)."""
    if list(cuts) != sorted(cuts):
        raise ValueError("the cuts must be in the keys' canonical order")
    template, columns = [], []
    for kind, value in _tokens(shape, sql, cuts):
        if kind == "text":
            template.append(value.replace("%", "%%"))
        else:
            template.append("%s")
            columns.append((kind, value))
    if sum(kind == CUT for kind, _ in columns) != len(cuts):
        raise ValueError("a cut is not a key path of the shape")
    return "".join(template).encode("ascii"), columns


_ENTRY = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")


def by_row(text_sql: str, columns: Sequence[str]) -> str:
    """``text_sql``, or NULL (a text no digest matches) where any of ``columns`` holds
    a blob: the guard of a whole row at once, for a SQLite that writes a blob without
    an error (3.45 and later: well-formed JSONB as the JSON it holds, any other blob as
    ``null``). One test of each value's type per row cost less than a guard of each
    value (``value``): a fifth of the decision rows' statement against a quarter, under
    apsw's SQLite (decision 0075). Only for a reader that falls back to the standard
    library on any error (``fast_reader``): a blob that SQLite cannot read as JSONB may
    still stop such a statement."""
    blob = " OR ".join(f"typeof({column}) = 'blob'" for column in columns)
    return f"iif({blob}, NULL, {text_sql})"


def entry_text(guarded: bool, whole_rows: bool = False) -> str:
    """An audit_log row's hashed text: its stored prev_hash, then its canonical JSON.
    ``whole_rows``: guarded row by row (``by_row``) rather than value by value."""
    if guarded and whole_rows:
        return by_row(entry_text(False), _ENTRY)
    body = _object(ENTRY_SHAPE, lambda n: value(_ENTRY[n], guarded))
    return f"CAST(prev_hash || {body} AS BLOB)"


def record_texts(
    record: Sequence[str],
    person: Sequence[str],
    detainer: Sequence[str],
    guarded: bool,
    keeps_json: bool = True,
    whole_rows: bool = False,
) -> tuple[bytes, list[str]]:
    """A decision's candidate text: a ``%`` template and its columns (``cut_text``),
    cut where the two documents' digests and the person's name go, with those values
    themselves as columns: the documents' UTF-8 (``DOCUMENTS``) and the name as it is
    stored (``NAME``), which the caller writes as canonical_json does (``decisions
    t``, ``people p``, ``detainers x``); every other column is a json_object to put in
    without its braces. The caller knows the columns' order (``RECORD_COLUMN_KINDS``).

    The name is the one value of a decision that is often not ASCII (an accented name);
    written apart, the rest of the text is ASCII and is hashed as SQLite wrote it,
    where escaping the whole text took about a fifth of a decision row's time in
    Python (decision 0055). ``keeps_json``: whether the SQLite that runs the statement
    keeps the answers' subquery a JSON value (``subquery_keeps_json``); where it does
    not, they are read back as JSON (``json``), or json_object would write them as one
    string and no digest would match. ``whole_rows``: the record's, person's and
    detainer's values guarded row by row (``by_row``: the first group NULL, so that the
    text cannot be written), the answers still value by value."""
    answers_sql = answers(guarded) if keeps_json else f"json({answers(guarded)})"
    columns = [
        *(f"t.{name}" for name in record),
        "",
        "",
        *(f"p.{name}" for name in person),
        *(f"x.{name}" for name in detainer),
    ]
    answers_at = len(columns)

    def sql(n: int) -> str:
        return answers_sql if n == answers_at else value(columns[n], guarded and not whole_rows)

    shape = record_shape(record, person, detainer)
    cuts = [("case_json_sha256",), ("decision_json_sha256",), ("person", "name")]
    template, parts = cut_text(shape, sql, cuts)
    if [kind for kind, _ in parts] != list(RECORD_COLUMN_KINDS):
        raise ValueError(f"a decision's text is laid out otherwise: {parts}")
    values = iter((*DOCUMENTS, NAME))
    texts = [f"CAST({expr} AS BLOB)" if kind == GROUP else next(values) for kind, expr in parts]
    if guarded and whole_rows:
        texts[0] = by_row(texts[0], [column for column in columns if column])
    return template, texts


#: The kinds of ``record_texts``' columns, in order: the record's first keys, the case
#: document, the decision's id, the decision document, the keys up to the person's, the
#: person's up to the name, the name, the person's last key, the record's last keys.
RECORD_COLUMN_KINDS = (GROUP, CUT, GROUP, CUT, GROUP, GROUP, CUT, GROUP, GROUP)


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


def row_text(table: str, columns: Sequence[str], guarded: bool, whole_rows: bool = False) -> str:
    """A row of ``table`` (``t``)'s text as ``encoding.row_digest`` hashes it;
    ``whole_rows``: guarded row by row (``by_row``)."""
    if guarded and whole_rows:
        return by_row(row_text(table, columns, False), [f"t.{column}" for column in columns])
    shape = row_shape(table, columns)
    return f"CAST({_object(shape, lambda n: value(f't.{columns[n]}', guarded))} AS BLOB)"
