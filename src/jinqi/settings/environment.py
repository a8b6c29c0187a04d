"""The one module that reads the process environment (documented in docs/environment.md)."""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(os.environ.get("JINQI_HOME", Path.cwd())).resolve()
VAR_DIR = PROJECT_DIR / "var"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("JINQI_DEBUG", False)
SECRET_KEY = os.environ.get("JINQI_SECRET_KEY", "")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("JINQI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jinqi.sqlite3'}")
EMAIL_URL_BACKEND = os.environ.get(
    "JINQI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Where the file back-ends put e-mails and text messages (the demo's quiet console uses them).
OUTBOX_DIR = Path(os.environ.get("JINQI_OUTBOX_DIR", VAR_DIR / "outbox"))
SMS_BACKEND = os.environ.get("JINQI_SMS_BACKEND", "jinqi.notifications.channels.ConsoleSmsBackend")
EMAIL_HOST = os.environ.get("JINQI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JINQI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JINQI_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JINQI_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("JINQI_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("JINQI_DEFAULT_FROM_EMAIL", "jinqi@localhost")
MEDIA_ROOT = Path(os.environ.get("JINQI_MEDIA_ROOT", VAR_DIR / "media"))
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("JINQI_API_RATE_LIMIT_PER_MINUTE", "600"))
FINANCING_DECIDE_WORKING_DAYS = int(os.environ.get("JINQI_FINANCING_DECIDE_WORKING_DAYS", "10"))
# Who runs the platform and how users reach them, named in every page's footer.
HOST_ORGANISATION = os.environ.get("JINQI_HOST_ORGANISATION", "上海市金山区人民政府")
HOST_OFFICE = os.environ.get("JINQI_HOST_OFFICE", "金山区优化营商环境工作领导小组办公室")
HOST_CONTACT = os.environ.get("JINQI_HOST_CONTACT", "12345 市民服务热线")
SECURE_COOKIES = _flag("JINQI_SECURE_COOKIES", False)
IDLE_LOGOUT_SECONDS = int(os.environ.get("JINQI_IDLE_LOGOUT_SECONDS", str(30 * 60)))
# Second factor (TOTP) for staff and administrators: unset means the settings module's default
# (on under jinqi.settings.prod, off for the demo and local runs).
REQUIRE_SECOND_FACTOR: bool | None = (
    None
    if os.environ.get("JINQI_REQUIRE_SECOND_FACTOR") is None
    else _flag("JINQI_REQUIRE_SECOND_FACTOR", False)
)
# How many reverse proxies (the TLS terminator first) stand in front of the application server;
# the lockout reads the client address from X-Forwarded-For only through that many.
TRUSTED_PROXY_COUNT = int(os.environ.get("JINQI_TRUSTED_PROXY_COUNT", "0"))
UPLOAD_MAX_BYTES = int(os.environ.get("JINQI_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Attachments of applications (PDF, images, XLSX, DOCX).
APPLICATION_UPLOAD_MAX_BYTES = int(
    os.environ.get("JINQI_APPLICATION_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)
UPLOAD_MAX_UNPACKED_BYTES = int(
    os.environ.get("JINQI_UPLOAD_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024))
)
# Deployment behind TLS (production settings): see docs/deployment.md.
TLS_PROXY = _flag("JINQI_TLS_PROXY", False)
HSTS_SECONDS = int(os.environ.get("JINQI_HSTS_SECONDS", str(365 * 24 * 3600)))
HSTS_PRELOAD = _flag("JINQI_HSTS_PRELOAD", False)
BACKUP_DIR = Path(os.environ.get("JINQI_BACKUP_DIR", VAR_DIR / "backups"))


def database_config() -> dict[str, object]:
    config: dict[str, object] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE transactions and a busy timeout let the web server and the task worker
        # share the file; `jinqi demo` switches the file to WAL once (the mode is persistent).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA synchronous=NORMAL",
        }
    return config
