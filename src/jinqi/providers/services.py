"""Every write of the provider alliance: applications and the office's decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from jinqi.accounts.enums import DepartmentKind, Role
from jinqi.accounts.models import Department, User
from jinqi.accounts.services import system_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.uploads import upload_store
from jinqi.notifications.services import notification_send
from jinqi.providers.enums import ProviderCategory, ProviderStatus
from jinqi.providers.models import ProviderMembership, ProviderQualification, ServiceProvider
from jinqi.providers.registrations import QUALIFICATION_UPLOAD
from jinqi.providers.workflow import PROVIDER_WORKFLOW
from jinqi.registry.uscc import check_uscc

TOWN_KINDS = (DepartmentKind.TOWN, DepartmentKind.STREET, DepartmentKind.PARK)


@dataclass(frozen=True)
class ProviderApplication:
    """What an organisation gives when it applies (its texts passed the text boundary)."""

    name: str
    uscc: str
    category: str
    towns: Sequence[Department]
    description: str
    contact_person: str
    contact_phone: str
    contact_email: str


def _checked_uscc(code: str) -> str:
    check = check_uscc(code)
    if not check.valid:
        raise DomainError(
            _("Invalid unified social credit code %(code)s: %(why)s")
            % {"code": code, "why": "; ".join(check.errors)}
        )
    return code


def provider_apply(
    *, data: ProviderApplication, documents: Iterable[tuple[str, Any]], acting_user: Any
) -> ServiceProvider:
    """An organisation applies to the alliance with its qualification documents (label, upload).
    No account is made yet: the first one is made when the office admits it."""
    uscc = _checked_uscc(data.uscc)
    if data.category not in ProviderCategory.values:
        raise DomainError(_("Choose a category."))
    if any(town.kind not in TOWN_KINDS for town in data.towns):
        raise DomainError(_("Choose towns, streets or parks only."))
    # The public form has no logged-in user: its files and log rows are recorded under the
    # platform's system account, as other unattended writes are.
    if not getattr(acting_user, "is_authenticated", False):
        acting_user = system_user()
    documents = list(documents)
    if not documents:
        raise DomainError(_("Attach at least one qualification document."))
    if User.objects.filter(email__iexact=data.contact_email).exists():
        raise DomainError(_("This e-mail address belongs to an account already; give another."))
    with transaction.atomic():
        stored = [
            (
                label,
                upload_store(file=file, purpose_key=QUALIFICATION_UPLOAD, acting_user=acting_user),
            )
            for label, file in documents
        ]
        try:
            with transaction.atomic():
                provider = ServiceProvider.objects.create(
                    name=data.name,
                    uscc=uscc,
                    category=data.category,
                    description=data.description,
                    contact_person=data.contact_person,
                    contact_phone=data.contact_phone,
                    contact_email=data.contact_email,
                    applied_at=clock.now(),
                )
        except IntegrityError as error:  # the code applied before (or in a race)
            raise DomainError(
                _("An organisation with this credit code has applied already.")
            ) from error
        provider.towns.set(data.towns)
        for label, file in stored:
            ProviderQualification.objects.create(provider=provider, file=file, label=label)
        PROVIDER_WORKFLOW.started(provider, "apply", acting_user=acting_user)
    return provider


def _first_account(provider: ServiceProvider, *, acting_user: User) -> User:
    """The provider's first account, made on admission: named by its contact e-mail, with no
    password; the contact sets one through the link they are sent."""
    user = User.objects.create(
        username=provider.contact_email.lower(),
        email=provider.contact_email,
        full_name=provider.contact_person,
        role=Role.PROVIDER,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ProviderMembership.objects.create(user=user, provider=provider, joined_at=clock.now())
    audit_record(actor=acting_user, action=AuditAction.CREATE, target=user, note="provider")
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    notification_send(
        recipients=[user],
        kind="providers.admitted",
        title=_("%(provider)s is admitted to the service-provider alliance")
        % {"provider": provider.name},
        body=_("Your login name is %(username)s. Set your password through the link.")
        % {"username": user.username},
        link=link,
    )
    return user


def provider_transition(
    *, provider: ServiceProvider, action: str, lock_version: int, text: str, acting_user: User
) -> ServiceProvider:
    """The office admits, refuses, suspends, reinstates or removes a provider. The first
    admission makes the provider's first account."""
    changes: dict[str, Any] = {"status_reason": text.strip()}
    first_admission = action == "admit" and provider.admitted_at is None
    if first_admission:
        changes["admitted_at"] = clock.now()
    with transaction.atomic():
        PROVIDER_WORKFLOW.apply(
            provider,
            action,
            lock_version=lock_version,
            acting_user=acting_user,
            text=text,
            changes=changes,
        )
        if first_admission and not provider.members.exists():
            if User.objects.filter(username__iexact=provider.contact_email).exists():
                raise DomainError(
                    _("An account named %(email)s exists already; correct the contact e-mail.")
                    % {"email": provider.contact_email}
                )
            _first_account(provider, acting_user=acting_user)
        if action in ("suspend", "remove", "reinstate", "refuse"):
            _tell_members(provider, text)
    return provider


def _tell_members(provider: ServiceProvider, text: str) -> None:
    notification_send(
        recipients=[m.user for m in provider.members.select_related("user")],
        kind="providers.status",
        title=_("%(provider)s: %(status)s")
        % {"provider": provider.name, "status": ProviderStatus(provider.status).label},
        body=text,
    )
