"""The PostgreSQL spelling of the store's shared SQL.

The repositories write each query once, in the SQL that SQLite and PostgreSQL share,
with ``?`` marks. A few SQLite spellings have a different PostgreSQL form; this module
rewrites them, once per distinct statement (cached), before psycopg sees the text:

* ``?`` marks become ``%s`` (and a literal ``%`` becomes ``%%``);
* ``ifnull(`` → ``coalesce(``, ``group_concat(`` → ``string_agg(``, ``char(`` → ``chr(``;
* ``CROSS JOIN`` (SQLite's join-order hint) → ``JOIN``; ``INDEXED BY name`` is dropped;
* ``json_each(?)`` over a JSON list of ids → ``trustdesk_ids(?)`` (postgresql/schema.py);
* the ``sqlite_master`` table list → ``information_schema.tables``.

``json_valid`` and ``json_extract(objects, '$.key')`` keep their names: the schema
defines PostgreSQL functions with SQLite's meaning for the way the queries use them.
"""

from __future__ import annotations

import re
from functools import lru_cache

_REWRITES = (
    (re.compile(r"\bifnull\("), "coalesce("),
    (re.compile(r"\bgroup_concat\("), "string_agg("),
    (re.compile(r"\bchar\((\d+)\)"), r"chr(\1)"),
    (re.compile(r"\bCROSS JOIN\b"), "JOIN"),
    (re.compile(r"\s*\bINDEXED BY \w+"), ""),
    (re.compile(r"\bjson_each\("), "trustdesk_ids("),
    (
        re.compile(r"\bsqlite_master WHERE type = 'table' AND name ="),
        "information_schema.tables WHERE table_schema = current_schema() AND table_name =",
    ),
)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """``sql`` (SQLite spelling, ``?`` marks) in PostgreSQL's spelling with ``%s`` marks."""
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    return _placeholders(sql.replace("%", "%%"))


def _placeholders(sql: str) -> str:
    """Turn each ``?`` outside quoted text into ``%s``."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
            out.append(char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)
