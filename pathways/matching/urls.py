from django.urls import path

from pathways.matching import views

urlpatterns = [
    path("quiz/result/suggestions/", views.result_suggestions, name="result_suggestions"),
    path("quiz/history/<id:attempt_id>/recommendations/", views.quiz_recommendations, name="recommendations"),
    path("me/saved/", views.saved_programs, name="saved_programs"),
    path(
        "quiz/history/<id:attempt_id>/recommendations/feedback/",
        views.recommendation_feedback,
        name="recommendation_feedback",
    ),
]
