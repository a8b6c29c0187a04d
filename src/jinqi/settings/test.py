"""Test settings: fast hashing, in-memory email, immediate tasks, throwaway media."""

import tempfile
from pathlib import Path

from jinqi.settings.base import *  # noqa: F403 -- test settings extend the base settings

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jinqi-test-media-"))
# WhiteNoise warns (an error under the test suite's warning filter) when STATIC_ROOT does not
# exist, as in a checkout where collectstatic never ran; the tests serve static files through
# the finders, so an empty directory will do.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="jinqi-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "zh-hans"
# A transactional test with serialized_rollback restores the database by saving each serialized
# row, which tries an UPDATE first; the audit trail refuses UPDATE (audit/migrations/0003), so its
# rows are left out of that copy (the flush empties the table; tests count audit rows by delta).
TEST_NON_SERIALIZED_APPS = ["jinqi.audit"]
# Tests change data through the ORM, outside any request, and read pages right after: pages are
# rendered every time, but for the page cache's own tests (core/tests/test_pagecache.py).
CACHES = {
    **CACHES,  # noqa: F405 -- from the base settings
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
