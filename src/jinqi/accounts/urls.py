from django.urls import path

from jinqi.accounts import views
from jinqi.core.permissions import AUTHENTICATED, PUBLIC, requires

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("code/", views.otp_verify, name="otp_verify"),
    path("security/", views.security, name="security"),
    path("security/two-step/", views.otp_enrol, name="otp_enrol"),
    path("security/two-step/off/", views.otp_disable, name="otp_disable"),
    path("security/recovery-codes/", views.recovery_codes_new, name="recovery_codes"),
    path(
        "password/",
        requires(AUTHENTICATED)(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/changed/",
        requires(AUTHENTICATED)(views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    # Password reset by e-mail: for people who cannot log in, so public by design.
    path(
        "password/reset/",
        requires(PUBLIC)(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        requires(PUBLIC)(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        requires(PUBLIC)(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        requires(PUBLIC)(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
