"""Users, their roles, the departments they belong to, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.enums import ADMINISTRATOR_ROLES, DepartmentKind, Role


class DepartmentQuerySet(models.QuerySet["Department"]):
    def units(self) -> DepartmentQuerySet:
        """Departments that act for themselves (everything but groups)."""
        return self.exclude(kind=DepartmentKind.GROUP)

    def groups(self) -> DepartmentQuerySet:
        return self.filter(kind=DepartmentKind.GROUP)


class Department(models.Model):
    """A responsible unit of the plan, or a group of units such as 各镇、园区."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    aliases = models.JSONField(
        _("other names"), default=list, blank=True, help_text=_("Other spellings used in plans.")
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="member_of",
        verbose_name=_("members"),
        limit_choices_to=~Q(kind=DepartmentKind.GROUP),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == DepartmentKind.GROUP


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    # The binding is the code; `enterprise` links the registry's record once it has one (the
    # registry fills it: `registry.services.users_link`), so the code stays for firms not there.
    enterprise_uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT) | Q(department__isnull=False),
                name="department_staff_have_department",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | ~Q(enterprise_uscc=""),
                name="enterprise_users_have_uscc",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_lead_office(self) -> bool:
        return self.role == Role.LEAD_OFFICE

    @property
    def is_department_staff(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators (三员)."""
        return self.role in ADMINISTRATOR_ROLES


class ApiToken(models.Model):
    """A bearer token for department systems; only its hash is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True, verbose_name=_("token prefix"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # When the daily job found the token past its expiry and recorded it (once).
    expired_at = models.DateTimeField(_("expiry recorded at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # Capabilities the token may exercise, within those of its user's role (and department).
    scopes = models.JSONField(_("scopes"), default=list, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "jq_" + secrets.token_urlsafe(32)


# Whom a read or a check may be for: a request's user, who may be an anonymous visitor.
AnyUser = User | AnonymousUser
