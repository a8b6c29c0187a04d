"""The API's contract checked from outside, as an external client meets it (issue #12).

Fills the database named by DATABASE_URL with the demo data the API reads (accounts, registry,
policies, applications, the plan), makes one department token and one enterprise token, serves
Jinqi with gunicorn on a free loopback port and runs Schemathesis against the served OpenAPI
document for every operation with each token: derandomised, a fixed number of examples per
operation, checking server errors, documented status codes, response schemas and content types.
Any failure fails the step. Reports go to test-artifacts/.

Usage (from the repository root, PostgreSQL in DATABASE_URL):
    uv run python .ci/api_contract.py [--examples N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# The demo steps the API reads; the plan is loaded without its year of simulated history.
DEMO_STEPS = ("accounts", "registry", "policies", "applications")
# A department that reports on the plan and pushes facts, and the demo enterprise.
CALLERS = {"department": "market-regulation", "enterprise": "enterprise"}
SEED = 20221206  # deterministic generation needs none; kept so any random part is fixed too
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "content_type_conformance",
    )
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_database(*, load: bool) -> dict[str, str]:
    """Migrate, load the demo data the API reads, and return a fresh token per caller."""
    import django

    django.setup()
    from django.db import connections

    from jinqi.accounts.models import User
    from jinqi.accounts.services import api_token_create, system_user

    if load:
        load_demo_data()
    keys = {}
    for caller, username in CALLERS.items():
        _token, key = api_token_create(
            user=User.objects.get(username=username),
            name="API contract check",
            acting_user=system_user(),
        )
        keys[caller] = key
    connections.close_all()  # nothing of this process's database state crosses into gunicorn
    return keys


def load_demo_data() -> None:
    from django.core.management import call_command
    from django.test import override_settings

    from jinqi.demo.plans import demo_plan_import
    from jinqi.demo.steps import demo_steps

    def report(message: str) -> None:
        print(f"  {message}", flush=True)

    call_command("migrate", interactive=False, verbosity=0)
    # The demo accounts' passwords are never used here (tokens are): hash them fast.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for step in demo_steps():
            if step.key in DEMO_STEPS:
                started = time.monotonic()
                step.load(report)
                print(f"demo step {step.key}: {time.monotonic() - started:.1f}s", flush=True)
    demo_plan_import(report)


def serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (ARTIFACTS / "api-contract-server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jinqi.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--worker-class=gthread",
            "--threads=4",
            "--timeout=60",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the API did not answer on {url}")


def schemathesis(port: int, caller: str, key: str, examples: int) -> int:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"http://127.0.0.1:{port}/api/v1/openapi.json",
        f"--header=Authorization: Bearer {key}",
        f"--checks={CHECKS}",
        f"--max-examples={examples}",
        "--generation-deterministic",
        f"--seed={SEED}",
        "--phases=examples,coverage,fuzzing",
        "--workers=2",
        "--request-timeout=30",
        "--no-color",
        "--report=junit",
        f"--report-junit-path={ARTIFACTS / f'junit-api-contract-{caller}.xml'}",
    ]
    print(f"\n--- Schemathesis as the {caller} ---", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def _fails_twice(port: int, caller: str, key: str, examples: int) -> bool:
    """Schemathesis's own coverage generator sometimes crashes ("Inconsistent results", a
    KeyError inside it; seen once on POST /api/v1/registry/facts, gone on the rerun). The cases
    are generated deterministically from a fixed seed, so a failure of the API repeats on a
    second run and is reported; a crash of the tool that does not repeat is not."""
    if not schemathesis(port, caller, key, examples):
        return False
    print(
        f"Schemathesis reported a problem as the {caller}; running again: a failure of the API "
        "repeats (deterministic generation), an intermittent error of the tool does not.",
        flush=True,
    )
    return bool(schemathesis(port, caller, key, examples))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10, help="Cases per operation.")
    parser.add_argument(
        "--no-load", action="store_true", help="The database is loaded already (local reruns)."
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    ARTIFACTS.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinqi.settings.base",
        "JINQI_SECRET_KEY": os.environ.get("JINQI_SECRET_KEY") or secrets.token_urlsafe(50),
        "JINQI_MEDIA_ROOT": str(ARTIFACTS / "api-contract-media"),
        # The client sends hundreds of calls a minute with one token; the limit itself is
        # tested in src/jinqi/api/tests/, and a 429 is documented anyway.
        "JINQI_API_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    os.environ.update(env)
    keys = prepare_database(load=not args.no_load)
    port = _free_port()
    server = serve(port, env)
    try:
        failed = [c for c, key in keys.items() if _fails_twice(port, c, key, args.examples)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failed:
        print(f"API contract: failures as {', '.join(failed)}", file=sys.stderr)
        return 1
    print("API contract: 0 failures for either caller")
    return 0


if __name__ == "__main__":
    sys.exit(main())
