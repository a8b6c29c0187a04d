"""The provider alliance's closed vocabularies (measure 68*: 服务机构联盟)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProviderCategory(models.TextChoices):
    LAW_FIRM = "law_firm", _("Law firm")
    ACCOUNTING_FIRM = "accounting_firm", _("Accounting firm")
    GUARANTEE_COMPANY = "guarantee_company", _("Financing guarantee company")
    CONSULTING_COMPANY = "consulting_company", _("Consulting company")
    OTHER = "other", _("Other provider")


class ProviderStatus(models.TextChoices):
    """Where a provider stands in the alliance; moved only by `providers.workflow`."""

    APPLIED = "applied", _("Applied")
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    REFUSED = "refused", _("Application refused")
    REMOVED = "removed", _("Removed")


class NeedState(models.TextChoices):
    """Where an enterprise's need stands; moved only by `providers.workflow.NEED_WORKFLOW`."""

    OPEN = "open", _("Waiting for a provider")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", pgettext_lazy("providers", "Rated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
