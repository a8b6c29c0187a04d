"""Production settings: refuse to start without an explicit secret key; secure cookies."""

from django.core.exceptions import ImproperlyConfigured

from jinqi.settings import environment as env
from jinqi.settings.base import *  # noqa: F403 -- production settings extend the base settings

if not env.SECRET_KEY:
    raise ImproperlyConfigured("JINQI_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 3600
# The second factor is required for staff and administrators unless explicitly switched off.
JINQI_REQUIRE_SECOND_FACTOR = env.REQUIRE_SECOND_FACTOR is not False
