"""One-time codes that set a password: a new staff account's first one, or a forgotten one, without email and
without anyone typing another person's password.

The issuer sees the code once; the database keeps only its keyed hash. A code works once, for a day, and stops
after `CODE_MAX_FAILURES` wrong tries; issuing a new one ends the earlier ones. Who may issue to whom is decided by
the caller through `access` (a counselor for their students, a school administrator for their school's counselors,
a superuser for school administrators); a code issued for a student also leaves an audit row.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pathways.models import AccountCode
from pathways.students.access import is_student
from pathways.students.audit import audit_record

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or copied from a screen
CODE_LENGTH = 12  # 31^12 ≈ 8 × 10^17; with five tries per code, guessing is hopeless
CODE_LIFETIME = timedelta(days=1)


class CodeRefused(ValueError):
    """The code, username or new password is not accepted; the message says what to do."""


def _digest(code: str) -> str:
    return salted_hmac("zhitu.account-code", code.upper().replace("-", "").replace(" ", "")).hexdigest()


def _shown(code: str) -> str:
    return "-".join(code[n : n + 4] for n in range(0, len(code), 4))


@transaction.atomic
def code_issue(*, user: User, purpose: str, issued_by: User) -> str:
    """A new code for `user` (shown once, as XXXX-XXXX-XXXX); the user's earlier unused codes stop working."""
    now = timezone.now()
    AccountCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    AccountCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_digest(code),
        issued_by=issued_by,
        issued_by_username=issued_by.username,
        expires_at=now + CODE_LIFETIME,
    )
    if is_student(user):
        audit_record(actor=issued_by, student=user, action="reset_code_issued")
    return _shown(code)


def code_redeem(*, username: str, code: str, password: str, password_again: str) -> User:
    """Set `username`'s password with a one-time code. Every refusal but the password's own says the same thing,
    so the page tells nobody which usernames exist or hold a code."""
    refused = CodeRefused(_("The username or the code is wrong, or the code has been used or has expired."))
    with transaction.atomic():
        user = User.objects.filter(username=username.strip(), is_active=True).first()
        entry = (
            AccountCode.objects.select_for_update().filter(user=user, used_at__isnull=True).order_by("-pk").first()
            if user is not None
            else None
        )
        if user is None or entry is None or not entry.usable:
            raise refused
        matches = hmac.compare_digest(entry.code_hash, _digest(code))
        if not matches:
            AccountCode.objects.filter(pk=entry.pk).update(failures=F("failures") + 1)
    if not matches:
        raise refused  # after the block has committed, so the wrong try counts
    if password != password_again:
        raise CodeRefused(_("The two passwords are not the same."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise CodeRefused(" ".join(exc.messages)) from None
    with transaction.atomic():
        claimed = AccountCode.objects.filter(pk=entry.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not claimed:
            raise refused  # the same code used twice at once: only one wins
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
