"""The short code typed from paper and the QR payload, derived from the record hash."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from trustdesk.memo.verification import parse_short_code, qr_payload, short_code

SHA = hashlib.sha256(b"record").hexdigest()


def test_short_code_shape_and_determinism() -> None:
    code = short_code(SHA)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", code)
    assert short_code(SHA) == code
    assert short_code(hashlib.sha256(b"other").hexdigest()) != code


def test_short_code_is_the_first_50_bits_of_the_hash() -> None:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    bits = bin(int(SHA, 16))[2:].zfill(256)[:50]
    expected = "".join(alphabet[int(bits[i : i + 5], 2)] for i in range(0, 50, 5))
    assert short_code(SHA).replace("-", "") == expected


def test_typed_codes_are_normalised() -> None:
    code = short_code(SHA)
    assert parse_short_code(code.lower().replace("-", " ")) == code
    assert parse_short_code(" " + code.replace("-", "") + " ") == code
    assert parse_short_code("O1IL-0000-00") == "0111-0000-00"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ABCD-EFGH-J", "has 9 characters"), ("ABCD-EFGH-JU", "contains 'U'"), ("", "has 0")],
)
def test_bad_codes_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_short_code(typed)


@pytest.mark.parametrize("bad", ["", "xyz", SHA.upper(), SHA[:-1], SHA + "0"])
def test_only_a_lower_case_sha256_is_accepted(bad: str) -> None:
    with pytest.raises(ValueError, match="not a SHA-256"):
        short_code(bad)


def test_qr_payload_carries_the_printed_values_in_alphanumeric_mode() -> None:
    payload = qr_payload("1042", 3, 57, SHA)
    assert payload == (
        f"TRUSTDESK MEMO DECISION:1042 VERSION:3 CHAIN:57 CODE:{short_code(SHA)} "
        f"SHA256:{SHA.upper()}"
    )
    assert re.fullmatch(r"[0-9A-Z $%*+\-./:]+", payload)
    assert "CHAIN:NONE" in qr_payload("1", 1, None, SHA)


def test_verification_helpers_do_not_load_reportlab() -> None:
    probe = (
        "import sys\nimport trustdesk.memo.verification\n"
        "print([m for m in sys.modules if m.split('.')[0] == 'reportlab'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"


def test_qr_masks_are_scored_on_the_matrices_reportlab_builds() -> None:
    from reportlab.graphics.barcode import qrencoder

    from trustdesk.memo import qr

    payload = qr_payload("1042", 3, 57, SHA)
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    size = code.version * 4 + 17
    for number, mask in enumerate(qr._MASKS):
        reference = qrencoder.QRUtil.getMask(number)
        assert all(
            bool(mask(r, c)) == bool(reference(r, c)) for r in range(size) for c in range(size)
        )
    matrix = qr.qr_matrix(payload)
    chosen = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    chosen.addData(payload)
    chosen.version = code.version
    candidates = []
    for number in range(8):
        chosen.makeImpl(False, number)
        candidates.append(tuple(tuple(bool(x) for x in row) for row in chosen.modules))
    assert matrix in candidates  # a complete code with one of the eight standard masks
    assert len(matrix) == size


def test_qr_penalty_follows_the_standard_rules() -> None:
    from trustdesk.memo.qr import _penalty

    size = 21
    light = [0] * size
    # N1: every row and column is one run of 21 (3 + 16 each); N2: 20 x 20 blocks;
    # N4: 0 % dark is 10 steps of 5 % away from half.
    assert _penalty(light, size) == 42 * 19 + 3 * 20 * 20 + 10 * 10
