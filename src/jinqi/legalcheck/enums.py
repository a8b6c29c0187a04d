"""The legal health check's closed vocabularies: the plan's nine sections, what the platform can
prefill, the grades of a risk and the states of a check."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """The nine sections the 2022 plan names for the 法治体检, in the plan's order."""

    GOVERNANCE = "governance", _("Corporate governance")
    ORGANISATION = "organisation", _("Company rules and organisation")
    CONTRACTS = "contracts", _("Commercial contracts")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Intellectual property protection")
    LABOUR = "labour", _("Labour and personnel")
    FINANCE_TAX = "finance_tax", _("Finance and tax")
    LEGAL_AFFAIRS = "legal_affairs", _("Legal affairs")
    ABNORMAL = "abnormal", _("Abnormal-operation information")
    LITIGATION = "litigation", _("Litigation")


SECTION_ORDER = {value: n for n, value in enumerate(Section.values)}


class Prefill(models.TextChoices):
    """What the platform already knows and writes into an item before the visit."""

    NONE = "", _("Asked at the visit")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal-operation list (credit records)")
    SERIOUS_DISHONESTY = "serious_dishonesty", _("Serious-dishonesty list (credit records)")
    PENALTIES = "penalties", _("Administrative penalties and their repair (credit records)")
    TAX_CREDIT = "tax_credit", _("Tax credit level (enterprise profile)")


class Grade(models.TextChoices):
    """A risk's grade: red is 重大且紧急 (major and urgent)."""

    RED = "red", _("Red: major and urgent")
    AMBER = "amber", _("Amber: needs attention")
    GREEN = "green", _("Green: no risk found")


class CheckState(models.TextChoices):
    REQUESTED = "requested", _("Requested, awaiting a provider")
    IN_PROGRESS = "in_progress", _("Being checked")
    REPORTED = "reported", _("Report issued, rectifying")
    CLOSED = "closed", _("Closed after the return visit")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (CheckState.REQUESTED, CheckState.IN_PROGRESS, CheckState.REPORTED)


class RectificationResult(models.TextChoices):
    OPEN = "", _("Open")
    DONE = "done", _("Rectified")
    NOT_DONE = "not_done", _("Not rectified")
