"""Signed rule packs: a valid signature names its publisher; a changed byte, a wrong key or a
damaged header is refused; an untrusted or unsigned pack imports only with an audited
override; the agency's trusted keys are kept by administrators, every change audited."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trustdesk import config, resources
from trustdesk.rules.errors import RulesError
from trustdesk.rules.registry import RuleSet, load_rules
from trustdesk.rules.signing import (
    MAGIC,
    OpenedPack,
    PublicKey,
    SigningError,
    TrustedKey,
    check_passphrase,
    fingerprint_of,
    generate_key,
    load_private_key,
    open_pack,
    sign_pack,
    trust_of,
)
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.store.records import AgencyProfile

PUBLISHER = "Connecticut Police Chiefs Association"
PASSPHRASE = b"correct horse battery staple"


def ask() -> bytes:
    return PASSPHRASE


def shipped(pack_id: str = "ct-2025") -> bytes:
    return resources.resource("rules", f"{pack_id}.json").read_bytes()


def agency_edition(title: str = "Agency edition") -> bytes:
    data = json.loads(shipped())
    data["title"] = title
    return json.dumps(data, indent=1).encode()


@pytest.fixture
def key(tmp_path: Path) -> tuple[Ed25519PrivateKey, PublicKey]:
    public = generate_key(PUBLISHER, tmp_path / "publisher.key", PASSPHRASE)
    loaded = load_private_key(tmp_path / "publisher.key", ask)
    assert loaded.publisher == PUBLISHER and loaded.encrypted
    return loaded.key, public


class Holder:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def replace(self, rules: RuleSet) -> None:
        self.rules = rules


# --- keys -----------------------------------------------------------------------------------


def test_keygen_writes_a_private_file_and_never_replaces_one(tmp_path: Path) -> None:
    path = tmp_path / "publisher.key"
    public = generate_key(PUBLISHER, path, PASSPHRASE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    private = load_private_key(path, ask).key
    assert private.public_key().public_bytes_raw() == public.raw
    assert public.text.startswith("trustdesk-ed25519 ") and public.text.endswith(PUBLISHER)
    assert PublicKey.parse(public.text) == public
    assert len(public.fingerprint.split()) == 8
    before = path.read_bytes()
    with pytest.raises(SigningError, match="already exists"):
        generate_key("Someone else", path, PASSPHRASE)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("State of Connecticut DESPP", "is not a publisher's public key"),
        ("trustdesk-ed25519 AAAA Someone", "the key part is damaged"),
        ("trustdesk-ed25519 not*base64 Someone", "the key part is damaged"),
        (f"trustdesk-ed25519 {'A' * 43}= ", "is not a publisher's public key"),
    ],
)
def test_a_bad_public_key_line_is_refused_saying_how(line: str, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        PublicKey.parse(line)


# --- signatures -----------------------------------------------------------------------------


def test_a_valid_signature_names_the_publisher_and_keeps_the_pack_bytes(key: Any) -> None:
    private, public = key
    pack = shipped()
    signed = sign_pack(pack, private, PUBLISHER)
    assert signed.startswith(MAGIC) and signed.endswith(pack)
    opened = open_pack(signed, "signed.tdpack")
    assert opened.pack == pack  # byte for byte
    assert opened.signature is not None
    assert opened.signature.publisher == PUBLISHER
    assert opened.signature.fingerprint == public.fingerprint
    trust = trust_of(opened, [TrustedKey(public, "added by chief on 2026-12-04")])
    assert trust.trusted and trust.state == "trusted"
    assert PUBLISHER in trust.describe() and public.fingerprint in trust.describe()


def test_an_unsigned_pack_is_opened_as_unsigned() -> None:
    opened = open_pack(shipped(), "plain.json")
    assert opened == OpenedPack(shipped(), None)
    assert trust_of(opened, []).state == "unsigned"


def test_every_single_changed_byte_is_refused(key: Any) -> None:
    private, _ = key
    signed = sign_pack(shipped(), private, PUBLISHER)
    body = len(signed) - len(shipped())
    # Bytes of the header (publisher, date, key, signature) and of the pack itself.
    positions = [len(MAGIC) + 5, len(MAGIC) + 60, body - 20, body, body + 1000, len(signed) - 1]
    for position in positions:
        tampered = bytearray(signed)
        tampered[position] ^= 0x01
        with pytest.raises(SigningError) as refused:
            open_pack(bytes(tampered), "tampered.tdpack")
        assert str(refused.value).startswith("tampered.tdpack: ")
    with pytest.raises(SigningError, match="changed after it was signed"):
        open_pack(signed + b" ", "appended.tdpack")


def test_a_signature_by_another_key_is_refused(key: Any) -> None:
    private, _ = key
    signed = sign_pack(shipped(), private, PUBLISHER)
    header_end = signed.index(b"\n", len(MAGIC))
    header = json.loads(signed[len(MAGIC) : header_end])
    # Someone swaps in their own key but keeps the publisher's signature: refused.
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    header["public_key"] = base64.b64encode(other).decode()
    header["fingerprint"] = fingerprint_of(other)
    forged = MAGIC + json.dumps(header).encode() + signed[header_end:]
    with pytest.raises(SigningError, match="does not match its signature"):
        open_pack(forged, "forged.tdpack")


def test_a_signature_by_a_key_nobody_trusts_is_valid_but_untrusted(key: Any) -> None:
    _, public = key
    impostor = Ed25519PrivateKey.generate()
    opened = open_pack(sign_pack(shipped(), impostor, PUBLISHER), "impostor.tdpack")
    trust = trust_of(opened, [TrustedKey(public, "set by IT")])
    assert trust.state == "untrusted"
    assert "NOT one of the publishers your agency trusts" in trust.describe()


def test_a_damaged_header_is_one_clear_line() -> None:
    with pytest.raises(SigningError, match="signature header is damaged") as refused:
        open_pack(MAGIC + b"{not json\n{}", "damaged.tdpack")
    assert "\n" not in str(refused.value)


# --- import: trusted, untrusted, unsigned, override ------------------------------------------


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def test_a_pack_signed_by_a_trusted_publisher_imports_and_names_its_signer(
    tmp_path: Path, desk: Any, key: Any
) -> None:
    private, public = key
    admin = desk.session("admin")
    service = desk.services.rulepacks
    service.publishers.trust(admin, public.text)
    source = write(
        tmp_path / "usb", "agency.tdpack", sign_pack(agency_edition(), private, PUBLISHER)
    )
    review = service.review(admin, source)
    assert review.trust.trusted and review.trust.trusted_as is not None
    assert review.trust.trusted_as.origin.startswith("added by admin on ")
    holder = Holder(load_rules())
    imported = service.import_pack(admin, source, holder, expect_sha256=review.sha256)
    assert holder.rules.pack("ct-2025").pack.title == "Agency edition"
    # What is installed is the pack itself, not the envelope.
    assert (service.folder / "ct-2025.json").read_bytes() == agency_edition()
    entry = desk.store.audit.of_events("rules.imported")[-1].objects_dict()
    assert entry["sha256"] == imported.sha256
    assert (entry["signature"], entry["publisher"], entry["key_fingerprint"]) == (
        "trusted",
        PUBLISHER,
        public.fingerprint,
    )
    assert entry["override_reason"] is None


def test_a_tampered_signed_pack_is_refused_audited_and_changes_nothing(
    tmp_path: Path, desk: Any, key: Any
) -> None:
    private, public = key
    admin = desk.session("admin")
    desk.services.rulepacks.publishers.trust(admin, public.text)
    signed = bytearray(sign_pack(agency_edition(), private, PUBLISHER))
    at = signed.index(b"Agency edition")
    signed[at] = ord("a")  # one byte of the pack
    source = write(tmp_path / "usb", "agency.tdpack", bytes(signed))
    holder = Holder(load_rules())
    before = holder.rules
    with pytest.raises(SigningError, match="changed after it was signed"):
        desk.services.rulepacks.import_pack(admin, source, holder, override="we know it well")
    assert holder.rules is before and not desk.services.rulepacks.folder.exists()
    refused = desk.store.audit.of_events("rules.import_refused")[-1]
    assert refused.outcome == "failure"
    assert refused.objects_dict()["problem"] == "signature mismatch"


@pytest.mark.parametrize("signed_by", ["untrusted key", "unsigned"])
def test_untrusted_or_unsigned_is_refused_without_an_override_and_audited_with_one(
    tmp_path: Path, desk: Any, key: Any, signed_by: str
) -> None:
    _, public = key
    admin = desk.session("admin")
    service = desk.services.rulepacks
    service.publishers.trust(admin, public.text)  # trusted, but not the key that signed
    data = agency_edition()
    if signed_by == "untrusted key":
        data = sign_pack(data, Ed25519PrivateKey.generate(), PUBLISHER)
    source = write(tmp_path / "usb", "agency.pack", data)
    holder = Holder(load_rules())
    before = holder.rules
    state = "untrusted" if signed_by == "untrusted key" else "unsigned"

    with pytest.raises(InvalidRequest, match="override") as refused:
        service.import_pack(admin, source, holder)
    assert "\n" not in str(refused.value)
    assert holder.rules is before and not service.folder.exists()
    entry = desk.store.audit.of_events("rules.import_refused")[-1].objects_dict()
    assert entry["problem"] == state

    with pytest.raises(InvalidRequest, match="characters"):
        service.import_pack(admin, source, holder, override="ok")  # not a reason
    assert not service.folder.exists()

    why = "Counsel read this edition on 3 Dec; the publisher's key is being re-issued"
    imported = service.import_pack(admin, source, holder, override=why)
    assert holder.rules.pack("ct-2025").pack.title == "Agency edition"
    entry_obj = desk.store.audit.of_events("rules.imported")[-1]
    entry = entry_obj.objects_dict()
    assert entry_obj.actor == "admin"  # who
    assert entry["override_reason"] == why  # why
    assert entry["sha256"] == imported.sha256  # which pack
    assert entry["signature"] == state


def test_an_import_of_a_file_changed_since_its_review_is_refused(tmp_path: Path, desk: Any) -> None:
    admin = desk.session("admin")
    service = desk.services.rulepacks
    source = write(tmp_path / "usb", "agency.json", agency_edition("reviewed"))
    review = service.review(admin, source)
    source.write_bytes(agency_edition("swapped after the review"))
    with pytest.raises(InvalidRequest, match="changed after it was reviewed"):
        service.import_pack(
            admin, source, Holder(load_rules()), override="reviewed it", expect_sha256=review.sha256
        )
    assert not service.folder.exists()


def test_only_administrators_review_and_keep_the_trusted_keys(desk: Any, key: Any) -> None:
    _, public = key
    publishers = desk.services.rulepacks.publishers
    with pytest.raises(PermissionDenied):
        publishers.trust(desk.session("supervisor"), public.text)
    with pytest.raises(PermissionDenied):
        desk.services.rulepacks.review(desk.session("officer"), Path("x.json"))
    admin = desk.session("admin")
    publishers.trust(admin, public.text)
    with pytest.raises(InvalidRequest, match="already trusted"):
        publishers.trust(admin, public.text)
    assert [t.key for t in publishers.agency_keys()] == [public]
    removed = publishers.untrust(admin, public.fingerprint.replace(" ", ""))
    assert removed.key == public
    # Revoked, not forgotten: the key stays listed with when and by whom.
    (revoked,) = publishers.agency_keys()
    assert revoked.key == public and revoked.revoked_at is not None
    assert revoked.revoked_by == "admin" and revoked.status(date(2026, 11, 20)) == "revoked"
    entries = desk.store.audit.of_events("rules.publisher_trusted", "rules.publisher_untrusted")
    events = [e.event for e in entries]
    assert events == ["rules.publisher_trusted", "rules.publisher_untrusted"]
    with pytest.raises(InvalidRequest, match="already revoked"):
        publishers.untrust(admin, public.fingerprint)
    with pytest.raises(InvalidRequest, match="never trusted again"):
        publishers.trust(admin, public.text)
    with pytest.raises(InvalidRequest, match="no trusted key"):
        publishers.untrust(admin, "0000 " * 8)


def _signed_at(key: Any, when: datetime) -> OpenedPack:
    private, _ = key
    return open_pack(sign_pack(shipped(), private, PUBLISHER, now=when), "signed.tdpack")


def test_a_revoked_key_refuses_what_it_signs_after_and_vouches_for_nothing_new(key: Any) -> None:
    _, public = key
    revoked = TrustedKey(public, "added", revoked_at="2026-06-01T12:00:00Z", revoked_by="chief")
    after = trust_of(_signed_at(key, datetime(2026, 7, 1, tzinfo=UTC)), [revoked])
    assert after.refused and after.state == "revoked" and not after.trusted
    assert "REVOKED on 2026-06-01" in after.describe() and "refused" in after.describe()
    before = trust_of(_signed_at(key, datetime(2026, 5, 1, tzinfo=UTC)), [revoked])
    assert not before.refused and not before.trusted and before.state == "untrusted"
    assert "own statement" in before.describe() and "stay in force" in before.describe()


def test_a_key_trusted_until_a_date_stops_vouching_after_it(key: Any) -> None:
    _, public = key
    until = TrustedKey(public, "added", expires_on=date(2026, 12, 31))
    opened = _signed_at(key, datetime(2026, 6, 1, tzinfo=UTC))
    assert trust_of(opened, [until], today=date(2026, 12, 31)).trusted
    late = trust_of(opened, [until], today=date(2027, 1, 1))
    assert not late.trusted and late.state == "untrusted" and "ended on 2026-12-31" in late.problem
    # Signed after the expiry date (by its own statement): no longer vouched for either.
    signed_late = _signed_at(key, datetime(2027, 1, 2, tzinfo=UTC))
    assert not trust_of(signed_late, [until], today=date(2026, 12, 31)).trusted
    assert until.status(date(2027, 1, 1)) == "expired" and "EXPIRED" in until.describe(
        date(2027, 1, 1)
    )


def test_a_key_file_is_encrypted_and_a_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    generate_key(PUBLISHER, path, PASSPHRASE)
    text = path.read_text()
    assert "ENCRYPTED PRIVATE KEY" in text and '"private_key"' not in text
    with pytest.raises(SigningError, match="cannot be opened with that passphrase"):
        load_private_key(path, lambda: b"not the passphrase at all")
    with pytest.raises(SigningError, match="at least 12"):
        check_passphrase("too short")


def test_a_new_key_s_passphrase_of_invisible_characters_is_refused() -> None:
    """Twelve zero-width spaces passed the length rule and encrypted a signing key with a
    passphrase nobody could see or type again (as sign-in passwords were, a hostile pass)."""
    with pytest.raises(SigningError, match="U\\+200B, a control or invisible character"):
        check_passphrase("\u200b" * 12)
    with pytest.raises(SigningError, match="U\\+00AD"):
        check_passphrase("correct horse\u00adbattery staple")
    # The joiners some keyboards type inside words are allowed, but not counted.
    with pytest.raises(SigningError, match="is 11 characters"):
        check_passphrase("short words" + "\u200d" * 4)
    assert check_passphrase("ni\u200cm tanha ye shab") == "ni\u200cm tanha ye shab".encode()
    assert check_passphrase("correct horse battery") == b"correct horse battery"


def test_a_key_file_written_before_encryption_still_signs(tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    path = tmp_path / "old.key"
    path.write_text(
        json.dumps(
            {
                "format": "trustdesk-ed25519-private/1",
                "publisher": PUBLISHER,
                "private_key": base64.b64encode(private.private_bytes_raw()).decode(),
            }
        )
    )

    def never() -> bytes:
        raise AssertionError("a plain key file needs no passphrase")

    loaded = load_private_key(path, never)
    assert not loaded.encrypted and loaded.key.private_bytes_raw() == private.private_bytes_raw()


def test_the_machine_config_trusts_keys_the_app_cannot_remove(
    desk: Any, key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, public = key
    monkeypatch.setenv("TRUSTDESK_TRUSTED_PUBLISHERS", public.text)
    config.forget()
    try:
        publishers = desk.services.rulepacks.publishers
        (machine,) = publishers.trusted()
        assert machine.key == public and "machine config" in machine.origin
        with pytest.raises(InvalidRequest, match="ask IT"):
            publishers.untrust(desk.session("admin"), public.fingerprint)
    finally:
        config.forget()


def test_a_publisher_name_with_a_comma_is_one_key_in_the_environment(
    tmp_path: Path, desk: Any, key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variable separates keys with commas: "State of Connecticut, OPM" was cut in
    two and refused as "entry 'OPM' is not a publisher's public key", with no way to
    write the comma (a hostile pass on IT's set-up)."""
    _, public = key
    named = generate_key("State of Connecticut, OPM", tmp_path / "opm.key", PASSPHRASE)
    monkeypatch.setenv("TRUSTDESK_TRUSTED_PUBLISHERS", f"{named.text}, {public.text}")
    config.forget()
    try:
        trusted = desk.services.rulepacks.publishers.trusted()
        assert sorted(t.key.publisher for t in trusted) == sorted(
            ["State of Connecticut, OPM", PUBLISHER]
        )
    finally:
        config.forget()


def test_a_key_the_agency_revoked_stays_revoked_though_it_config_lists_it(
    desk: Any, key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agency trusted a key, IT later listed it in the machine config, the key was
    stolen and the administrator revoked it: "Revoked …", yet packs it signed after
    imported as trusted, IT's entry hiding the revocation (a hostile pass)."""
    _, public = key
    admin = desk.session("admin")
    publishers = desk.services.rulepacks.publishers
    publishers.trust(admin, public.text)
    monkeypatch.setenv("TRUSTDESK_TRUSTED_PUBLISHERS", public.text)
    config.forget()
    try:
        publishers.untrust(admin, public.fingerprint)
        (listed,) = publishers.trusted()
        assert listed.revoked_at is not None
        after = trust_of(_signed_at(key, datetime(2099, 1, 1, tzinfo=UTC)), publishers.trusted())
        assert after.refused and after.state == "revoked"
    finally:
        config.forget()


def test_a_signed_pack_that_fails_its_checks_names_the_signed_file(
    tmp_path: Path, desk: Any, key: Any
) -> None:
    private, _ = key
    data = json.loads(shipped())
    data["effective_from"] = "not a date"
    signed = sign_pack(json.dumps(data).encode(), private, PUBLISHER)
    source = write(tmp_path / "usb", "broken.tdpack", signed)
    with pytest.raises(RulesError) as refused:
        desk.services.rulepacks.review(desk.session("admin"), source)
    assert str(refused.value).startswith(f"{source} (the signed pack): /effective_from")


def test_a_trust_ends_at_the_end_of_its_last_day_at_the_agency_not_in_utc(
    tmp_path: Path, desk: Any, key: Any
) -> None:
    """At 21:30 in New Haven it is already tomorrow in UTC: a key trusted until today was
    listed as expired, its packs needed an override, and "until today" was refused as a
    date that had passed (a hostile pass)."""
    private, public = key
    evening = datetime(2026, 12, 7, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    desk.services.rulepacks.ctx.clock = lambda: evening.astimezone(UTC)
    admin = desk.session("admin")
    publishers = desk.services.rulepacks.publishers
    publishers.trust(admin, public.text, expires_on=date(2026, 12, 7))
    assert publishers.today() == date(2026, 12, 7)
    (listed,) = publishers.trusted()
    assert listed.status(publishers.today()) == "trusted"
    # Signed this evening, New Haven time (already 8 December in UTC): still vouched for.
    signed = sign_pack(agency_edition(), private, PUBLISHER, now=evening.astimezone(UTC))
    review = desk.services.rulepacks.review(admin, write(tmp_path / "usb", "a.tdpack", signed))
    assert review.trust.trusted, review.trust.describe()
    # An agency in California: 21:30 there is 05:30 UTC the day after; the profile's zone counts.
    desk.services.rulepacks.ctx.clock = lambda: datetime(2026, 12, 9, 5, 30, tzinfo=UTC)
    desk.services.jurisdiction.change(admin, "CA")  # a California ORI needs California's law
    profile = AgencyProfile("Fresno Police", "Central Booking", "CA0100500", "America/Los_Angeles")
    desk.services.agency.update(admin, profile)
    assert publishers.today() == date(2026, 12, 8)
    assert "EXPIRED on 2026-12-07" in listed.describe(publishers.today())
