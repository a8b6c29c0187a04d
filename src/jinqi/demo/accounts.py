"""Demo accounts of every role (demo databases only)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User

DEMO_PASSWORD = "Jinqi@2022demo"
# A unified social credit code with a valid check digit, region 310116 (Jinshan).
DEMO_ENTERPRISE_USCC = "91310116MA1JL0TT5P"
ADMINISTRATORS = (
    ("sysadmin", Role.SYSTEM_ADMIN),
    ("secadmin", Role.SECURITY_ADMIN),
    ("auditadmin", Role.AUDIT_ADMIN),
)
FEATURED_DEPARTMENTS = ("market-regulation", "tax-jinshan", "town-zhujing", "economy")


@transaction.atomic
def demo_accounts_load(report: Callable[[str], None]) -> None:
    # The same password for every demo account, hashed once: a hash costs a tenth of a second
    # by design, and the demo makes forty-odd accounts.
    password = make_password(DEMO_PASSWORD)

    def _user(username: str, role: str, full_name: str, **extra: object) -> User:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "full_name": full_name, "password": password, **extra},
        )
        return user

    # 三员: three administrators, none a superuser; each sees only their own admin pages.
    for username, role in ADMINISTRATORS:
        _user(username, role, str(role.label), is_staff=True)
    _user(
        "lead",
        Role.LEAD_OFFICE,
        "联席会议办公室",
        email="lead@jinqi.example",
        department=Department.objects.get(code="development-reform"),
    )
    _user(
        "enterprise",
        Role.ENTERPRISE,
        "上海金企示范化工有限公司",
        enterprise_uscc=DEMO_ENTERPRISE_USCC,
    )
    for department in Department.objects.units():
        _user(
            department.code,
            Role.DEPARTMENT,
            f"{department.name}联络员",
            department=department,
            email=f"{department.code}@jinqi.example",
        )
    # The demo's own accounts, not every user: a rerun finds the same number as the first run.
    report(f"demo accounts: {User.objects.filter(username__in=demo_account_usernames()).count()}")


def demo_account_usernames() -> list[str]:
    """The user names of the accounts the demo makes (the administrators, the lead office, the
    demo enterprise and one liaison per department)."""
    units = Department.objects.units().values_list("code", flat=True)
    return [*(name for name, _role in ADMINISTRATORS), "lead", "enterprise", *units]


def demo_accounts() -> list[tuple[str, str, str]]:
    rows = [
        (str(Role.SYSTEM_ADMIN.label), "sysadmin", _("accounts and API tokens at /admin/")),
        (str(Role.SECURITY_ADMIN.label), "secadmin", _("lockouts and second factors at /admin/")),
        (str(Role.AUDIT_ADMIN.label), "auditadmin", _("the audit trail at /audit/ and /admin/")),
        (str(Role.LEAD_OFFICE.label), "lead", _("supervision console")),
    ]
    for code in FEATURED_DEPARTMENTS:
        department = Department.objects.filter(code=code).first()
        if department:
            rows.append((str(Role.DEPARTMENT.label), code, department.name))
    rows.append(
        (
            str(Role.DEPARTMENT.label),
            "<department code>",
            _("every department: user name = its code (docs/departments.md)"),
        )
    )
    rows.append(
        (
            str(Role.ENTERPRISE.label),
            "enterprise",
            _("or its credit code %(code)s") % {"code": DEMO_ENTERPRISE_USCC},
        )
    )
    rows.append((_("Password"), DEMO_PASSWORD, _("the same for every demo account")))
    return rows
