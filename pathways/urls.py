"""The pages of every concern, under one namespace ("pathways:…"). Plans and recommendations come before the quiz:
its `quiz/<kind>/` would otherwise take `quiz/plan/`."""

from django.urls import include, path

app_name = "pathways"

urlpatterns = [
    path("", include("pathways.routes.urls")),
    path("", include("pathways.plans.urls")),
    path("", include("pathways.matching.urls")),
    path("", include("pathways.quiz.urls")),
    path("", include("pathways.students.urls")),
    path("", include("pathways.counsel.urls")),
    path("", include("pathways.schools.urls")),
]
