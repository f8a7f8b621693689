"""Whether a kept item (``services.outbox``, ``services.kept_closures``) was signed by
the officer it names, as the file stands, against the key the record holds for that
officer (decision 0062). Used where kept work is recorded: the flush
(``services.sync``) and "record again" (``services.refused_closures``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path

from trustdesk.core.characters import shown
from trustdesk.services.context import ServiceContext
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.kept_signing import REGISTERED, registered_key, verifies
from trustdesk.services.outbox import Kept, refusal_text
from trustdesk.store.errors import NotFound, StoreError
from trustdesk.store.records import User


def check_signed(ctx: ServiceContext, item: Kept, what: str) -> User:
    """The account that signed ``item``, kept on this desk; refused (``InvalidRequest``,
    nothing written) unless its signature verifies, as the file stands, against the key
    the record holds for the account the file names by id, and that account has the name
    the file gives (decision 0062). Planted in, or edited on, the workstation's data
    folder, signed by someone else, or kept before the officer's password changed: each
    says so."""
    refused = f"the {what} kept on this desk (draft {item.id[:8]}) is not recorded: "
    try:
        user = ctx.store.users.by_id(item.officer_id)
    except NotFound:
        raise InvalidRequest(
            refused + f"it names an account ({item.officer_id}) the record does not hold"
        ) from None
    if user.username != item.officer:
        raise InvalidRequest(
            refused + f"it names {item.officer!r}, but the account it gives by number is "
            f"{user.username!r}: its file was altered"
        )
    if not item.signature:
        raise InvalidRequest(
            refused + f"it carries no signature of {item.officer} (kept by an earlier "
            "TrustDesk, or written into the data folder by someone else); do it again "
            "from the start"
        )
    entry = ctx.store.audit.last_by(REGISTERED, user.id)
    key = None if entry is None else registered_key(entry, user.id)
    if key is None:
        raise InvalidRequest(
            refused + f"the record holds no signing key of {item.officer}; they must "
            "sign in once while the server answers, then do it again from the start"
        )
    try:
        text = item.signed_text()
    except (TypeError, ValueError, RecursionError):  # a value no JSON file should hold
        text = b""
    if (
        item.signing_key != key
        and text
        and verifies(item.signing_key, text, item.signature)
        and ever_registered(ctx, user.id, item.signing_key)
    ):
        raise InvalidRequest(
            refused + f"it was signed under {item.officer}'s earlier password (changed "
            "since); do it again from the start"
        )
    if item.signing_key != key or not text or not verifies(key, text, item.signature):
        raise InvalidRequest(
            refused + f"it is not signed by {item.officer} as it stands: its file was "
            "altered or written by someone else on this workstation"
        )
    return user


#: The longest desk name a kept item may give: a full host name (DNS) is at most this.
MAX_DESK_NAME = 253
#: How much of an implausible desk name a refusal writes out.
_SHOWN_DESK = 60


def desk_name_fault(name: str) -> str | None:
    """What is wrong with ``name`` as the desk (workstation) a kept item says it was kept
    on, or None: a desk is named by its computer's name (``store.paths.hostname``), 1 to
    ``MAX_DESK_NAME`` letters, digits, '.', '-' and '_' (a Windows computer name may
    hold letters beyond ASCII, but not look-alikes of another's: ``_look_alike_fault``).
    Not a formula, a space, a control or text-direction character, or a page of text:
    the record's workstation column, the reports' "by desk" and the history show it as a
    desk."""
    if not name:
        return "it is empty"
    if len(name) > MAX_DESK_NAME:
        return f"it is {len(name)} characters long (a computer's name has at most {MAX_DESK_NAME})"
    bad = next((ch for ch in name if not (ch.isalnum() or ch in ".-_")), None)
    if bad is not None:
        written = "a space" if bad == " " else f"'{shown(bad)}'"
        return f"it holds {written}, which no computer's name holds"
    return _look_alike_fault(name)


#: Scripts whose letters pass for one another's ('Е' Cyrillic, 'E' Latin, 'Ε' Greek).
_LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE"})


def _look_alike_fault(name: str) -> str | None:
    """What makes ``name`` look like another desk's name, or None: a letter or digit in a
    compatibility form (full-width, bold, superscript: 'Ｄ', '𝐃', '²', which normalise to
    plain 'D', 'D', '2'), or letters of two scripts that pass for one another (Latin and
    Cyrillic: 'BOOKING-DЕSK-02' with a Cyrillic 'Е'). A name all in one such script
    passes: a computer may be named in Cyrillic or Greek."""
    for ch in name:
        plain = unicodedata.normalize("NFKC", ch)
        if plain != ch:
            return f"it holds '{shown(ch)}', a look-alike of '{shown(plain)}'"
    scripts = sorted(
        {script for ch in name if ch.isalpha() and (script := _script(ch)) in _LOOK_ALIKE_SCRIPTS}
    )
    if len(scripts) > 1:
        return (
            f"it mixes {' and '.join(s.title() for s in scripts)} letters, as a name made to "
            "look like another does"
        )
    return None


def _script(letter: str) -> str:
    """The script a letter is written in, as its Unicode name starts ('LATIN', 'CYRILLIC')."""
    return unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]


def desk_written_out(name: str) -> str:
    """``name`` quoted for a message: control and text-direction characters written as
    ``<U+202E>`` (and, in a name of look-alike letters, every letter beyond ASCII, so that
    'DЕSK' does not read as 'DESK'), and no more than its first ``_SHOWN_DESK``
    characters."""
    head = shown(name[:_SHOWN_DESK])
    if _look_alike_fault(name[:MAX_DESK_NAME]) is not None:
        head = "".join(ch if ch.isascii() else f"<U+{ord(ch):04X}>" for ch in head)
    more = f"… ({len(name)} characters)" if len(name) > _SHOWN_DESK else ""
    return f'"{head}"{more}'


def desk_named_right(ctx: ServiceContext, item: Kept) -> bool:
    """Whether the desk ``item``'s file names is this desk's own name or a computer's
    name (``desk_name_fault``): what may be recorded as the desk the work was done at."""
    return item.workstation == ctx.workstation or desk_name_fault(item.workstation) is None


def desk_of(ctx: ServiceContext, item: Kept) -> str:
    """The desk ``item`` was kept at, as what deals with a refused item records or prints
    of it (a discard's ``kept_on``, a slip, a memo): as its file names it when that is a
    desk's name (``check_desk``), written out (``desk_written_out``) when it is not."""
    if desk_named_right(ctx, item):
        return item.workstation
    return desk_written_out(item.workstation)


def check_desk(ctx: ServiceContext, item: Kept, what: str, where: Path) -> None:
    """Refuse (``InvalidRequest``, nothing written) to record ``item`` when the desk its
    file names (``workstation``) is not a computer's name (``desk_name_fault``): an
    officer can sign a kept file they wrote themselves, and whatever it names would
    be recorded as the desk the work was done at. This desk's own name always passes
    (what it records of work done here in any case). ``where``: the item's file."""
    if desk_named_right(ctx, item):
        return
    fault = desk_name_fault(item.workstation)
    raise InvalidRequest(
        f"the {what} kept on this desk (draft {item.id[:8]}) is not recorded: its file "
        f"({where}) names the desk it was kept at as {desk_written_out(item.workstation)}, "
        f"which is not a desk's name ({fault}): its file was written or altered by "
        "hand; do it again from the start"
    )


def ever_registered(ctx: ServiceContext, user_id: int, key: str) -> bool:
    """Whether the record holds or held ``key`` as the account's signing key (a key
    registered before a password change stays the officer's for what it signed then)."""
    return any(
        entry.actor_id == user_id and registered_key(entry, user_id) == key
        for entry in ctx.store.audit.of_events(REGISTERED)
    )


def signed_by_its_officer(ctx: ServiceContext, item: Kept) -> bool:
    """Whether ``item`` is signed, as it stands, by the officer it names (by id and
    name), under any key the record holds or held for them: work they really kept, even
    if their password changed since (``check_signed`` then refuses to record it, but a
    decision deciding it again names it, and a search for what was done with it looks)."""
    try:
        user = ctx.store.users.by_id(item.officer_id)
    except NotFound:
        return False
    if user.username != item.officer or not item.signature:
        return False
    try:
        text = item.signed_text()
    except (TypeError, ValueError, RecursionError):
        return False
    if not verifies(item.signing_key, text, item.signature):
        return False
    return ever_registered(ctx, user.id, item.signing_key)


def self_signed(item: Kept) -> bool:
    """Whether ``item`` carries a signature that verifies with the key it names: what
    can be checked without the record (the desk's board while the server is lost)."""
    try:
        return bool(item.signature) and verifies(
            item.signing_key, item.signed_text(), item.signature
        )
    except (TypeError, ValueError, RecursionError):
        return False


def refusal_stands(
    ctx: ServiceContext, item: Kept, known: Mapping[int, set[str]], *, record: bool = True
) -> bool:
    """Whether ``item`` was refused by a desk of this record: its refusal (the reason,
    when, and the item as signed) carries the signature of the officer signed in at the
    refusing desk, with a key ``known`` holds for them (learnt from their sign-ins here)
    or else one the record holds or held for them (a password changed since does not
    undo a refusal; decision 0064). A refusal written into the file by someone else does
    not stand: the item is tried again. Without the record, only a known key can say."""
    if not item.refused or item.refused_at is None or item.refused_by is None:
        return False
    try:
        text = refusal_text(item, item.refused, item.refused_at, item.refused_by)
    except (TypeError, ValueError, RecursionError):
        return False
    if not verifies(item.refusal_key, text, item.refusal_signature):
        return False
    if item.refusal_key in known.get(item.refused_by, ()):
        return True
    if not record:  # asked where the server may be lost: only a known key says so
        return False
    try:
        return ever_registered(ctx, item.refused_by, item.refusal_key)
    except StoreError:
        return False
