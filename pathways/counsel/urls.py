from django.urls import path

from pathways.counsel import class_views, views

urlpatterns = [
    path("counsel/", views.dashboard, name="counsel_dashboard"),
    path("counsel/students/<id:student_id>/", views.student_review, name="counsel_review"),
    path("counsel/students/<id:student_id>/code/", views.student_code_issue, name="student_code_issue"),
    path("counsel/cohorts/<id:cohort_id>/", views.cohort_analytics, name="cohort_analytics"),
    path("counsel/cohorts/<id:cohort_id>/roster/", views.roster_upload, name="roster_upload"),
    path("counsel/cohorts/<id:cohort_id>/code/", views.join_code_renew, name="join_code_renew"),
    path("me/classes/", class_views.my_classes, name="my_classes"),
]
