"""The policy catalogue, rule versions, stored matches and auto-grants."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.policies.enums import Allocation, Delivery, GrantState, Outcome, PolicyState
from jinqi.registry.models import Enterprise


class PolicyQuerySet(models.QuerySet["Policy"]):
    def published(self) -> PolicyQuerySet:
        return self.filter(state=PolicyState.PUBLISHED)

    def in_force_on(self, day: object) -> PolicyQuerySet:
        return self.filter(
            Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def live(self, day: object) -> PolicyQuerySet:
        """Published and in force on `day`: the policies enterprises are matched against."""
        return self.published().in_force_on(day)


class Policy(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    document_number = models.CharField(_("document number (文号)"), max_length=200)
    article = models.CharField(_("article"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    # The link is a reprint (the official page could not be read): shown with the document
    # number so that nobody takes it for the official publication.
    source_reprint = models.BooleanField(_("the link is a reprint"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    full_text = models.TextField(_("full text"), blank=True)
    benefit = models.TextField(_("benefit"))
    # Public: in plain words, what of the document the rule decides and what it leaves out.
    simplifications = models.TextField(_("what the platform's check covers"), blank=True)
    # Staff only: verification state, sources consulted, data proxies and proposals.
    staff_note = models.TextField(_("note for staff"), blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=PolicyState.choices, default=PolicyState.DRAFT
    )
    # The auto-grant pipeline's settings.
    needs_confirmation = models.BooleanField(
        _("the enterprise confirms it wants the benefit"), default=False
    )
    quota = models.PositiveIntegerField(_("number of grants available"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (10,000 CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    grant_amount = models.DecimalField(
        _("amount per grant (10,000 CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    allocation = models.CharField(
        _("allocation"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_MATCHED
    )
    # Dated parameters of the benefit, e.g. a refund share by year: [{name, from, value}].
    parameters = models.JSONField(_("parameters"), default=list, blank=True)
    # The amount computed by the rules (policies/amounts.py, docs/adr/0017): an expression over
    # the profile and `{parameter}`s, in 万元, and its calculation in words.
    amount_expression = models.TextField(_("amount, as a calculation"), blank=True)
    amount_calculation = models.TextField(_("the calculation in words"), blank=True)
    # 优惠测算: the amount estimates what a tax preference is worth; it is shown, never paid.
    amount_is_estimate = models.BooleanField(_("the amount is an estimate"), default=False)
    # An amount decided on an application: the form's figures (field keys, in 万元) that the
    # expression reads besides the profile, e.g. 金经委规〔2023〕2号 第3条's approved investment.
    amount_answers = models.JSONField(
        _("application figures the amount reads"), default=list, blank=True
    )
    # An offer not answered within this many working days expires and frees its place.
    offer_expiry_days = models.PositiveSmallIntegerField(
        _("working days to answer an offer"), null=True, blank=True
    )
    offer_reminder_days = models.PositiveSmallIntegerField(
        _("reminder, working days before an offer expires"), default=2
    )
    shipped = models.BooleanField(_("shipped reference policy"), default=False)
    awards_published_at = models.DateTimeField(_("award list published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    # Optimistic locking of the policy's workflow steps (core.workflow).
    lock_version = models.PositiveIntegerField(default=0)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="policy_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def pays_computed_amounts(self) -> bool:
        """Grants claim the amount computed by the rules (not an estimate, not a fixed sum)."""
        return (
            bool(self.amount_expression) and not self.amount_is_estimate and not self.amount_answers
        )


class RuleVersion(models.Model):
    """One version of a policy's eligibility rule; decisions name the version they used."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    sql = models.TextField(_("rule"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="rule_version_unique")
        ]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number}"


class Match(models.Model):
    """A stored decision that an enterprise is eligible or possibly eligible (data missing).

    "Not eligible" is not stored: it is the absence of a row, explained live when asked."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    data_as_of = models.DateField(_("data as of"))
    missing = models.JSONField(_("missing data"), default=list, blank=True)
    matched_at = models.DateTimeField(_("first matched at"))
    evaluated_at = models.DateTimeField(_("evaluated at"))

    class Meta:
        ordering = ["matched_at", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="match_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "outcome"])]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.enterprise_id}: {self.get_outcome_display()}"


class MatchRun(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    eligible = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    enterprises = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.policy_id} run {self.started_at:%Y-%m-%d %H:%M}"


class Grant(models.Model):
    """An auto-grant (免申即享) to one enterprise, through 推送 → 意愿确认 → 兑付 → 公示."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="grants")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    data_as_of = models.DateField(_("data as of"))
    position = models.PositiveIntegerField(_("place in line"))
    state = models.CharField(_("state"), max_length=20, choices=GrantState.choices)
    # What is offered or paid, in 万元 to the yuan: the amount claimed, cut pro rata if need be.
    amount = models.DecimalField(
        _("amount (10,000 CNY)"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    claimed = models.DecimalField(
        _("amount before any pro-rata cut (10,000 CNY)"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
    )
    calculation = models.TextField(_("how the amount was calculated"), blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    expires_on = models.DateField(_("offer expires after"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    payee_account = models.CharField(_("account to be paid into"), max_length=100, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="grant_unique"),
            models.UniqueConstraint(fields=["policy", "position"], name="grant_position_unique"),
        ]
        verbose_name = _("auto-grant")
        verbose_name_plural = _("auto-grants")

    def __str__(self) -> str:
        return gettext("%(policy)s: award no. %(position)s (%(state)s)") % {
            "policy": self.policy.title,
            "position": self.position,
            "state": self.get_state_display(),
        }


class GrantTransition(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=GrantState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=GrantState.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"


class RematchMark(models.Model):
    """Up to when changed profiles have been re-evaluated (a single row)."""

    checked_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.checked_until:%Y-%m-%d %H:%M}"
