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

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import enterprise_users
from jinqi.accounts.services import system_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.uploads import upload_store
from jinqi.notifications.services import notification_send
from jinqi.providers.enums import NeedState, ProviderCategory, ProviderStatus
from jinqi.providers.models import (
    NeedMessage,
    ProviderMembership,
    ProviderQualification,
    ServiceNeed,
    ServiceProvider,
    ServiceRating,
)
from jinqi.providers.permissions import is_own_enterprise
from jinqi.providers.registrations import QUALIFICATION_UPLOAD
from jinqi.providers.selectors import TOWN_KINDS, admitted_provider_for, may_answer
from jinqi.providers.workflow import NEED_WORKFLOW, PROVIDER_WORKFLOW
from jinqi.registry.models import Enterprise
from jinqi.registry.uscc import check_uscc


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
        body=_(
            "Your login name is %(username)s. Set your password through the link within an "
            "hour; later, ask for a new link with “Forgot your password?” on the login page."
        )
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


@dataclass(frozen=True)
class NeedIn:
    """A need as the enterprise posts it (its text passed the text boundary)."""

    category: str
    town: Department | None
    text: str
    provider: ServiceProvider | None = None  # picked directly from the directory


def need_post(*, enterprise: Enterprise, data: NeedIn, acting_user: User) -> ServiceNeed:
    """An enterprise posts a need to a category and town, or to a provider it picked (then the
    category is the provider's). The providers it is open to are told."""
    if data.provider is not None and data.provider.status != ProviderStatus.ADMITTED:
        raise DomainError(_("This provider is not admitted to the alliance now."))
    category = data.provider.category if data.provider is not None else data.category
    if category not in ProviderCategory.values:
        raise DomainError(_("Choose a category."))
    if data.town is not None and data.town.kind not in TOWN_KINDS:
        raise DomainError(_("Choose towns, streets or parks only."))
    if not data.text.strip():
        raise DomainError(_("Say what you need."))
    with transaction.atomic():
        need = ServiceNeed.objects.create(
            enterprise=enterprise,
            posted_by=acting_user,
            category=category,
            town=data.town,
            text=data.text.strip(),
            provider=data.provider,
            picked=data.provider is not None,
            posted_at=clock.now(),
        )
        NEED_WORKFLOW.started(need, "post", acting_user=acting_user)
        notification_send(
            recipients=_provider_staff_for(need),
            kind="providers.need",
            title=_("A new need: %(category)s") % {"category": need.get_category_display()},
            body=need.text[:200],
            link=reverse("providers:need", kwargs={"pk": need.pk}),
            dedup_key=f"providers-need:{need.pk}",
        )
    return need


def _provider_staff_for(need: ServiceNeed) -> list[User]:
    providers = ServiceProvider.objects.admitted()
    if need.provider_id is not None:
        providers = providers.filter(pk=need.provider_id)
    else:
        providers = providers.filter(category=need.category)
        if need.town_id is not None:
            providers = providers.filter(towns=need.town_id)
    return list(User.objects.filter(provider_membership__provider__in=providers, is_active=True))


def need_message_send(
    *, need: ServiceNeed, text: str, lock_version: int, acting_user: User
) -> NeedMessage:
    """A message about a need. A provider's first answer takes the need up (the `answer` step,
    which starts the response time); after it, the enterprise and that provider write freely
    until the need is rated or withdrawn."""
    text = text.strip()
    if not text:
        raise DomainError(_("Write the message."))
    provider = admitted_provider_for(acting_user)
    with transaction.atomic():
        if need.state == NeedState.OPEN and provider is not None:
            NEED_WORKFLOW.apply(
                need,
                "answer",
                lock_version=lock_version,
                acting_user=acting_user,
                text=text,
                changes={"provider": provider, "answered_at": clock.now()},
            )
            recipients = enterprise_users([need.enterprise.uscc])
        elif need.state != NeedState.ANSWERED:
            raise DomainError(
                _("The conversation is closed: the need is “%(state)s”.")
                % {"state": need.get_state_display()}
            )
        elif provider is not None and may_answer(acting_user, need):
            recipients = enterprise_users([need.enterprise.uscc])
        elif is_own_enterprise(acting_user, need.enterprise.uscc):
            provider = None
            recipients = User.objects.filter(provider_membership__provider_id=need.provider_id)
        else:
            raise DomainError(_("This need is not open to your organisation."))
        message = NeedMessage.objects.create(
            need=need, author=acting_user, provider=provider, text=text, at=clock.now()
        )
        notification_send(
            recipients=recipients,
            kind="providers.message",
            title=_("A message about your need: %(need)s") % {"need": str(need)},
            body=text[:200],
            link=reverse("providers:need", kwargs={"pk": need.pk}),
        )
    return message


def need_rate(
    *, need: ServiceNeed, score: int, comment: str, lock_version: int, acting_user: User
) -> ServiceRating:
    """The enterprise rates the service it received, once (the database holds it to once)."""
    if not 1 <= score <= 5:
        raise DomainError(_("Give a score from 1 to 5."))
    with transaction.atomic():
        NEED_WORKFLOW.apply(need, "rate", lock_version=lock_version, acting_user=acting_user)
        # Only an answered need can be rated, and an answered need names its provider (a check
        # constraint says so).
        assert need.provider is not None
        try:
            with transaction.atomic():
                rating = ServiceRating.objects.create(
                    need=need,
                    provider=need.provider,
                    score=score,
                    comment=comment.strip(),
                    rated_by=acting_user,
                    rated_at=clock.now(),
                )
        except IntegrityError as error:
            raise DomainError(_("This service has been rated already.")) from error
    return rating


def need_withdraw(*, need: ServiceNeed, lock_version: int, acting_user: User) -> ServiceNeed:
    NEED_WORKFLOW.apply(need, "withdraw", lock_version=lock_version, acting_user=acting_user)
    return need
