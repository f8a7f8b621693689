"""``trustdesk store init URL``: set up the facility's PostgreSQL database.

Run once by IT, connected as a superuser or the database's owner (the URL names who;
the password comes from libpq's password or service file, or PGPASSWORD). Creates the
schema, the NOLOGIN roles ``trustdesk_owner`` (owns the tables) and ``trustdesk_desk``
(what the desks may do), and with ``--grant-desk ROLE`` a login role for a desk or a
person in that group. Safe to run again.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "store", help="set up the facility's database server (IT; see README: Database server)"
    )
    sub = parser.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    init = sub.add_parser(
        "init",
        help="create the schema, roles and grants on an empty PostgreSQL database (idempotent)",
    )
    init.add_argument(
        "url",
        metavar="URL",
        help="postgresql://ADMIN@HOST/DATABASE or postgresql:///?service=NAME, connecting "
        "as a superuser or the database's owner (no password in it)",
    )
    init.add_argument(
        "--grant-desk",
        metavar="ROLE",
        action="append",
        default=[],
        help="also create the login role ROLE (if missing; TrustDesk sets no password) "
        "and make it a member of trustdesk_desk; may be repeated",
    )
    init.set_defaults(func=run_init)
    from trustdesk.cli.store_migrate import add_parser as add_migrate

    add_migrate(sub)


def run_init(args: argparse.Namespace) -> int:
    from trustdesk.config.dburl import BadDatabaseUrl, refuse_password, server_url

    try:
        url = server_url(args.url)
        refuse_password(url, "the command line")
    except BadDatabaseUrl as exc:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(str(exc)) from None
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.store.postgresql.connection import describe
    from trustdesk.store.postgresql.setup import desk_role_problem, init_store

    roles = list(args.grant_desk)
    for role in roles:  # before anything is asked of the server
        problem = desk_role_problem(role)
        if problem is not None:
            raise InvalidRequest(
                f"--grant-desk {role!r} {problem}; name the desk's login role (nothing was changed)"
            )
    # One transaction: every role made a desk with the store's set-up, or none.
    result = init_store(url, grant_desk=roles)
    where = describe(url)
    if result.created:
        print(f"set up TrustDesk's store (schema {result.version}) in {where}")
    else:
        print(f"{where} already holds TrustDesk's store (schema {result.version}); grants renewed")
    if result.search_index != "pg_trgm":
        print(
            "note: the pg_trgm extension is not available; name search works but scans "
            "(install the server's contrib package for the trigram index)"
        )
    for role in args.grant_desk:
        print(f"login role {role} is a member of trustdesk_desk (set its password yourself)")
    return 0
