from django.urls import path

from pathways.counsel import class_views
from pathways.counsel import views as counsel_views
from pathways.quiz import views as quiz_views
from pathways.routes import views

app_name = "pathways"

urlpatterns = [
    path("pathways/", views.explorer, name="explorer"),
    path("routes/", views.route_list, name="route_list"),
    path("routes/<slug:code>/", views.route_detail, name="route_detail"),
    path("quiz/", quiz_views.quiz_home, name="quiz_home"),
    path("quiz/save/", quiz_views.quiz_save, name="quiz_save"),
    path("quiz/plan/", quiz_views.my_plan, name="my_plan"),
    path("quiz/report/", quiz_views.parent_report, name="parent_report"),
    path("quiz/history/", quiz_views.quiz_history, name="quiz_history"),
    path("quiz/history/compare/", quiz_views.quiz_compare, name="quiz_compare"),
    path("quiz/history/<id:attempt_id>/", quiz_views.quiz_attempt, name="quiz_attempt"),
    path("quiz/history/<id:attempt_id>/recommendations/", quiz_views.quiz_recommendations, name="recommendations"),
    path(
        "quiz/history/<id:attempt_id>/recommendations/feedback/",
        quiz_views.recommendation_feedback,
        name="recommendation_feedback",
    ),
    path("quiz/<slug:kind>/", quiz_views.quiz_take, name="quiz_take"),
    path("accounts/signup/", quiz_views.signup, name="signup"),
    path("privacy/", quiz_views.privacy, name="privacy"),
    path("me/data/", quiz_views.my_data, name="my_data"),
    path("counsel/", counsel_views.dashboard, name="counsel_dashboard"),
    path("counsel/students/<id:student_id>/", counsel_views.student_review, name="counsel_review"),
    path("counsel/cohorts/<id:cohort_id>/", counsel_views.cohort_analytics, name="cohort_analytics"),
    path("counsel/cohorts/<id:cohort_id>/roster/", counsel_views.roster_upload, name="roster_upload"),
    path("counsel/cohorts/<id:cohort_id>/code/", counsel_views.join_code_renew, name="join_code_renew"),
    path("me/classes/", class_views.my_classes, name="my_classes"),
]
