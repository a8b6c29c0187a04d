"""The persisted inverted index (documents, terms with their packed postings, corpus totals)
and saved searches.

Plain tables, B-tree indexes and binary columns only, so it works the same on SQLite and
PostgreSQL. A term's postings are one packed value (see `search/postings.py` and
docs/adr/0006-search.md): a query reads one row per term instead of one per posting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinqi.search.enums import TermField


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
    # The ids of the Term rows holding this document (packed little-endian uint32, sorted):
    # which packed rows to rewrite when it changes or leaves the index.
    term_ids = models.BinaryField(default=b"")
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
    """A term and its postings, packed: the ids of the documents holding it (sorted), and for
    a text term its weighted frequency and the document's length in each, as little-endian
    uint32 arrays of `df` items each. A filter term has no frequencies or lengths."""

    field = models.CharField(max_length=20, choices=TermField.choices, blank=True, default="")
    text = models.CharField(max_length=40)
    df = models.PositiveIntegerField(default=0)  # documents holding the term
    documents = models.BinaryField(default=b"")
    frequencies = models.BinaryField(default=b"")
    lengths = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["field", "text"], name="search_term_key")]

    def __str__(self) -> str:
        return f"{self.field}:{self.text}" if self.field else self.text


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
