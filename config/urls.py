from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pathways.students.signin import SignInView
from programs import views as program_views

admin.site.site_header = _("Zhitu catalog administration")
admin.site.site_title = _("Zhitu admin")

urlpatterns = [
    path("", program_views.home, name="home"),
    path("", include("programs.urls")),
    path("", include("pathways.urls")),
    path("api/v1/", include("pathways.api")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
