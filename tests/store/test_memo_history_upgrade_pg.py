"""Step 15 on the server keeps, as the start of the memo header's history, the profile
and each account's printed name and badge as they stand (docs/decisions/0084): in SQL,
the logo by ``sha256(logo)``; each row vouched for by the digest its entry already held."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft

from pgkit import older_trustdesk
from trustdesk.store.memo_history import KeptAgency, KeptSigner
from trustdesk.store.postgresql import setup
from trustdesk.store.records import AgencyProfile, User
from trustdesk.store.schema import MIGRATIONS
from trustdesk.store.store import Store

LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def _made_at_schema_14(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: AgencyProfile
) -> tuple[str, User, User, int]:
    """A server store made by a TrustDesk of schema 14 (before the history), with the
    agency ``profile``, the officer's printed name and a decision; then upgraded. The
    database's URL, the administrator, the officer and the decision's audit entry."""
    admin_url = pg_cluster.new_database()
    with older_trustdesk(monkeypatch, 14):
        assert setup.init_store(admin_url, identity=False).version == 14
        with Store.open(tmp_path / "a", database=admin_url) as store:
            admin = add_user(store, "admin", "administrator", first=True)
            officer = add_user(store, "ann", "officer")
            store.agency.save(profile, actor=actor(admin), at=T0)
            changes = {"full_name": "Ana Gonçalves", "badge": "1187"}
            store.users.change(
                officer.id, "user.details_changed", changes, actor=actor(admin), at=T0
            )
            saved = store.decisions.add(draft(), actor(officer), T0)
    assert setup.init_store(admin_url).version == MIGRATIONS[-1].version
    return admin_url, admin, officer, saved.audit.seq


def test_an_older_server_store_gains_the_baseline_of_its_header_and_signers(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = AgencyProfile(
        "Hartford Police Department",
        "Morgan Street",
        "CT0006400",
        logo=LOGO,
        logo_type="image/png",
    )
    admin_url, admin, officer, seq = _made_at_schema_14(pg_cluster, tmp_path, monkeypatch, profile)
    with Store.open(tmp_path / "b", database=admin_url) as store:
        assert store.verify().ok
        kept = store.memo_history(seq, (officer.id, admin.id))
        assert kept.agency == KeptAgency(
            "Hartford Police Department",
            "Morgan Street",
            "CT0006400",
            hashlib.sha256(LOGO).hexdigest(),
        )
        assert kept.signers == {
            officer.id: KeptSigner("Ana Gonçalves", "1187"),
            admin.id: KeptSigner("", ""),
        }


def test_the_servers_baseline_rows_deleted_on_their_own_are_found(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows step 15 keeps are vouched for by entries made before the marker: before,
    a superuser deleting them alone, once later changes were kept, went unnoticed."""
    import psycopg

    from pgkit import superuser_url

    profile = AgencyProfile("Hartford Police Department", "Morgan Street", "CT0006400")
    admin_url, admin, officer, _seq = _made_at_schema_14(pg_cluster, tmp_path, monkeypatch, profile)
    with Store.open(tmp_path / "b", database=admin_url) as store:
        store.agency.save(
            AgencyProfile("Capitol Region Police", "Sigourney Street", "CT0099900"),
            actor=actor(admin),
            at=T0,
        )
        changes = {"full_name": "Ana Reyes", "badge": "2290"}
        store.users.change(officer.id, "user.details_changed", changes, actor=actor(admin), at=T0)
        assert store.verify().ok
    with psycopg.connect(superuser_url(admin_url), autocommit=True) as conn:
        conn.execute("SET search_path TO trustdesk")
        agency_seq = conn.execute("SELECT min(seq) FROM agency_history").fetchone()[0]  # type: ignore[index]
        signer_seq = conn.execute("SELECT seq FROM signer_history WHERE badge = '1187'").fetchone()[
            0
        ]  # type: ignore[index]
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM agency_history WHERE seq = %s", (agency_seq,))
        conn.execute("DELETE FROM signer_history WHERE seq = %s", (signer_seq,))
    with Store.open(tmp_path / "c", database=admin_url) as store:
        report = store.verify()
    found = " ".join(str(problem) for problem in report.problems)
    assert f"the agency profile audit entry {agency_seq} recorded is missing" in found
    assert f"the printed name and badge audit entry {signer_seq} recorded are missing" in found
