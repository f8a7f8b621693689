"""The notice to the person, in English and Spanish, alone or after the memo."""

from __future__ import annotations

import pytest
from memokit import DETAINER, SCENARIOS, pdf_metadata, pdf_pages, view_model

from casekit import make_case
from trustdesk.memo.errors import NoticeTextError
from trustdesk.memo.render import render_memo, render_notice
from trustdesk.rules.registry import RuleSet

ENGLISH = "Notice About an Immigration Detainer"
SPANISH = "Aviso sobre una solicitud de detención de inmigración"


def test_memo_with_both_notices(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    memo_pages = pdf_pages(render_memo(vm))
    pages = pdf_pages(render_memo(vm, notice_languages=("en", "es")))
    assert len(pages) == len(memo_pages) + 2
    assert pages[: len(memo_pages)] == memo_pages  # the memo is unchanged by the notices
    english, spanish = pages[-2], pages[-1]
    assert ENGLISH in english and "Page 1 of 1" in english
    assert SPANISH in spanish and "Página 1 de 1" in spanish
    assert "Decisión 1042, versión 1 — código" in spanish


def test_english_notice_when_the_agency_will_hold(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    (page,) = pdf_pages(render_notice(vm, "en"))
    assert ENGLISH in page
    assert "Your name María Peña" in page
    assert "Booking number NH-2026-0412" in page
    assert "Date we got the request Thursday, November 19, 2026" in page
    assert "A copy of the detainer is attached to this notice." in page
    assert "We plan to do what the detainer asks." in page
    assert "The latest time we may keep you for ICE: Monday, November 30, 2026, 10:00 a.m." in page
    assert "It came on ICE form I-247A." in page
    assert "Connecticut law says we must give you this notice" in page
    assert "Officer signature:" in page


def test_spanish_notice_when_the_agency_will_hold(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    (page,) = pdf_pages(render_notice(vm, "es"))
    assert SPANISH in page
    assert "Su nombre María Peña" in page
    assert "Fecha en que recibimos la solicitud jueves 19 de noviembre de 2026" in page
    assert "Junto con este aviso le entregamos una copia del detainer." in page
    assert "Vamos a cumplir con lo que pide el detainer." in page
    assert "lunes 30 de noviembre de 2026, 10:00 a. m. (hora del Este)" in page
    assert "Llegó en el formulario I-247A de ICE." in page
    assert "La ley de Connecticut nos exige entregarle este aviso" in page
    assert "Firma del funcionario:" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "We do not plan to do what the detainer asks."),
        ("es", "No vamos a cumplir con lo que pide el detainer."),
    ],
)
def test_notice_when_declined(rules: RuleSet, language: str, expected: str) -> None:
    (page,) = pdf_pages(render_notice(view_model(rules, SCENARIOS["ct-2019-decline"]), language))
    assert expected in page
    assert "48" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "We will write it here when we know it:"),
        ("es", "La anotaremos aquí cuando la sepamos:"),
    ],
)
def test_notice_when_the_hold_start_is_unknown(
    rules: RuleSet, language: str, expected: str
) -> None:
    vm = view_model(rules, make_case(tsdb_match=True))
    (page,) = pdf_pages(render_notice(vm, language))
    assert expected in page


def test_notice_for_a_notification_only_request(rules: RuleSet) -> None:
    raw = make_case(tsdb_match=True, detainer={**DETAINER, "form": "I-247N"})
    (page,) = pdf_pages(render_notice(view_model(rules, raw), "en"))
    assert "ICE asked us to tell them before you go free. We plan to do that." in page
    # In Spanish too it is ICE that will be told, not the person ("darle ese aviso" said
    # the person would be given the notice).
    (page,) = pdf_pages(render_notice(view_model(rules, raw), "es"))
    assert "ICE nos pidió que le avisemos a ICE antes de que usted salga en libertad." in page
    assert "Vamos a avisarle a ICE." in page and "darle ese aviso" not in page


def test_2014_notice_can_be_printed_without_the_2019_duty(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2014-honor"])
    assert not vm.notice.required
    (page,) = pdf_pages(render_notice(vm, "en"))
    assert "We plan to do what the detainer asks." in page
    assert "Connecticut law says we must give you this notice" not in page
    assert view_model(rules, SCENARIOS["ct-2019-decline"]).notice.required


def test_notice_metadata_and_language(rules: RuleSet) -> None:
    data = render_notice(view_model(rules, SCENARIOS["ct-2019-honor"]), "es")
    assert pdf_metadata(data)["/Title"] == SPANISH
    assert b"/Lang (es)" in data


def test_unknown_language_is_refused(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2019-honor"])
    with pytest.raises(NoticeTextError, match="no notice wording for language 'fr'"):
        render_notice(vm, "fr")
    with pytest.raises(NoticeTextError):
        render_memo(vm, notice_languages=("en", "fr"))


def test_long_names_still_fit_one_page(rules: RuleSet) -> None:
    name = "María de los Ángeles Gonçalves Nuñez Peña y Castañeda-Ibarra " * 3
    raw = make_case(person={"name": name.strip(), "booking_number": "NH-2026-0412"})
    for language in ("en", "es"):
        assert len(pdf_pages(render_notice(view_model(rules, raw), language))) == 1
