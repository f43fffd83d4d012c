from django.urls import path

from pathways.quiz import views

urlpatterns = [
    path("quiz/", views.quiz_home, name="quiz_home"),
    path("quiz/save/", views.quiz_save, name="quiz_save"),
    path("quiz/history/", views.quiz_history, name="quiz_history"),
    path("quiz/history/compare/", views.quiz_compare, name="quiz_compare"),
    path("quiz/history/<id:attempt_id>/", views.quiz_attempt, name="quiz_attempt"),
    path("quiz/<slug:kind>/", views.quiz_take, name="quiz_take"),  # last: any other quiz/… path is matched above
]
