"""Settings shared by every deployment; values that differ come from `environment`."""

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from jinqi.settings import environment as env

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS


def _secret_key() -> str:
    if env.SECRET_KEY:
        return env.SECRET_KEY
    # Without a configured key, keep one per installation so sessions survive restarts.
    key_file = env.VAR_DIR / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    env.VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Written aside and renamed into place: processes starting together (the web server's
    # workers, parallel test workers) never read a half-written key; the last rename wins.
    draft = key_file.with_name(f"secret.key.{os.getpid()}")
    draft.write_text(key)
    draft.chmod(0o600)
    draft.replace(key_file)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

INSTALLED_APPS = [
    # The Django admin, behind the second factor (accounts.admin_site).
    "jinqi.accounts.admin_site.SecondFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "jinqi.core",
    "jinqi.accounts",
    "jinqi.audit",
    "jinqi.notifications",
    "jinqi.registry",
    "jinqi.plans",
    "jinqi.credit",
    "jinqi.providers",
    "jinqi.financing",
    "jinqi.search",
    "jinqi.policies",
    "jinqi.applications",
    "jinqi.surveys",
    "jinqi.appeals",
    "jinqi.guides",
    "jinqi.legalcheck",
    "jinqi.assist",
    "jinqi.inspections",
    # No models: the `jinqi demo` command and the demo and benchmark data it generates.
    "jinqi.demo",
    "jinqi.api",
    "jinqi.web",
]

MIDDLEWARE = [
    # First: every later middleware, view and log line knows the request's id.
    "jinqi.core.request_id.RequestIdMiddleware",
    # Next: whatever goes wrong below, an API caller gets the API's JSON error, never a page.
    "jinqi.api.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Its process_exception runs last: a busy database under any view answers 503, not 500.
    "jinqi.core.busy.DatabaseBusyMiddleware",
    # Before anything reads request.POST: uploads keep the file name the client sent.
    "jinqi.core.multipart.ClientFileNameMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads them: the path and query string pass the text boundary (400).
    "jinqi.core.middleware.TextBoundaryMiddleware",
    # After the messages middleware: idle logout tells the user why they must log in again.
    "jinqi.accounts.middleware.IdleLogoutMiddleware",
    # After idle logout: a session that still needs its second factor reaches nothing else.
    "jinqi.accounts.middleware.SecondFactorMiddleware",
    "jinqi.api.middleware.ApiAuditMiddleware",
    # Figures a page reads twice are computed once per safe request (core/memo.py).
    "jinqi.core.memo.RequestMemoMiddleware",
    # Pages kept in memory are served only until a write: every writing request advances the
    # generation they are kept under (core/pagecache.py).
    "jinqi.core.pagecache.WriteGenerationMiddleware",
    "jinqi.api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jinqi.urls"
WSGI_APPLICATION = "jinqi.wsgi.application"
FORM_RENDERER = "jinqi.web.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of the Django admin's templates, which come before every app's (the admin
        # app is the first installed).
        "DIRS": [BASE_DIR / "web" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jinqi.web.context_processors.navigation",
                "jinqi.web.context_processors.site_host",
            ],
        },
    },
]

DATABASES = {"default": env.database_config()}

# "pages" holds rendered pages (core/pagecache.py), a few tens of kilobytes each, in files that
# every server process on the machine shares, so that a page is rendered once per write, not
# once per process; the write generation in the database keeps the copies right. Servers on
# several machines share a Redis or Memcached cache here instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.VAR_DIR / "cache" / "pages",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# The longest a kept page is served, whatever the write generation says (core/pagecache.py).
PAGE_CACHE_SECONDS = 300
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Enterprise users may type their unified social credit code as the user name.
    "jinqi.accounts.backends.CreditCodeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jinqi.accounts.password_validation.CharacterClassesValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Lockout after repeated failures (django-axes): five failures lock the user, from the address
# they came from, for 30 minutes. By user name alone anyone could lock a known official out; by
# address alone a whole bureau behind one NAT address would be locked together.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "jinqi.accounts.client_address.client_address"
AXES_VERBOSE = False  # no banner before every command's output
# System checks silenced on purpose; each entry says why where it is added (prod.py).
SILENCED_SYSTEM_CHECKS: list[str] = []
JINQI_TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
# The footer's host organisation, its office running the platform, and a contact for users.
JINQI_HOST = {
    "organisation": env.HOST_ORGANISATION,
    "office": env.HOST_OFFICE,
    "contact": env.HOST_CONTACT,
}

# Second factor (django-otp): TOTP with recovery codes; required for staff and administrators
# when JINQI_REQUIRE_SECOND_FACTOR is on (the production settings turn it on by default).
JINQI_REQUIRE_SECOND_FACTOR = bool(env.REQUIRE_SECOND_FACTOR)
OTP_TOTP_ISSUER = "金企"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PASSWORD_RESET_TIMEOUT = 3600

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
IDLE_LOGOUT_SECONDS = env.IDLE_LOGOUT_SECONDS
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.VAR_DIR / "static"
MEDIA_ROOT = env.MEDIA_ROOT
BACKUP_DIR = env.BACKUP_DIR
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
UPLOAD_MAX_BYTES = env.UPLOAD_MAX_BYTES
APPLICATION_UPLOAD_MAX_BYTES = env.APPLICATION_UPLOAD_MAX_BYTES
UPLOAD_MAX_UNPACKED_BYTES = env.UPLOAD_MAX_UNPACKED_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.EMAIL_URL_BACKEND
OUTBOX_DIR = env.OUTBOX_DIR
EMAIL_FILE_PATH = env.OUTBOX_DIR  # django.core.mail.backends.filebased.EmailBackend
SMS_BACKEND = env.SMS_BACKEND
EMAIL_HOST = env.EMAIL_HOST
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL

# Calls per minute for one API token, counted in the database for all web processes together.
API_RATE_LIMIT_PER_MINUTE = env.API_RATE_LIMIT_PER_MINUTE
# Working days a financial institution has, once it takes a financing request up, to report
# its decision; later, the request goes to the finance office (金融办).
FINANCING_DECIDE_WORKING_DAYS = env.FINANCING_DECIDE_WORKING_DAYS
# Pages of API lists: a caller cannot ask for a million rows or an offset past any table.
NINJA_PAGINATION_CLASS = "jinqi.api.pagination.BoundedLimitOffsetPagination"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to (the X-Request-ID header of its response).
    "filters": {"request_id": {"()": "jinqi.core.request_id.RequestIdFilter"}},
    "formatters": {
        "default": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "default",
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
