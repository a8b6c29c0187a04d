"""The site-wide pages' own capabilities. Web cannot import accounts, so roles are named by their
values (`accounts.enums.Role`); tests check the two agree."""

from __future__ import annotations

from jinqi.core.permissions import register_capabilities

ENTERPRISE_ROLE = "enterprise"
DEPARTMENT_ROLE = "department"
LEAD_OFFICE_ROLE = "lead_office"
PORTAL = "web.portal"  # the enterprise's own page (企业专属网页)
TODO = "web.todo"  # the staff's to-do page (待办)

register_capabilities({PORTAL: {ENTERPRISE_ROLE}, TODO: {DEPARTMENT_ROLE, LEAD_OFFICE_ROLE}})
