"""Feedback on recommended programs: a student's save or dismiss, a counselor's endorse or reject; only on a
program recommended to that student; and the re-ranker's training rows from it.
"""

from __future__ import annotations

import numpy as np
from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from pathways.matching.core import COLD_WEIGHTS, pair_features, program_table
from pathways.matching.recommendations import attempt_profile, recommendations_for_attempt
from pathways.models import (
    Decision,
    FeedbackKind,
    QuizAttempt,
    RecommendationFeedback,
    ReviewItem,
    StudentProfile,
    StudentRecommendation,
)
from pathways.models.quiz import POSITIVE_FEEDBACK
from pathways.routes.graph import graph_get
from programs.models import Program
from recommender.artifacts import ranker_get
from recommender.models import AREAS
from recommender.reranker import FeedbackSet

REASON_MAX = 200  # characters of a student's or counselor's reason (the fields' max_length)
WITHDRAW = "withdraw"  # the form's value for taking a save or a dismissal back


class FeedbackRefused(ValueError):
    """Feedback on a program that was never recommended to that student."""


def feedback_allowed(*, attempt: QuizAttempt, program_id: int) -> bool:
    """Feedback is kept only for a program the student was recommended: in their stored set, in the set their page
    shows for their stage and district now (a stored set can lag a catalog edit), or added by their counselor. A
    student who turned profiling off is recommended nothing, and nothing is computed to check."""
    profile = StudentProfile.objects.filter(user_id=attempt.student_id).first()
    if profile is not None and profile.profiling_opt_out:
        return False
    stored = StudentRecommendation.objects.filter(student_id=attempt.student_id).values_list("programs", flat=True)
    if any(item.get("program") == program_id for programs in stored for item in programs):
        return True
    added = ReviewItem.objects.filter(review__student_id=attempt.student_id, decision=Decision.ADDED)
    if added.filter(program_id=program_id).exists():
        return True
    stage, district = ((profile.stage or "junior"), profile.district) if profile else ("junior", "")
    shown = recommendations_for_attempt(attempt=attempt, stage=stage, district=district)
    return any(item.program.pk == program_id for item in shown.programs)


def feedback_record(*, actor: User, attempt: QuizAttempt, program: Program, kind: str, reason: str = "") -> None:
    """Keep what a student (save, dismiss) or a counselor (endorse, reject) said about a program recommended to the
    student; any other program is refused (FeedbackRefused), so the re-ranker learns only from real suggestions."""
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise FeedbackRefused(
            _("The reason has %(n)s characters; at most %(max)s fit. Shorten it and send it again.")
            % {"n": len(reason), "max": REASON_MAX}
        )
    if not feedback_allowed(attempt=attempt, program_id=program.pk):
        raise FeedbackRefused(
            _("Program %(id)s was not recommended to you, so it cannot be saved or dismissed here.")
            % {"id": program.pk}
        )
    RecommendationFeedback.objects.update_or_create(
        student_id=attempt.student_id,
        actor=actor,
        program=program,
        defaults={"attempt": attempt, "kind": kind, "reason": reason},
    )


def feedback_withdraw(*, actor: User, student_id: int, program: Program) -> bool:
    """Take back what this actor said about the program (a save or a dismissal); True if there was something."""
    deleted, _rows = RecommendationFeedback.objects.filter(
        student_id=student_id, actor=actor, program=program, kind__in=(FeedbackKind.SAVE, FeedbackKind.DISMISS)
    ).delete()
    return bool(deleted)


def feedback_dataset() -> FeedbackSet | None:
    """Every piece of feedback as re-ranker training rows: the pair's features when it was given, and its label."""
    version, ranker = ranker_get()
    graph = graph_get()
    rows = list(RecommendationFeedback.objects.select_related("attempt", "program__institution").order_by("pk"))
    if graph is None or not rows:
        return None
    table = program_table(graph, version, ranker, "all")
    row_of = {int(pk): n for n, pk in enumerate(table.ids)}
    districts = dict(StudentProfile.objects.values_list("user_id", "district"))
    features, labels, students = [], [], []
    for feedback in rows:
        if feedback.program_id not in row_of:
            continue
        n = row_of[feedback.program_id]
        similarity = ranker.scores(np.array([attempt_profile(feedback.attempt)[a] for a in AREAS]))[0]
        pair = pair_features(table, similarity[table.columns], districts.get(feedback.student_id, ""), frozenset())[n]
        features.append(pair)
        labels.append(int(feedback.kind in POSITIVE_FEEDBACK))
        students.append(feedback.student_id)
    if not features:
        return None
    matrix = np.array(features)
    return FeedbackSet(matrix, np.array(labels), np.array(students), matrix @ COLD_WEIGHTS)
