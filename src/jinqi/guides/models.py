"""Service guides (办事指南) and frequently asked questions (常见问题), written by departments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department


class ServiceGuide(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=200)
    matter = models.CharField(_("matter served (办理事项)"), max_length=200)
    body = models.TextField(_("guide"))
    online_url = models.URLField(_("online service"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["department__sort_order", "title"]
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    def __str__(self) -> str:
        return self.title


class Faq(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    category = models.CharField(_("category"), max_length=60)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["category", "question"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self) -> str:
        return self.question
