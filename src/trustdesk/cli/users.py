"""``trustdesk users add|list|unlock|set-role|set-details|disable|enable|reset-password|
recover|passwd``."""

from __future__ import annotations

import argparse
from typing import Any

from trustdesk.cli.output import confirm
from trustdesk.cli.signon import (
    add_actor,
    current_password,
    log_on,
    new_password,
    open_services,
)

ROLES = ("officer", "supervisor", "administrator", "auditor")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("users", help="user accounts (administrators)")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = sub.add_parser(
        "add",
        help="add a user (password from $TRUSTDESK_NEW_PASSWORD or asked for); "
        "on a new data folder, the first administrator needs no --as",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add_actor(add, required=False)
    add.set_defaults(func=run_add)

    listing = sub.add_parser("list", help="list accounts with role and state")
    add_actor(listing)
    listing.set_defaults(func=run_list)

    for action, help_text in (
        ("unlock", "unlock an account locked by failed log-ons"),
        ("disable", "stop an account from logging on (records stay)"),
        ("enable", "let a disabled account log on again"),
        ("reset-password", "give a user a new password ($TRUSTDESK_NEW_PASSWORD)"),
    ):
        command = sub.add_parser(action, help=help_text)
        command.add_argument("name")
        add_actor(command)
        command.set_defaults(func=run_admin, action=action)

    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=ROLES)
    add_actor(role)
    role.set_defaults(func=run_admin, action="set-role")

    details = sub.add_parser(
        "set-details", help="set the name and badge number printed on a user's memos"
    )
    details.add_argument("name")
    details.add_argument(
        "--name", dest="full_name", metavar="TEXT", help="full name as printed ('' clears it)"
    )
    details.add_argument(
        "--badge", metavar="NUMBER", help="badge number: letters, digits, '-' ('' clears it)"
    )
    add_actor(details)
    details.set_defaults(func=run_details)

    recover = sub.add_parser(
        "recover",
        help="unlock the only administrator and set a new password ($TRUSTDESK_NEW_PASSWORD "
        "or asked for); run as the OS account that owns the data folder, or root",
    )
    recover.add_argument("name")
    recover.set_defaults(func=run_recover)

    passwd = sub.add_parser("passwd", help="change your own password")
    add_actor(passwd)
    passwd.set_defaults(func=run_passwd)


def run_add(args: argparse.Namespace) -> int:
    from trustdesk.services.errors import InvalidRequest

    with open_services(args, may_begin=True) as services:
        if args.actor is None:
            if not services.accounts.needs_first_administrator():
                raise InvalidRequest(
                    "TrustDesk already has accounts: add users as an administrator (--as USER)"
                )
            if args.role != "administrator":
                raise InvalidRequest(
                    "the first account must be an administrator (--role administrator)"
                )
            user = services.accounts.create_first_administrator(args.name, new_password(args.name))
            confirm(f"first administrator {user.username} created in {services.store.data_dir}")
            return 0
        session = log_on(services, args)
        user = services.accounts.add_user(session, args.name, args.role, new_password(args.name))
    confirm(f"user {user.username} added as {user.role}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from trustdesk.cli.records_text import local

    with open_services(args) as services:
        session = log_on(services, args)
        users = services.accounts.list_users(session)
    name_width = max([len("NAME"), *(len(user.full_name) for user in users)])
    print(
        f"{'USER':<20} {'ROLE':<14} {'STATE':<9} {'NAME':<{name_width}} {'BADGE':<20} LAST LOG-ON"
    )
    for user in users:
        state = "locked" if user.locked_at else ("active" if user.active else "disabled")
        print(
            f"{user.username:<20} {user.role:<14} {state:<9} {user.full_name or '—':<{name_width}} "
            f"{user.badge or '—':<20} {local(user.last_logon_at)}"
        )
    return 0


def run_details(args: argparse.Namespace) -> int:
    from trustdesk.services.errors import InvalidRequest

    if args.full_name is None and args.badge is None:
        raise InvalidRequest("give --name, --badge or both")
    with open_services(args) as services:
        session = log_on(services, args)
        user = services.accounts.set_details(session, args.name, args.full_name, args.badge)
    confirm(f"{user.username}: name {user.full_name or '(none)'}, badge {user.badge or '(none)'}")
    return 0


def run_admin(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        session = log_on(services, args)
        accounts = services.accounts
        if args.action == "unlock":
            user = accounts.unlock(session, args.name)
            message = f"{user.username} unlocked"
        elif args.action == "disable":
            user = accounts.set_active(session, args.name, False)
            message = f"{user.username} disabled"
        elif args.action == "enable":
            user = accounts.set_active(session, args.name, True)
            message = f"{user.username} enabled"
        elif args.action == "set-role":
            user = accounts.set_role(session, args.name, args.role)
            message = f"{user.username} is now {user.role}"
        else:
            user = accounts.reset_password(session, args.name, new_password(args.name))
            message = f"password of {user.username} reset"
    confirm(message)
    return 0


def run_recover(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        user = services.accounts.recover(args.name, new_password(args.name))
    confirm(
        f"administrator {user.username} recovered: unlocked, with the new password "
        "(recorded in the audit as account.recovered)"
    )
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        session = log_on(services, args)
        user = services.accounts.change_own_password(
            session, current_password(args.actor), new_password(args.actor)
        )
    confirm(f"password of {user.username} changed")
    return 0
