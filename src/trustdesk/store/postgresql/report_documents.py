"""PostgreSQL's reading of a stored decision document for the report
(``trustdesk.store.reports_sql.ReportDialect.document``): its ``grounds``,
``unverified`` and ``outcomes`` lists, cut out of the document's bytes instead of
parsing it (docs/decisions/0033, 0041).

Each document is converted to bytes once (a lateral copy, which also decompresses it
once: the documents sit compressed, and every use of the column decompresses it again)
and the marks are found once each — byte positions, because ``strpos`` and ``substr``
on UTF-8 text count characters (measured 0.5 s and 1.3 s per 78,000 documents each).
``document_json`` writes sorted keys and no spaces, so ``"grounds":[`` is followed by
``],"hold":`` and ``"outcomes":[`` by ``],"prohibited_actions":``; the members before
them (the decision, its grounds, the hold and its texts) have no member of either name,
and inside JSON strings a quote is escaped, so the marks cannot occur in text. A
document without the marks falls back to the JSON operators, so the meaning is that of
parsing it. The outcome lists are also named by the MD5 of their bytes
(``outcomes_key``), so that the report's period keeps 32 characters per decision
instead of kilobytes.
"""

from __future__ import annotations

from trustdesk.store.document_sql import DocumentSql


def json_member(column: str, key: str) -> str:
    """The JSON text of member ``key`` of the JSON object in ``column`` (PostgreSQL)."""
    if not key.isidentifier():
        raise ValueError(key)
    return f"(CAST({column} AS json) -> '{key}')::text"


#: The marks found in a decision document's bytes, by the name of their place.
MARKS = {
    "gs": '"grounds":[',
    "ge": '],"hold":',
    "uv": '"unverified":["',
    "os": '"outcomes":[',
    "oe": '],"prohibited_actions":',
}

#: How many bytes at a document's end are searched for its empty unverified list.
TAIL = 1024


def _position(mark: str, doc: str = "j.doc") -> str:
    """The 1-based byte place of an ASCII ``mark`` in a document's bytes ``doc``
    (PostgreSQL; 0 when absent)."""
    if '"' not in mark or "'" in mark or "\\" in mark or not mark.isascii():
        raise ValueError(mark)
    return f"position('{mark}'::bytea IN {doc})"


def document_sql(column: str) -> DocumentSql:
    """How the report reads the decision document in ``column`` on PostgreSQL."""
    # The document's bytes, once, and the places of the marks in them, once each.
    marks = ", ".join(f"{_position(mark, 'b.doc')} AS {name}" for name, mark in MARKS.items())
    join = (
        f"JOIN LATERAL (SELECT b.doc, {marks} FROM (SELECT convert_to({column}, 'UTF8') "
        "AS doc OFFSET 0) b OFFSET 0) j ON true "
    )
    whole = "convert_from(j.doc, 'UTF8')"
    grounds = _between("grounds", "j.gs", "j.ge", whole)
    # The top-level "unverified" list is the member just before "warnings" (the
    # last key, and a key of the top level only): `"unverified":[],"warnings":`
    # means it is empty, as is every list of that name when none begins with a
    # string. Only the other documents are parsed (the outcomes and the trace have
    # "unverified" lists of their own, so the first test alone rarely spares one).
    # Looked for in the document's last kilobyte only (the list and "warnings" end
    # it); a longer tail is parsed, as before.
    tail = f"substring(j.doc FROM greatest(octet_length(j.doc) - {TAIL - 1}, 1))"
    empty = _position('"unverified":[],"warnings":', tail)
    parsed = json_member(whole, "unverified")
    # Both shortcuts hold for a document in document_json's compact form only, which the
    # grounds mark shows; any other is parsed.
    unverified = (
        f"CASE WHEN j.gs = 0 THEN {parsed} WHEN j.uv = 0 THEN '[]' "
        f"WHEN {empty} > 0 THEN '[]' ELSE {parsed} END"
    )
    outcomes = _between("outcomes", "j.os", "j.oe", whole)
    hashed = _between("outcomes", "j.os", "j.oe", whole, as_bytes=True)
    return DocumentSql(join, grounds, unverified, outcomes, f"md5({hashed})")


def _between(key: str, start: str, end: str, whole: str, *, as_bytes: bool = False) -> str:
    """List member ``key`` of the document's bytes ``j.doc``, cut out between its
    mark (found at ``start``) and that of the member written after it (``end``), as
    text (or as bytes, to hash); without the marks, the JSON operators on the
    document's text ``whole`` (NULL where it has no such member: a document made
    before rule-pack format 3 has no outcomes)."""
    skip = len(key) + 3  # the quoted key and its colon
    cut = f"substring(j.doc FROM {start} + {skip} FOR {end} - {start} - {skip - 1})"
    fallback = json_member(whole, key)
    if as_bytes:
        fallback = f"convert_to({fallback}, 'UTF8')"
    else:
        cut = f"convert_from({cut}, 'UTF8')"
    absent = _position(f'"{key}":')
    return (
        f"CASE WHEN {start} > 0 AND {end} > {start} THEN {cut} "
        f"WHEN {absent} = 0 THEN NULL ELSE {fallback} END"
    )
