from django.contrib.auth.decorators import login_required
from django.urls import path

from pathways.students import account_views, views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("privacy/", views.privacy, name="privacy"),
    path("me/", views.account_home, name="account_home"),
    path("me/data/", views.my_data, name="my_data"),
    path("accounts/code/", account_views.code_page, name="account_code"),
    path("accounts/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", login_required(account_views.password_changed), name="password_changed"),
    path("accounts/password/email/", account_views.email_reset, name="email_reset"),
    path("accounts/password/email/sent/", account_views.email_reset_sent, name="email_reset_sent"),
    path(
        "accounts/password/email/<str:uidb64>/<str:token>/",
        account_views.email_reset_confirm,
        name="email_reset_confirm",
    ),
    path("accounts/password/email/done/", account_views.email_reset_done, name="email_reset_done"),
]
