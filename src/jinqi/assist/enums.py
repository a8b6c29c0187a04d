"""States and kinds of accompanied procedures (帮办/陪办) and their improvement items."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ASSIGNED = "assigned", _("Official assigned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Did not take place")


class DifficultyKind(models.TextChoices):
    """The plan's three words for what goes wrong in a procedure (measure 66)."""

    HARD = "hard", _("Difficulty")
    PAIN = "pain", _("Pain point")
    BLOCK = "block", _("Blockage")


class ItemState(models.TextChoices):
    OPEN = "open", _("Waiting for the department")
    IN_PROGRESS = "in_progress", _("Being worked on")
    CLOSED = "closed", pgettext_lazy("assist", "Closed")
