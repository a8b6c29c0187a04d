"""Download of stored files, for those the owning app entitles (others get a 404)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jinqi.core.models import StoredFile
from jinqi.core.permissions import AUTHENTICATED, requires
from jinqi.core.uploads import download_name, may_download


@requires(AUTHENTICATED)
def file_download(request: HttpRequest, uuid: str) -> FileResponse:
    stored = get_object_or_404(StoredFile, uuid=uuid)
    if not may_download(request.user, stored):
        raise Http404
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=download_name(stored),
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
