"""The interest quiz: publishing form versions, checking answers, scoring, and saving with consent.

Answers are checked the same way for the web form and the API, and nothing is written unless every
answer is valid. Scoring an answer sheet stores nothing; only `quiz_attempt_save` writes, and only for
a student whose consent (and, under 14, a guardian's) is on record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import (
    AREA_ORDER,
    FormKind,
    FormVersion,
    FormVersionItem,
    QuizAnswer,
    QuizAttempt,
    QuizItem,
    StudentProfile,
)
from pathways.models.quiz import ITEMS_PER_AREA
from pathways.quiz.scoring import QuizResult, quiz_score
from pathways.students.consent import consent_state
from programs.loading import LoadCounts, RowError, read_csv, upsert

ITEMS_FILE = Path(__file__).resolve().parent.parent / "data" / "quiz-items.csv"
TOKEN_SALT = "pathways.quiz.result"
TOKEN_MAX_AGE = 24 * 3600  # a scored result can be saved within a day
SHORT_INT = re.compile(r"-?[0-9]{1,9}")


class QuizInputError(ValueError):
    """Bad answers. `errors` maps a field to its messages, as the API returns them."""

    def __init__(self, errors: dict[str, object]) -> None:
        super().__init__(str(errors))
        self.errors = errors


class ConsentRequired(PermissionError):
    """The student (or, under 14, a guardian) has not agreed to storage yet."""


# Publishing versions ---------------------------------------------------------------------------------------------


def _form_items(kind: str) -> list[QuizItem]:
    items = QuizItem.objects.filter(active=True).order_by("position")
    return list(items.filter(in_quick=True) if kind == FormKind.QUICK else items)


def _fingerprint(items: list[QuizItem]) -> str:
    content = [[i.code, i.area, i.text, i.text_en] for i in items]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _form_problems(kind: str, items: list[QuizItem]) -> list[str]:
    wanted = ITEMS_PER_AREA[kind]
    counts = {area: sum(1 for i in items if i.area == area) for area in AREA_ORDER}
    return [
        _("%(form)s needs %(wanted)s active items in area %(area)s, not %(count)s.")
        % {"form": FormKind(kind).label, "wanted": wanted, "area": area, "count": count}
        for area, count in counts.items()
        if count != wanted
    ]


@dataclass
class PublishOutcome:
    kind: str
    version: FormVersion | None
    created: bool
    problems: list[str]


@transaction.atomic
def quiz_forms_publish() -> list[PublishOutcome]:
    """Make a new version of each form whose items changed. A form that would break keeps its current version."""
    outcomes = []
    for kind in FormKind.values:
        items = _form_items(kind)
        current = FormVersion.objects.select_for_update().filter(kind=kind, is_current=True).first()
        problems = _form_problems(kind, items)
        fingerprint = _fingerprint(items)
        if problems or (current and current.fingerprint == fingerprint):
            outcomes.append(PublishOutcome(kind, current, False, problems))
            continue
        number = (
            FormVersion.objects.filter(kind=kind).order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        FormVersion.objects.filter(kind=kind, is_current=True).update(is_current=False)
        version = FormVersion.objects.create(kind=kind, number=number, is_current=True, fingerprint=fingerprint)
        FormVersionItem.objects.bulk_create(
            FormVersionItem(
                version=version, item=item, position=n, area=item.area, text=item.text, text_en=item.text_en
            )
            for n, item in enumerate(items, start=1)
        )
        outcomes.append(PublishOutcome(kind, version, True, []))
    return outcomes


def _parse_items(path: Path) -> list[QuizItem]:
    items = []
    for line, row in read_csv(path, ["code", "area", "position", "in_quick", "text", "text_en"]):
        if row["area"] not in AREA_ORDER or not row["code"].startswith(row["area"]):
            raise RowError(path, line, f"area {row['area']!r} does not fit code {row['code']!r}")
        if not row["position"].isdigit() or row["in_quick"] not in ("true", "false") or not row["text"]:
            raise RowError(path, line, "position must be a number, in_quick true or false, and text filled")
        items.append(
            QuizItem(
                code=row["code"],
                area=row["area"],
                position=int(row["position"]),
                in_quick=row["in_quick"] == "true",
                text=row["text"],
                text_en=row["text_en"],
            )
        )
    return items


@transaction.atomic
def quiz_items_load(*, path: Path = ITEMS_FILE) -> dict[str, LoadCounts]:
    """Load the items file, then publish a version of each form if its items changed."""
    items = _parse_items(path)
    counts, _saved = upsert(
        model=QuizItem,
        key=("code",),
        instances=items,
        fields=["area", "position", "in_quick", "text", "text_en"],
        reason="load_quiz",
    )
    result = {"quiz_items": counts}
    for outcome in quiz_forms_publish():
        if outcome.problems:
            raise RowError(path, 1, " ".join(outcome.problems))
        result[f"{outcome.kind}_form_versions"] = LoadCounts(
            created=int(outcome.created), unchanged=int(not outcome.created)
        )
    return result


# Reading forms ---------------------------------------------------------------------------------------------------


def current_version(*, kind: str) -> FormVersion | None:
    return FormVersion.objects.filter(kind=kind, is_current=True).prefetch_related("items").first()


# Checking and scoring answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerSheet:
    """Answers that passed every check, in the version's item order."""

    version: FormVersion
    items: list[FormVersionItem]
    values: list[int]
    duration_seconds: int | None

    def score(self) -> QuizResult:
        return quiz_score(
            areas=[i.area for i in self.items], values=self.values, duration_seconds=self.duration_seconds
        )


def _as_int(value: object) -> int | None:
    """A whole number as an answer, an item or a version may be: an int, or a short string of digits (a form field
    of 5,000 digits is not a number here, and is never converted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and SHORT_INT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def answer_value(value: object) -> int | None:
    """The answer a form field holds, if it is one of 1 to 5 (to show it selected again)."""
    number = _as_int(value)
    return number if number is not None and 1 <= number <= 5 else None


def _shown(value: object) -> str:
    """A value as an error message may quote it: short, so a huge field is not sent back whole."""
    text = str(value)
    return text if len(text) <= 20 else text[:20] + "…"


def _answer_errors(items_by_id: dict[int, FormVersionItem], answers: Sequence[tuple[object, object]]) -> list[dict]:
    errors: list[dict] = []
    seen: set[int] = set()
    for raw_item, raw_value in answers:
        error: dict[str, list[str]] = {}
        item_id, value = _as_int(raw_item), _as_int(raw_value)
        if item_id not in items_by_id:
            error["item"] = [_("Unknown item: %(item)s is not a question of this form.") % {"item": _shown(raw_item)}]
        elif item_id in seen:
            error["item"] = [_("Item %(code)s is answered twice.") % {"code": items_by_id[item_id].item.code}]
        if raw_value is None or raw_value == "":
            error["value"] = [_("This answer has no value: choose 1 to 5.")]
        elif value is None or not 1 <= value <= 5:
            error["value"] = [
                _("Answers run from 1 (strongly dislike) to 5 (strongly like), not %(value)s.")
                % {"value": _shown(raw_value)}
            ]
        if item_id is not None:
            seen.add(item_id)
        errors.append(error)
    return errors


def answers_check(
    *, kind: str, version_number: object, answers: Sequence[tuple[object, object]], duration_seconds: int | None = None
) -> AnswerSheet:
    """Check a whole answer sheet against the current version of a form; raise QuizInputError listing every problem."""
    if kind not in FormKind.values:
        raise QuizInputError({"form": [_("Unknown form: %(form)s.") % {"form": kind}]})
    version = current_version(kind=kind)
    if version is None:
        raise QuizInputError({"form": [_("This form has no published version yet.")]})
    if _as_int(version_number) != version.number:
        message = _("This form is now at version %(current)s, not %(given)s: reload the questions.")
        raise QuizInputError({"version": [message % {"current": version.number, "given": _shown(version_number)}]})
    items = list(version.items.all())
    items_by_id = {i.item_id: i for i in items}
    errors: dict[str, object] = {}
    per_answer = _answer_errors(items_by_id, answers)
    if any(per_answer):
        errors["answers"] = per_answer
    given = {_as_int(item) for item, _value in answers}
    missing = [i for i in items if i.item_id not in given]
    if missing:
        errors["unanswered"] = [
            _("Question %(n)s (%(code)s) is not answered.") % {"n": i.position, "code": i.item.code} for i in missing
        ]
    if errors:
        raise QuizInputError(errors)
    value_of = {_as_int(item): _as_int(value) for item, value in answers}
    return AnswerSheet(version, items, [int(value_of[i.item_id]) for i in items], duration_seconds)  # type: ignore[arg-type]


# Timing, measured on the server ---------------------------------------------------------------------------------

STARTED_SALT = "pathways.quiz.started"
MAX_DURATION = 6 * 3600  # a start older than this is not a measurement of one sitting


def start_token_make() -> str:
    """A signed start time: the form page and the API hand it out; the answers bring it back."""
    return signing.dumps(int(timezone.now().timestamp()), salt=STARTED_SALT)


def start_token_seconds(token: str) -> int | None:
    """Seconds since the signed start; None when there is none, or it is forged or older than MAX_DURATION. The
    client's own account of how long it took is never used, so the too-fast flag cannot be talked out of."""
    if not token:
        return None
    try:
        started = signing.loads(token, salt=STARTED_SALT, max_age=MAX_DURATION)
    except signing.BadSignature:
        return None
    return max(0, int(timezone.now().timestamp() - int(started)))


# Carrying a scored result in the browser until it may be saved ----------------------------------------------------


def result_token_make(*, sheet: AnswerSheet) -> str:
    """A signed copy of the answers for the browser to hold; the server keeps nothing."""
    payload = {
        "v": sheet.version.pk,
        "a": [[i.item_id, v] for i, v in zip(sheet.items, sheet.values, strict=True)],
        "d": sheet.duration_seconds,
        "t": timezone.now().isoformat(),
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def result_token_read(*, token: str) -> AnswerSheet:
    """The answer sheet inside a token this server signed (on the version it was answered on)."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise QuizInputError(
            {"token": [_("This result has expired or was altered. Please take the quiz again.")]}
        ) from exc
    version = FormVersion.objects.prefetch_related("items").get(pk=payload["v"])
    items = list(version.items.all())
    value_of = dict((int(k), int(v)) for k, v in payload["a"])
    return AnswerSheet(version, items, [value_of[i.item_id] for i in items], payload["d"])


# Saving --------------------------------------------------------------------------------------------------------------


class ResultAlreadySaved(PermissionError):
    """A signed result is saved once, by one account."""


def _already_saved() -> str:
    return _("This result has been saved already. Take the quiz again to save a result.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def quiz_attempt_save(*, student: User, sheet: AnswerSheet, token: str | None = None) -> QuizAttempt:
    """Store a scored attempt with its answers, only with consent on record. All or nothing.

    Saved from a signed result (`token`, the quiz page), it is saved once: the same account saving it again gets
    the attempt it already saved; another account is refused (ResultAlreadySaved)."""
    if not consent_state(user=student).may_store:
        raise ConsentRequired(_("Agree to the privacy notice (and, under 14, have a guardian agree) before saving."))
    if StudentProfile.objects.filter(user=student, profiling_opt_out=True).exists():
        raise ConsentRequired(_("Profiling is turned off for this account: turn it on in My data to save results."))
    digest = _digest(token) if token else None
    if digest is not None and (saved := QuizAttempt.objects.filter(result_digest=digest).first()) is not None:
        if saved.student_id != student.pk:
            raise ResultAlreadySaved(_already_saved())
        return saved
    result = sheet.score()
    scores = {f"score_{area.lower()}": result.scores[area] for area in AREA_ORDER}
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                student=student,
                version=sheet.version,
                completed_at=timezone.now(),
                duration_seconds=sheet.duration_seconds,
                too_fast=result.too_fast,
                code=result.code,
                flat=result.flat,
                result_digest=digest,
                **scores,
            )
    except IntegrityError as exc:  # the same result saved at the same moment in another request
        raise ResultAlreadySaved(_already_saved()) from exc
    QuizAnswer.objects.bulk_create(
        QuizAnswer(attempt=attempt, item=item, value=value)
        for item, value in zip(sheet.items, sheet.values, strict=True)
    )
    return attempt


def attempt_result(*, attempt: QuizAttempt) -> QuizResult:
    """The result of a saved attempt, re-scored from its stored answers on its own version."""
    answers = list(attempt.answers.values_list("item__area", "value"))  # pairs, not 60 model instances
    return quiz_score(
        areas=[area for area, _value in answers],
        values=[value for _area, value in answers],
        duration_seconds=attempt.duration_seconds,
    )
