"""The pathways app's models: progression routes (routes.py) and the interest quiz with consent (quiz.py)."""

from pathways.models.quiz import (
    AREA_ORDER,
    Area,
    Consent,
    ConsentKind,
    FeedbackKind,
    FormKind,
    FormVersion,
    FormVersionItem,
    QuizAnswer,
    QuizAttempt,
    QuizItem,
    RecommendationFeedback,
    Stage,
    StudentProfile,
    StudentRecommendation,
)
from pathways.models.review import (
    AuditEntry,
    Cohort,
    CohortInvitation,
    CohortMembership,
    Decision,
    InvitationStatus,
    Notification,
    Plan,
    Review,
    ReviewItem,
    ReviewStatus,
)
from pathways.models.routes import (
    Admission,
    Articulation,
    ArticulationQuerySet,
    Entry,
    RouteKind,
    SkillCategory,
    SpecialtySkillCategory,
    bilingual,
)

__all__ = [
    "AuditEntry", "Cohort", "CohortInvitation", "CohortMembership", "Decision", "InvitationStatus", "Notification",
    "Plan", "Review", "ReviewItem", "ReviewStatus",
    "AREA_ORDER", "Admission", "Area", "Articulation", "ArticulationQuerySet", "Consent", "ConsentKind", "Entry",
    "FeedbackKind", "FormKind", "FormVersion", "FormVersionItem", "QuizAnswer", "QuizAttempt", "QuizItem",
    "RecommendationFeedback", "RouteKind", "SkillCategory", "SpecialtySkillCategory", "Stage", "StudentProfile",
    "StudentRecommendation", "bilingual",
]  # fmt: skip
