"""Production settings: refuse to start without an explicit secret key; HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from jinqi.settings import environment as env
from jinqi.settings.base import *  # noqa: F403 -- production settings extend the base settings

if not env.SECRET_KEY:
    raise ImproperlyConfigured("JINQI_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# HTTPS only (docs/deployment.md): plain HTTP is redirected, and browsers that have seen the
# site once refuse plain HTTP to it and to its subdomains for a year.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD
if env.TLS_PROXY:
    # TLS ends at the reverse proxy, which must overwrite this header on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not env.HSTS_PRELOAD:
    # Preloading binds the whole registrable domain (every office's site under it) to HTTPS
    # for months; that is the domain owner's decision, opted into with JINQI_HSTS_PRELOAD.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405 -- from base

# The second factor is required for staff and administrators unless explicitly switched off.
JINQI_REQUIRE_SECOND_FACTOR = env.REQUIRE_SECOND_FACTOR is not False
