from django.urls import path

from pathways.plans import views

urlpatterns = [
    path("quiz/plan/", views.my_plan, name="my_plan"),
    path("quiz/report/", views.parent_report, name="parent_report"),
    path("report/<str:secret>/", views.shared_report, name="shared_report"),
]
