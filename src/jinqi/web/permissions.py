"""The site-wide pages' own capability. Web cannot import accounts, so the role is named by its
value ("enterprise", `accounts.enums.Role.ENTERPRISE`); tests check the two agree."""

from __future__ import annotations

from jinqi.core.permissions import register_capabilities

ENTERPRISE_ROLE = "enterprise"
PORTAL = "web.portal"  # the enterprise's own page (企业专属网页)

register_capabilities({PORTAL: {ENTERPRISE_ROLE}})
