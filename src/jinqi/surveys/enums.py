from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    SINGLE = "single", _("One of a list")
    MULTIPLE = "multiple", _("Several of a list")
    TEXT = "text", _("Free text")


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
