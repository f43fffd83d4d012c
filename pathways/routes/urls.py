from django.urls import path

from pathways.routes import views

urlpatterns = [
    path("pathways/", views.explorer, name="explorer"),
    path("routes/", views.route_list, name="route_list"),
    path("routes/<slug:code>/", views.route_detail, name="route_detail"),
]
