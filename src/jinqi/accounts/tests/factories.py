"""Users of every role, bound to seeded departments."""

from __future__ import annotations

from typing import Any, cast

import factory

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.LEAD_OFFICE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        lead_office = factory.Trait(role=Role.LEAD_OFFICE)
        provider = factory.Trait(role=Role.PROVIDER)
        institution = factory.Trait(role=Role.INSTITUTION)
        system_admin = factory.Trait(role=Role.SYSTEM_ADMIN, is_staff=True)
        security_admin = factory.Trait(role=Role.SECURITY_ADMIN, is_staff=True)
        audit_admin = factory.Trait(role=Role.AUDIT_ADMIN, is_staff=True)
        enterprise = factory.Trait(role=Role.ENTERPRISE, enterprise_uscc="91310116MA1JL0TT5P")

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


def department_user(code: str = "market-regulation", **kwargs: Any) -> User:
    """A staff member of the seeded department with this code."""
    return cast(
        User,
        UserFactory(role=Role.DEPARTMENT, department=Department.objects.get(code=code), **kwargs),
    )
