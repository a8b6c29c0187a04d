"""Stored responses of create calls, so a retried Idempotency-Key never creates twice; the
per-minute call counts of API tokens, shared by every web process."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class ApiCallCount(models.Model):
    """How many calls one token made in one minute (minutes since the epoch).

    In the database, not in Django's cache: the default cache is per process, so with several
    gunicorn workers each would have let a token make the whole limit (`api.ratelimit`)."""

    token = models.ForeignKey("accounts.ApiToken", on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="api_call_count_per_minute")
        ]
        verbose_name = _("API call count")
        verbose_name_plural = _("API call counts")

    def __str__(self) -> str:
        return f"{self.token_id} {self.minute}: {self.calls}"
