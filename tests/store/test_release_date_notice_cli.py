"""The notice "We told immigration your release date" (Gov. Code § 7283.1(b)) follows the
contact log, on every path that prints the documents (``memo`` here; the desktop's
buttons render through the same memo service): not with the decision that only allows
giving the date, but on a reprint once a contact gave it, with the contact's time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from test_jurisdiction_decisions_cli import CALIFORNIA_CASE, california_decision

TITLE = "Notice: We Told Immigration Your Release Date"
DUE_LATER = f"{TITLE} (when the release date is given to ICE)"
#: What the notice tells the person, in English and Spanish.
TOLD = "We told U.S. Immigration and Customs Enforcement (ICE) when you will be released."
TOLD_ES = "Informamos al Servicio de Inmigración y Control de Aduanas (ICE) cuándo saldrá usted"


def _pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def _memo(cli: Any, tmp_path: Path, decision_id: str, name: str) -> list[str]:
    target = tmp_path / name
    code, out, err = cli("memo", decision_id, "-o", str(target), "--as", "ann", who="ann")
    assert code == 0, err
    assert "notices: en, es" in out + err
    return _pages(target)


def _contact(cli: Any, decision_id: str, at: str, given: str) -> None:
    code, _out, err = cli(
        "contacts", "add", "--kind", "release_info_request", "--direction", "from_ice",
        "--channel", "phone", "--at", at, "--decision", decision_id,
        "--ice-office", "ERO San Francisco", "--asked", "release date", "--given", given,
        "--unlawful-reason", "no county policy forbids it; the person was told in writing",
        "--as", "ann", who="ann",
    )  # fmt: skip
    assert code == 0, err


def test_the_notice_is_printed_only_after_a_contact_gave_the_release_date(
    cli: Any, tmp_path: Path
) -> None:
    decision_id, out = california_decision(cli, tmp_path)
    assert '"release_date"' in out and "allowed_with_conditions" in out

    # At decision time: the release date may be given, nothing was given.
    pages = _memo(cli, tmp_path, decision_id, "decided.pdf")
    text = " ".join(pages)
    assert TOLD not in text and TOLD_ES not in text
    assert "We told ICE on" not in text and "Se lo informamos a ICE" not in text
    assert DUE_LATER in text

    # Custody status only: not a release date, so still no such notice.
    _contact(cli, decision_id, "2026-12-01T08:30-08:00", "custody_status")
    text = " ".join(_memo(cli, tmp_path, decision_id, "custody.pdf"))
    assert TOLD not in text and DUE_LATER in text

    # The release date given: the reprint carries the notice, with when ICE was told.
    _contact(cli, decision_id, "2026-12-01T10:15-08:00", "release_date")
    pages = _memo(cli, tmp_path, decision_id, "told.pdf")
    text = " ".join(pages)
    assert DUE_LATER not in text
    assert (
        f"{TITLE} (due now: the release date was given to ICE on Tuesday, December 1, 2026, "
        "10:15 PST)"
    ) in text
    english = [page for page in pages if "We told ICE on" in page]
    assert len(english) == 1 and TOLD in english[0]
    assert "We told ICE on Tuesday, December 1, 2026, 10:15 a.m. (Pacific Time)." in english[0]
    assert "Government Code § 7283.1(b)" in english[0]
    spanish = [page for page in pages if "Se lo informamos a ICE el" in page]
    assert len(spanish) == 1 and TOLD_ES in spanish[0]
    assert "Aviso: informamos a inmigración la fecha de su salida" in spanish[0]
    assert (
        "Se lo informamos a ICE el martes 1 de diciembre de 2026, 10:15 a. m. (hora del Pacífico)."
    ) in spanish[0]

    # Corrected: nothing was given after all. The reprint takes the notice back out.
    code, _out, err = cli(
        "contacts", "amend", "2", "--given", "none", "--reason", "the caller hung up first",
        "--as", "ann", who="ann",
    )  # fmt: skip
    assert code == 0, err
    text = " ".join(_memo(cli, tmp_path, decision_id, "amended.pdf"))
    assert TOLD not in text and DUE_LATER in text


def test_evaluate_says_the_notice_is_given_when_the_date_is(cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CALIFORNIA_CASE), encoding="utf-8")
    code, out, err = cli("evaluate", str(case), "--jurisdiction", "CA")
    assert code == 0, err
    actions = " ".join(out.split("Actions:", 1)[1].split("Criteria:", 1)[0].split())
    assert "give the person: release_date_told (when the release date is given to ICE)" in actions
    assert "give the person: truth_consent" in actions  # due before any interview: as before
