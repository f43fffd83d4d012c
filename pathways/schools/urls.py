from django.urls import path

from pathways.schools import views

urlpatterns = [
    path("school/", views.school_home, name="school_home"),
]
