from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config import views
from organisations.forms_auth import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("dialoger/", include("dialogs.urls")),
    path("indikatorer/", include("indicators.urls")),
    path("aterkoppling/", include("feedback.urls")),
    path("django-admin/", admin.site.urls),
]

# 400, 403 and 404 are Django's own views with templates/400.html …; the 500 page renders without the request.
handler500 = "config.errors.server_error"
