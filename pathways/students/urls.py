from django.contrib.auth.decorators import login_required
from django.urls import path

from pathways.students import account_views, views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("privacy/", views.privacy, name="privacy"),
    path("me/data/", views.my_data, name="my_data"),
    path("accounts/code/", account_views.code_page, name="account_code"),
    path("accounts/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", login_required(account_views.password_changed), name="password_changed"),
]
