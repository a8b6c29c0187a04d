from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    AUTO_GRANT = "auto_grant", _("Granted without applying (免申即享)")
    PUSH = "push", _("Eligible enterprises invited to apply (精准推送)")
    APPLY = "apply", _("Application, guided by the eligibility check (申报)")


class PolicyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    UNKNOWN = "unknown", _("Possibly eligible, data needed")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class Allocation(models.TextChoices):
    FIRST_MATCHED = "first_matched", _("First matched, first served")
    PRO_RATA = "pro_rata", _("Pro rata when the budget is short")


class GrantState(models.TextChoices):
    WAITING = "waiting", _("Waiting for a free place")
    OFFERED = "offered", _("Offered, awaiting the enterprise's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    DECLINED = "declined", _("Declined by the enterprise")
    EXPIRED = "expired", _("Offer expired unanswered")
    GRANTED = "granted", _("Granted")
    DISBURSED = "disbursed", _("Paid out")
