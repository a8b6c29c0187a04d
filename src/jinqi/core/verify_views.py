"""The public verification of documents the platform issued (core.documents): anyone holding a
document's short code or its QR code sees what was issued, its hash, validity and revocation."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinqi.core.documents import (
    CODE_LENGTH,
    DocumentContent,
    document_by_code,
    document_refresh,
    document_status,
    hash_matches,
)
from jinqi.core.forms import LineField
from jinqi.core.models import VerifiableDocument
from jinqi.core.pdf import render_pdf
from jinqi.core.permissions import PUBLIC, requires


class CodeForm(forms.Form):
    code = LineField(label=_("Verification code"), max_length=40)

    def clean_code(self) -> VerifiableDocument:
        document = document_by_code(self.cleaned_data["code"])
        if document is None:
            raise forms.ValidationError(
                _("No document has this verification code. Check the %(length)s characters.")
                % {"length": CODE_LENGTH}
            )
        return document


def verify_url(request: HttpRequest, document: VerifiableDocument) -> str:
    return request.build_absolute_uri(reverse("verify:document", kwargs={"code": document.code}))


def _found(code: str) -> VerifiableDocument:
    document = document_by_code(code)
    if document is None:
        raise Http404
    return document_refresh(document)


@requires(PUBLIC)
def lookup(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET or None)
    if form.is_valid():
        return redirect("verify:document", code=form.cleaned_data["code"].code)
    return render(request, "core/verify_lookup.html", {"form": form})


@requires(PUBLIC)
def document(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    return render(
        request,
        "core/verify_document.html",
        {
            "document": found,
            "content": DocumentContent.from_json(found.content),
            "status": document_status(found),
            "intact": hash_matches(found),
        },
    )


@requires(PUBLIC)
def document_pdf(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    response = HttpResponse(
        render_pdf(found, verify_url=verify_url(request, found)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{found.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
