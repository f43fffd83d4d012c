from django.urls import path

from pathways.students import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("privacy/", views.privacy, name="privacy"),
    path("me/data/", views.my_data, name="my_data"),
]
