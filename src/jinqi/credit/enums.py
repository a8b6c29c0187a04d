"""The credit app's closed vocabularies: kinds, classes and states of records, grades, gates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty (行政处罚)")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal-operation list (经营异常名录)")
    SERIOUS_DISHONESTY = "serious_dishonesty", _("Serious-dishonesty list (严重失信主体名单)")
    OTHER = "other", _("Other dishonesty record")


class Severity(models.TextChoices):
    """The class of a record (国办发〔2025〕22号): it sets the publication and repair periods."""

    MINOR = "minor", _("Minor (轻微)")
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (严重)")


class RecordStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    MASKED = "masked", _("Masked during reorganisation")
    REPAIRED = "repaired", _("Repaired")
    TAKEN_DOWN = "taken_down", _("Taken down")


class CreditDomain(models.TextChoices):
    """The domains a record belongs to and a credit report is chosen by."""

    MARKET = "market", _("Market regulation")
    TAX = "tax", _("Taxation")
    ENVIRONMENT = "environment", _("Ecology and environment")
    LABOUR = "labour", _("Human resources and social security")
    SAFETY = "safety", _("Work safety and fire protection")
    CONSTRUCTION = "construction", _("Construction and housing")
    OTHER = "other", _("Other domains")


class RiskClass(models.TextChoices):
    """The market-regulation credit-risk class (国市监信发〔2022〕6号), computed by SAMR monthly."""

    A = "A", _("A: low credit risk")
    B = "B", _("B: ordinary credit risk")
    C = "C", _("C: higher credit risk")
    D = "D", _("D: high credit risk")


class TaxLevel(models.TextChoices):
    """The tax credit level (纳税信用), published yearly."""

    A = "A", _("A")
    B = "B", _("B")
    M = "M", _("M")
    C = "C", _("C")
    D = "D", _("D")


class ReorganisationKind(models.TextChoices):
    REORGANISATION = "reorganisation", _("Reorganisation (重整)")
    SETTLEMENT = "settlement", _("Settlement (和解)")


class ReorganisationState(models.TextChoices):
    IN_FORCE = "in_force", _("Plan being performed")
    COMPLETED = "completed", _("Plan performed, credit re-assessed")
    ENDED = "ended", _("Ended without performance")


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, being decided")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    APPROVED = "approved", _("Approved: record repaired")
    REJECTED = "rejected", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GateAction(models.TextChoices):
    """The decisions a credit gate is checked at."""

    PAYMENT = "payment", _("Payment without application (免申即享)")
    APPROVAL = "approval", _("Grant approval")
