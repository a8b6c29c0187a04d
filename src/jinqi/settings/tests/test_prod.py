"""The production settings under the environment docs/deployment.md documents."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROBE = """
from django.test import Client

client = Client()
plain = client.get("/accounts/login/")
print("plain", plain.status_code, plain.get("Location"))
proxied = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
print("proxied", proxied.status_code, proxied.get("Strict-Transport-Security"))
"""


def _production_environment(home: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JINQI_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="jinqi.settings.prod",
        JINQI_HOME=str(home),
        JINQI_SECRET_KEY=secrets.token_urlsafe(50),
        JINQI_ALLOWED_HOSTS="testserver,jinqi.example.gov.cn",
        JINQI_TLS_PROXY="true",
        DATABASE_URL=f"sqlite:///{home / 'jinqi.sqlite3'}",
    )
    environment.update(extra)
    return environment


def test_check_deploy_reports_nothing_under_production_settings(tmp_path: Path) -> None:
    """`jinqi check --deploy` under the production settings exits 0 with no warning at all."""
    result = subprocess.run(
        [sys.executable, "-m", "jinqi", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper()


def test_plain_http_is_redirected_and_https_gets_a_year_of_hsts(tmp_path: Path) -> None:
    """Under production settings plain HTTP is redirected to HTTPS, and a request the TLS proxy
    marks as HTTPS gets HSTS for a year with subdomains and without preload."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["plain"] == "301 https://testserver/accounts/login/"
    assert lines["proxied"] == "200 max-age=31536000; includeSubDomains"


def test_forwarded_proto_is_ignored_without_a_tls_proxy(tmp_path: Path) -> None:
    """Without JINQI_TLS_PROXY a client's own X-Forwarded-Proto header does not pass for HTTPS."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        env=_production_environment(tmp_path, JINQI_TLS_PROXY="false"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "proxied 301 None" in result.stdout
