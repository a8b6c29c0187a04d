"""The persisted inverted index (documents, terms, postings, corpus totals) and saved searches.

Plain tables and B-tree indexes only, so it works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """One public object of a registered source, as indexed."""

    kind = models.CharField(_("kind"), max_length=20)
    key = models.CharField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("address"), max_length=300)
    department_code = models.CharField(_("department"), max_length=40, blank=True)
    department_name = models.CharField(_("department name"), max_length=100, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, blank=True)
    # GB/T 4754 section letters between bars ("|C|I|"), so one LIKE tests membership.
    industries = models.CharField(_("industries"), max_length=60, blank=True)
    length = models.PositiveIntegerField(_("length in terms (title weighted)"))
    checksum = models.CharField(max_length=64)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    indexed_at = models.DateTimeField(_("indexed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_key")]
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.title}"


class Term(models.Model):
    text = models.CharField(max_length=40, unique=True)
    df = models.PositiveIntegerField(default=0)  # documents holding the term

    def __str__(self) -> str:
        return self.text


class Posting(models.Model):
    """A term in a document: its weighted frequency, and the document's length repeated here
    so that ranking reads the postings index alone."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    tf = models.PositiveIntegerField()
    length = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "document"], name="search_posting_unique")
        ]
        indexes = [
            models.Index(fields=["term", "document", "tf", "length"], name="search_posting_cover"),
            models.Index(fields=["document"], name="search_posting_document"),
        ]

    def __str__(self) -> str:
        return f"{self.term_id}@{self.document_id}×{self.tf}"


class Corpus(models.Model):
    """The corpus totals BM25 needs (a single row, kept in step with Document)."""

    documents = models.PositiveIntegerField(default=0)
    total_length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.documents} documents"


class SavedSearch(models.Model):
    """An enterprise user's query and filters, alerting it to new matching policies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    query = models.CharField(_("query"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    department = models.CharField(_("department"), max_length=40, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, blank=True)
    industry = models.CharField(_("industry"), max_length=1, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.query


class SavedSearchHit(models.Model):
    """A document a saved search has matched: the ones there when it was saved (no notice) and
    each later one (one notice each)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    notified = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "kind", "key"], name="search_hit_once")
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} {self.kind}:{self.key}"
