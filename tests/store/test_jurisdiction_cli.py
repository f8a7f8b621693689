"""``trustdesk agency jurisdiction [CODE]``: show the state whose law applies, change it
(administrators only, audited, new decisions only), refuse what it cannot apply."""

from __future__ import annotations

from typing import Any

from test_agency_cli import one_line_error


def test_show_change_and_refusals(cli: Any) -> None:
    code, out, _err = cli("agency", "jurisdiction")
    assert (code, out.strip()) == (0, "jurisdiction  CT (Connecticut), default")

    code, _out, err = cli("agency", "jurisdiction", "CA", "--as", "ann", who="ann")
    assert code == 2 and "may not change the agency settings" in one_line_error(err)
    code, _out, err = cli("agency", "jurisdiction", "TX", "--as", "chief", who="chief")
    assert code == 2 and "'TX' is not one TrustDesk has packs for" in one_line_error(err)
    assert cli("agency", "jurisdiction")[1].strip().startswith("jurisdiction  CT")

    code, out, err = cli("agency", "jurisdiction", "ca", "--as", "chief", who="chief")
    assert code == 0, err
    assert "jurisdiction  CA (California), was CT; recorded in the audit trail" in out
    assert "NEW decisions only" in out
    code, out, _err = cli("agency", "jurisdiction")
    assert out.strip() == "jurisdiction  CA (California), chosen by the agency"
    code, out, _err = cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")
    assert (code, out.strip()) == (0, "jurisdiction  CA (California) unchanged")
