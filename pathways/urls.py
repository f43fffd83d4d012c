from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path("pathways/", views.explorer, name="explorer"),
    path("routes/", views.route_list, name="route_list"),
    path("routes/<slug:code>/", views.route_detail, name="route_detail"),
]
