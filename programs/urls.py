from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("specialties/", views.specialty_list, name="specialty_list"),
    path("specialties/<str:code>/", views.specialty_detail, name="specialty_detail"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/compare/", views.program_compare, name="program_compare"),
    path("programs/<id:program_id>/", views.program_detail, name="program_detail"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<id:institution_id>/", views.institution_detail, name="institution_detail"),
    path("industries/", views.cluster_list, name="cluster_list"),
    path("industries/<slug:code>/", views.cluster_detail, name="cluster_detail"),
]
