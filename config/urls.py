from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from mozilla_django_oidc.views import OIDCLogoutView

from config import views
from organisations import views_signin

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("konto/logga-in/", views_signin.SignInView.as_view(), name="login"),
    # Ends the identity provider's session too, for a person who signed in there (organisations/oidc.py).
    path("konto/logga-ut/", OIDCLogoutView.as_view(), name="logout"),
    path("konto/oidc/start/", views_signin.ProviderSignInStart.as_view(), name="oidc_start"),
    path("konto/oidc/klar/", views_signin.provider_callback, name="oidc_callback"),
    path("konto/losenord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/losenord/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("konto/aterstall/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("konto/aterstall/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "konto/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("konto/aterstall/klart/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("konto/e-post/", include("notifications.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("organisations.urls")),
    path("tillganglighet/", include("accessibility.urls")),
    path("dialoger/", include("dialogs.urls")),
    path("indikatorer/", include("indicators.urls")),
    path("aterkoppling/", include("feedback.urls")),
    path("kontinuitet/", include("continuity.urls")),
    path("program/", include("programme.urls")),
    path("larande/", include("learning.urls")),
    path("arkiv/", include("archive.urls")),
    path("integritet/", include("privacy.urls")),
    path("django-admin/", admin.site.urls),
]

# 400, 403 and 404 are Django's own views with templates/400.html …; the 500 page renders without the request.
handler500 = "config.errors.server_error"
