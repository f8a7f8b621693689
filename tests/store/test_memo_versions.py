"""A memo of one version of an amended decision says on its face which version is in force.

A memo is read years later, on paper, by someone who cannot ask the record: a memo of
version 1 printed after version 2 replaced it printed "HOLD PERMITTED" with nothing to
say that the decision in force declines the detainer, and a memo of version 2 did not say
it amended anything, nor why. The header a memo takes from the command line while no
agency profile is stored is checked as the stored one is.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest

from casekit import conviction, make_case

DETAINER = {
    "form": "I-247A",
    "received_at": "2026-11-19T08:10:00-05:00",
    "judicial_warrant": False,
    "administrative_warrant": "I-200",
}
HONOR = make_case(
    releasable_at="2026-11-25T10:00:00-05:00",
    detainer=DETAINER,
    convictions=[conviction("53a-223", "felony", "D", date="2023-08-09")],
)
# The same conviction found to be under appeal: no ground is met, the detainer declined.
DECLINE = make_case(
    releasable_at="2026-11-25T10:00:00-05:00",
    detainer=DETAINER,
    convictions=[conviction("53a-223", "felony", "D", date="2023-08-09", under_appeal=True)],
)
AGENCY = ("--agency", "New Haven Police", "--facility", "Union Avenue", "--ori", "CT0009300")
REASON = "the clerk confirms the conviction is under appeal"


def pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _amended(cli: Any, tmp_path: Path) -> int:
    first, second = tmp_path / "honor.json", tmp_path / "decline.json"
    first.write_text(json.dumps(HONOR), encoding="utf-8")
    second.write_text(json.dumps(DECLINE), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(first), "--as", "ann", who="ann")
    assert code == 0, err
    decision_id = int(out.strip())
    args = ("decisions", "amend", str(decision_id), str(second), "--reason", REASON)
    assert cli(*args, "--as", "ann", who="ann")[0] == 0
    return decision_id


def _memo(cli: Any, tmp_path: Path, ref: str, *extra: str) -> tuple[int, str, Path]:
    target = tmp_path / f"memo-{ref}.pdf"
    code, _out, err = cli("memo", ref, "-o", str(target), *AGENCY, *extra, "--as", "ann", who="ann")
    return code, err, target


def test_a_memo_of_a_replaced_version_says_so_on_every_page(cli: Any, tmp_path: Path) -> None:
    decision_id = _amended(cli, tmp_path)
    code, err, target = _memo(cli, tmp_path, f"{decision_id}v1")
    assert code == 0, err
    text = pages(target.read_bytes())
    assert "HOLD PERMITTED" in text[0]  # the version as it was decided…
    assert "REPLACED BY VERSION 2" in text[0]  # …marked as no longer in force
    assert REASON in text[0] and "it is not the decision in force" in text[0]
    assert all("REPLACED BY VERSION 2" in page for page in text)  # no loose page passes
    # No notice of the replaced version goes to the person by default.
    assert not any("Notice About an Immigration Detainer" in page for page in text)
    assert "REPLACED BY VERSION 2" in (pypdf.PdfReader(target).metadata.title or "")


def test_the_notice_of_a_replaced_version_is_refused_in_words(cli: Any, tmp_path: Path) -> None:
    decision_id = _amended(cli, tmp_path)
    code, err, target = _memo(cli, tmp_path, f"{decision_id}v1", "--notice", "en,es")
    assert code == 2
    assert "replaced by version 2" in err and "Traceback" not in err
    assert not target.exists()


def test_a_memo_of_the_amending_version_names_what_it_amends_and_why(
    cli: Any, tmp_path: Path
) -> None:
    decision_id = _amended(cli, tmp_path)
    code, err, target = _memo(cli, tmp_path, str(decision_id))
    assert code == 0, err
    text = pages(target.read_bytes())
    assert "DETAINER DECLINED" in text[0]
    assert "This version amends version 1" in text[0] and REASON in text[0]
    assert not any("REPLACED" in page for page in text)


def test_a_memo_printed_before_the_amendment_carries_no_mark(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "honor.json"
    path.write_text(json.dumps(HONOR), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(path), "--as", "ann", who="ann")
    assert code == 0, err
    code, err, target = _memo(cli, tmp_path, out.strip())
    assert code == 0, err
    text = " ".join(pages(target.read_bytes()))
    assert "REPLACED" not in text and "amends version" not in text


@pytest.mark.parametrize(
    ("flags", "named", "says"),
    [
        (("--agency", "New Haven \u202eecilop"), "--agency", "U+202E"),
        (("--agency", "New Haven Police\nDecision 9, version 1"), "--agency", "U+000A"),
        (("--facility", "W" * 400), "--facility", "at most 200"),
        (("--ori", "not an ori"), "--ori", "not an NCIC ORI"),
    ],
    ids=["direction-override", "forged-line", "endless", "not-an-ori"],
)
def test_a_memo_header_from_the_flags_is_checked_as_a_stored_one(
    cli: Any, tmp_path: Path, flags: tuple[str, str], named: str, says: str
) -> None:
    """While no agency profile is stored the header comes from --agency, --facility and
    --ori (or their variables): they went onto every page and into the PDF's Author
    unchecked, where ``agency set`` refuses the same text."""
    path = tmp_path / "honor.json"
    path.write_text(json.dumps(HONOR), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(path), "--as", "ann", who="ann")
    assert code == 0, err
    base = dict(zip(AGENCY[::2], AGENCY[1::2], strict=True))
    base[flags[0]] = flags[1]
    target = tmp_path / "memo.pdf"
    args = [item for pair in base.items() for item in pair]
    code, _out, err = cli("memo", out.strip(), "-o", str(target), *args, "--as", "ann", who="ann")
    assert code == 2 and named in err and says in err and "Traceback" not in err
    assert not target.exists() and not list(tmp_path.glob("memo*.pdf"))
