"""`trustdesk rules keep-ours` on both backends: the agency imports the ct-2014 TrustDesk
shipped before (without the juvenile review), the command records why it stays, and
bad input exits 2 and records nothing. On a database server the imports in force are
the server's chain's (the commands read the data folder's own file and found none)."""

from __future__ import annotations

from typing import Any

from trustdesk.rules.pack_history import kept_file

#: ct-2014 as shipped before the juvenile review (kept in resources/rules/history).
EARLIER_2014 = "a34cf0c86412bad4e1fd8daa000e4220e161a8f0fe14832bcd567d0bcc64c133"


def _import_earlier_2014(cli: Any) -> None:
    earlier = kept_file("ct-2014", EARLIER_2014)
    assert earlier is not None
    code, _out, err = cli(
        "rules", "import", str(earlier), "--override-unsigned", "--reason",
        "the agency's reviewed copy of the 2014 pack", "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err


def test_keep_ours_records_why_the_agency_keeps_an_earlier_shipped_version(cli: Any) -> None:
    _import_earlier_2014(cli)
    # Listed as in force, on a server store too (it read the folder's own file and named
    # the import as not recorded).
    code, out, err = cli("rules", "list")
    assert code == 0 and "not applied" not in err, err
    assert f"sha256 {EARLIER_2014}" in out and "imported by the agency" in out
    keep = ("rules", "keep-ours", "--pack", "ct-2014", "--as", "chief")
    code, _out, err = cli(*keep, "--reason", "short", who="chief")
    assert code == 2 and "The reason is 5 characters; give 10 to 500" in err
    code, _out, err = cli(*keep[:3], "ct-2019", "--as", "chief", "--reason", "x" * 12, who="chief")
    assert code == 2 and "rule pack ct-2019 has no shipped change" in err
    code, _out, err = cli(*keep[:4], "--as", "ann", "--reason", "x" * 12, who="ann")
    assert code != 0 and "administrator" in err.lower()
    reason = "Counsel keeps the 2014 reading until the review is signed off"
    code, out, err = cli(*keep, "--reason", reason, who="chief")
    assert code == 0, err
    assert out.startswith(f"ct-2014: your agency's version {EARLIER_2014[:12]}")
    assert "the reason is recorded" in out
    code, _out, err = cli(*keep, "--reason", reason, who="chief")  # recorded: nothing left
    assert code == 2 and "already recorded" in err


def test_version_lists_the_import_in_force(cli: Any) -> None:
    # On a server store `--version` read the folder's own file, found no import there,
    # and listed the shipped ct-2014 as the pack in force.
    _import_earlier_2014(cli)
    code, out, err = cli("--version")
    assert code == 0 and err == "", err
    assert "rule packs in force, Connecticut" in out
    assert f"  ct-2014  {EARLIER_2014}  (imported;" in out, out


def test_a_decision_on_the_command_line_applies_the_imported_pack(cli: Any, tmp_path: Any) -> None:
    # On a server store `decisions add` decided under the shipped ct-2014 while the
    # desktop app and `evaluate` applied the agency's import.
    import json

    from casekit import make_case

    _import_earlier_2014(cli)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case(decision_time="2016-06-01T10:00:00-04:00")), "utf-8")
    code, out, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
    assert code == 0 and "not applied" not in err, err
    code, shown, err = cli(
        "decisions", "show", out.strip(), "--format", "json", "--as", "ann", who="ann"
    )
    assert code == 0, err
    assert EARLIER_2014 in shown
    code, evaluated, err = cli("evaluate", str(case), "--format", "json")
    assert code == 0 and EARLIER_2014 in evaluated, err
