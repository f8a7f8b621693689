"""Contacts travel with the record: in backups and restores (SQLite), and when an older
server store is brought up to the schema that holds them (PostgreSQL ``store init``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from storekit import T0, actor, add_user, contact_draft

from trustdesk.store.backup import check_backup
from trustdesk.store.store import Store


@pytest.mark.sqlite_only("backup files are SQLite files")
def test_a_backup_restores_the_contacts_and_their_reviews(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        admin = add_user(store, "chief", "administrator", first=True)
        officer = add_user(store, "ann", "officer")
        supervisor = add_user(store, "sam", "supervisor")
        contact = store.contacts.add(contact_draft(), actor(officer), T0)
        store.contacts.review(
            contact.contact_id,
            expected_record_id=contact.id,
            verdict="accepted",
            note=None,
            reviewer=actor(supervisor),
            at=T0,
        )
        info = store.backup(tmp_path / "b.db", actor(admin), T0)
        nothing = contact_draft(given=(), allowed=True, unlawful_reason=None, review_needed=False)
        later = store.contacts.add(nothing, actor(officer), T0)
        assert later.contact_id == 2
        store.restore(check_backup(info.path), actor(admin), T0, discard_newer=True)
        (back,) = store.contacts.for_person(booking_number="NH-2026-0412")
        assert (back.contact_id, back.unlawful_reason) == (1, "told by the shift commander")
        assert [r.verdict for r in store.contacts.reviews_of(1)] == ["accepted"]
        assert store.verify().ok


def test_an_older_server_store_gains_the_contact_tables(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.postgresql import setup
    from trustdesk.store.postgresql.schema import DESK_ROLE, GRANTS, OWNER_ROLE
    from trustdesk.store.schema import MIGRATIONS

    admin_url = pg_cluster.new_database()
    with monkeypatch.context() as older:  # a TrustDesk of schema 7, before contacts
        older.setattr(setup, "MIGRATIONS", MIGRATIONS[:7])
        older.setattr(setup, "SCHEMA_VERSION", 7)
        older.setattr(
            setup,
            "GRANTS",
            # Nor the memo history of schema 15.
            tuple(
                g.replace(", contacts, contact_reviews", "").replace(
                    ", agency_history, signer_history", ""
                )
                for g in GRANTS
            ),
        )
        assert setup.init_store(admin_url, identity=False).version == 7
    result = setup.init_store(admin_url, grant_desk="desk_test")
    assert (result.created, result.version) == (False, MIGRATIONS[-1].version)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        owners = conn.execute(
            "SELECT tablename, tableowner FROM pg_tables WHERE tablename LIKE 'contact%' ORDER BY 1"
        ).fetchall()
        rights = {
            right: conn.execute(
                "SELECT has_table_privilege(%s, 'trustdesk.contacts', %s)", (DESK_ROLE, right)
            ).fetchone()
            for right in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
        }
    assert owners == [("contact_reviews", OWNER_ROLE), ("contacts", OWNER_ROLE)]
    assert rights == {
        "SELECT": (True,),
        "INSERT": (True,),
        "UPDATE": (False,),
        "DELETE": (False,),
        "TRUNCATE": (False,),
    }
    desk_url = re.sub(r"^postgresql://[^@/]*@", "postgresql://desk_test@", admin_url)
    with Store.open(tmp_path, database=desk_url) as store:
        officer = add_user(store, "ann", "officer", first=True)
        store.contacts.add(contact_draft(), actor(officer), T0)
        assert store.verify().ok
