from django.urls import path

from pathways.schools import views

urlpatterns = [
    path("school/", views.school_home, name="school_home"),
    path("school/programs/", views.school_programs, name="school_programs"),
    path("school/programs/template.<str:kind>", views.programs_template, name="school_programs_template"),
]
