"""What the provider alliance adds to the shared registries: the qualification documents'
upload kind."""

from __future__ import annotations

from jinqi.core.uploads import UploadPurpose, register_purpose
from jinqi.providers.selectors import qualification_download_allowed

QUALIFICATION_UPLOAD = "providers.qualification"
# Licences and certificates are scans or PDFs.
QUALIFICATION_TYPES = ("application/pdf", "image/jpeg", "image/png")


def register() -> None:
    register_purpose(
        UploadPurpose(QUALIFICATION_UPLOAD, QUALIFICATION_TYPES, qualification_download_allowed)
    )
