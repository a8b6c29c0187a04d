"""Keeps the file name a client sent, so a bad one is refused with a message, not cleaned away.

Django's multipart parser silently drops path components and non-printable characters from an
uploaded file's name (and a file whose name is nothing else); the issue asks for such uploads to
be refused, which needs the name as sent. Where that name has a problem (see
`uploads.file_name_problem`), it is kept as `client_name` on the uploaded file, and
`upload_store` refuses it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import ImmutableList, MultiValueDict

from jinqi.core.uploads import file_name_problem

STAND_IN_NAME = "upload"  # for a file Django would drop because nothing of its name is left


class ClientNameMultiPartParser(MultiPartParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bad_names: list[tuple[str, str]] = []  # (name Django gives the file, name as sent)

    def sanitize_file_name(self, file_name: str) -> str | None:
        sanitized: str | None = super().sanitize_file_name(file_name)
        sent = html.unescape(file_name)  # Django unescapes too; "&amp;" is no problem
        if file_name_problem(sent) is None:
            return sanitized
        sanitized = sanitized or STAND_IN_NAME
        self._bad_names.append((UploadedFile(name=sanitized).name or "", sent))
        return sanitized

    def parse(self) -> tuple[Any, MultiValueDict[str, UploadedFile]]:
        post, files = super().parse()
        for uploaded in (f for _field, group in files.lists() for f in group):
            # Matched by the cleaned name: two files of one request cleaned to the same name may
            # swap their sent names, and both are then refused or both were fine anyway.
            for index, (cleaned, sent) in enumerate(self._bad_names):
                if uploaded.name == cleaned:
                    uploaded.client_name = sent  # read by upload_store
                    del self._bad_names[index]
                    break
        return post, files


def _parse_file_upload(
    request: HttpRequest, meta: dict[str, Any], post_data: Any
) -> tuple[Any, MultiValueDict[str, UploadedFile]]:
    # As HttpRequest.parse_file_upload, with our parser.
    request.upload_handlers = ImmutableList(
        request.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.",
    )
    parser = ClientNameMultiPartParser(meta, post_data, request.upload_handlers, request.encoding)
    return parser.parse()


class ClientFileNameMiddleware:
    """Installs the parser on each request (Django offers no setting for the parser class)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.parse_file_upload = partial(_parse_file_upload, request)  # type: ignore[method-assign]  # no setting for it
        return self.get_response(request)
