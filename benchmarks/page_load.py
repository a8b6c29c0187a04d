"""Page benchmark (issue 18): the weighted mix of public, enterprise and staff pages under
concurrent clients, against `jinqi demo` (gunicorn and the task worker) on SQLite or PostgreSQL.

The client is a small asyncio HTTP/1.1 client in this file (ADR 0015): one process, keep-alive
connections, no dependency. It logs each client in as an enterprise, the lead office and a
department, runs the mix for a set time (closed loop, no think time), then the login page alone
for a few seconds as the ceiling the same server reaches with the same clients. It prints per
page requests/s, p50/p95/p99 and errors, and writes the figures as JSON.

    uv run python benchmarks/page_load.py --seconds 30                 # the SQLite demo
    uv run python benchmarks/page_load.py --database-url postgres://postgres@127.0.0.1:55432/x \\
        --registry 200000 --seconds 30
    uv run python benchmarks/page_load.py --smoke                      # what the test suite runs

`--home DIR` keeps the SQLite demo (and the secret key) in DIR between runs; the first run there
builds the demo data, which takes minutes. `--url` measures a server already running instead.
`--smoke` visits every page once per role, then runs a few seconds at two clients, and exits 1
on any 5xx (or other answer than 200) or any page of the timed mix over 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "issue18"
DEMO_PASSWORD = "Jinqi@2022demo"
# The roles the mix logs in, by demo user name (docs: `jinqi demo` prints the accounts).
ROLES = {"enterprise": "enterprise", "lead": "lead", "department": "market-regulation"}
SEARCH_TERMS = ("营商环境", "企业", "补贴", "一网通办", "高新技术企业", "融资", "人才", "税")
SMOKE_LIMIT_S = 5.0


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # "public" or a key of ROLES
    path: str  # "{policy}" and "{term}" are filled per request
    weight: int


# The mix: public 60, enterprise 30, staff 10.
MIX = (
    Page("catalogue", "public", "/policies/", 15),
    Page("public progress", "public", "/plans/public/", 10),
    Page("search", "public", "/search/?q={term}", 10),
    Page("a policy", "public", "/policies/{policy}/", 10),
    Page("publicity", "public", "/applications/publicity/", 5),
    Page("guides", "public", "/guides/", 10),
    Page("/me/", "enterprise", "/me/", 12),
    Page("policies for me", "enterprise", "/policies/mine/", 8),
    Page("applications", "enterprise", "/applications/", 5),
    Page("appeals", "enterprise", "/appeals/", 5),
    Page("lead dashboard", "lead", "/plans/dashboard/", 3),
    Page("review queue", "department", "/applications/review/", 3),
    Page("appeal statistics", "lead", "/appeals/statistics/", 2),
    Page("registry list", "lead", "/registry/", 2),
)
LOGIN_PAGE = Page("login page (ceiling)", "public", "/accounts/login/", 1)


# --- a minimal HTTP/1.1 client -------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]


class Connection:
    """One keep-alive connection; reopened when the server closes it (a sync worker does)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        parsed = []
        for line in header_lines:
            if line:
                key, _, value = line.partition(":")
                parsed.append((key.strip().lower(), value.strip()))
        found = dict(parsed)
        if found.get("transfer-encoding", "").lower() == "chunked":
            content = await self._chunked()
        elif "content-length" in found:
            content = await self.reader.readexactly(int(found["content-length"]))
        elif method == "HEAD" or status in (204, 304):
            content = b""
        else:
            content = await self.reader.read()
            found["connection"] = "close"
        if found.get("connection", "").lower() == "close":
            self.close()
        return Response(status, parsed, content)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Session:
    """A browser's cookies for one role, over the client's connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.cookies: dict[str, str] = {}

    async def get(self, path: str) -> Response:
        return await self.send("GET", path)

    async def send(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.connection.host}:{self.connection.port}{path}"
        response = await self.connection.request(method, path, headers, body)
        for cookie in response.header_values("set-cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    async def log_in(self, username: str) -> None:
        page = await self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or token is None:
            raise RuntimeError(f"login page answered {page.status}")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": DEMO_PASSWORD,
        }
        answer = await self.send("POST", "/accounts/login/", form)
        if answer.status != 302:
            raise RuntimeError(f"logging in as {username} answered {answer.status}")


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    status: int  # 0: no answer (connection error)
    seconds: float


@dataclass
class Client:
    sessions: dict[str, Session]
    samples: list[Sample] = field(default_factory=list)


async def _client(host: str, port: int, roles: list[str]) -> Client:
    connection = Connection(host, port)
    sessions = {"public": Session(connection)}
    for role in roles:
        sessions[role] = Session(connection)
        await sessions[role].log_in(ROLES[role])
    return Client(sessions)


def _path(page: Page, rng: random.Random, policies: list[str]) -> str:
    return page.path.format(
        policy=rng.choice(policies) if policies else "", term=quote(rng.choice(SEARCH_TERMS))
    )


async def _drive(
    client: Client,
    pages: tuple[Page, ...],
    deadline: float,
    rng: random.Random,
    policies: list[str],
) -> None:
    weights = [p.weight for p in pages]
    while time.perf_counter() < deadline:
        page = rng.choices(pages, weights)[0]
        started = time.perf_counter()
        try:
            response = await client.sessions[page.role].get(_path(page, rng, policies))
            status = response.status
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            status = 0
        client.samples.append(Sample(page.name, status, time.perf_counter() - started))


async def _visit_all(client: Client, rng: random.Random, policies: list[str]) -> None:
    for page in MIX:
        started = time.perf_counter()
        response = await client.sessions[page.role].get(_path(page, rng, policies))
        client.samples.append(Sample(page.name, response.status, time.perf_counter() - started))


async def _visit_every_variant(client: Client, policies: list[str]) -> None:
    """Every policy page and every search of the mix once: the timed mix measures the steady
    state, where each has been asked for before (the pages kept in memory, ADR 0028)."""
    for policy in policies:
        await client.sessions["public"].get(f"/policies/{policy}/")
    for term in SEARCH_TERMS:
        await client.sessions["public"].get(f"/search/?q={quote(term)}")


async def _policy_codes(host: str, port: int) -> list[str]:
    catalogue = await Session(Connection(host, port)).get("/policies/")
    codes = set(re.findall(rb'href="/policies/([A-Za-z0-9_-]+)/"', catalogue.body))
    return sorted(c.decode() for c in codes - {b"mine", b"manage"})


async def run_load(
    url: str, *, clients: int, seconds: float, ceiling_seconds: float, seed: int
) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    policies = await _policy_codes(host, port)
    roles = sorted({p.role for p in MIX} - {"public"})
    started = time.perf_counter()
    pool = await asyncio.gather(*(_client(host, port, roles) for _ in range(clients)))
    login_seconds = time.perf_counter() - started
    # Every client asks for every page once first: each page is reached whatever the draw, and
    # the workers' first-request costs (templates, rule compilation, the segmenter's
    # dictionary) stay out of the timed mix.
    began = time.perf_counter()
    await _visit_every_variant(pool[0], policies)
    await asyncio.gather(
        *(_visit_all(client, random.Random(seed + i), policies) for i, client in enumerate(pool))
    )
    phases = {
        "warm_up": summarise([s for c in pool for s in c.samples], time.perf_counter() - began)
    }
    for name, pages, duration in (
        ("mix", MIX, seconds),
        ("ceiling", (LOGIN_PAGE,), ceiling_seconds),
    ):
        for client in pool:
            client.samples = []
        began = time.perf_counter()
        await asyncio.gather(
            *(
                _drive(client, pages, began + duration, random.Random(seed + i), policies)
                for i, client in enumerate(pool)
            )
        )
        elapsed = time.perf_counter() - began
        phases[name] = summarise([s for c in pool for s in c.samples], elapsed)
    for client in pool:
        client.sessions["public"].connection.close()
    return {"login_seconds": round(login_seconds, 2), "policies": len(policies), **phases}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def summarise(samples: list[Sample], elapsed: float) -> dict[str, Any]:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    pages = {}
    for name, rows in by_page.items():
        times = [r.seconds * 1000 for r in rows]
        pages[name] = {
            "requests": len(rows),
            "rps": round(len(rows) / elapsed, 1),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "p99_ms": round(_percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
            "errors": sum(1 for r in rows if r.status != 200),
            "server_errors": sum(1 for r in rows if r.status == 0 or r.status >= 500),
            "statuses": sorted({r.status for r in rows}),
        }
    every = [s.seconds * 1000 for s in samples]
    return {
        "seconds": round(elapsed, 2),
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "p99_ms": round(_percentile(every, 0.99), 1) if every else None,
        "errors": sum(p["errors"] for p in pages.values()),
        "pages": pages,
    }


def print_table(name: str, phase: dict[str, Any]) -> None:
    print(f"\n{name}: {phase['requests']} requests in {phase['seconds']} s = {phase['rps']}/s")
    print(
        f"{'page':<24}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    )
    for page, row in phase["pages"].items():
        print(
            f"{page:<24}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['p99_ms']:>9}{row['max_ms']:>9}{row['errors']:>8}"
        )


# --- the server ----------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _jinqi(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "jinqi", *args], env=env, cwd=REPO, **kwargs)


def seed_registry(count: int, env: dict[str, str]) -> None:
    """Add `count` synthetic enterprises (`jinqi registry synth` and `import`) to the database."""
    with tempfile.TemporaryDirectory() as tmp:
        parquet = str(Path(tmp) / "registry.parquet")
        for args in (
            ("registry", "synth", "--count", str(count), "--seed", "18", "--output", parquet),
            ("registry", "import", parquet, "--source", "market-regulation", "--no-progress"),
        ):
            if _jinqi(*args, env=env).wait() != 0:
                raise SystemExit(f"jinqi {' '.join(args)} failed")


def start_server(
    env: dict[str, str], *, port: int, workers: int, worker_class: str, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    """`jinqi demo` (demo data once, then gunicorn and the task worker) in a process group."""
    args = ["demo", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    args += ["--worker-class", worker_class, "--threads", str(threads)]
    with log.open("ab") as sink:
        server = _jinqi(*args, env=env, stdout=sink, stderr=sink, start_new_session=True)
    deadline = time.monotonic() + 3600  # a first demo build simulates a year
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"jinqi demo exited with {server.returncode}; see {log}")
        try:
            status = asyncio.run(Session(Connection("127.0.0.1", port)).get("/healthz")).status
        except OSError:
            status = 0
        if status == 200:
            return server
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit("the server did not answer within an hour")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    )
    return result.stdout.strip()


def smoke_failures(results: dict[str, Any]) -> list[str]:
    """What fails a smoke run: any 5xx or unanswered request, any page of the timed mix over
    5 s; and any other answer than 200, which means the mix no longer reaches the page (a moved
    URL, a role). The first visit of each page (the warm-up) is not timed."""
    failures = []
    for phase in ("warm_up", "mix"):
        for name, row in results[phase]["pages"].items():
            if row["errors"]:
                failures.append(f"{name}: {row['errors']} answers other than 200 {row['statuses']}")
            if phase == "mix" and row["max_ms"] > SMOKE_LIMIT_S * 1000:
                failures.append(f"{name}: {row['max_ms']:.0f} ms, over {SMOKE_LIMIT_S:.0f} s")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--database-url", help="PostgreSQL (default: the SQLite demo)")
    parser.add_argument("--home", type=Path, help="JINQI_HOME of the SQLite demo (kept)")
    parser.add_argument("--registry", type=int, default=0, help="add this many enterprises first")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, help="web worker processes (demo's default)")
    parser.add_argument("--worker-class", help="gunicorn worker class (demo's default)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker (demo's default)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--label", default="", help="a word for the result file's name")
    parser.add_argument("--output", type=Path, help="result file (default: results/issue18/…)")
    parser.add_argument("--smoke", action="store_true", help="a few seconds; fail on 5xx or >5 s")
    options = parser.parse_args(argv)
    if options.smoke:
        options.seconds, options.ceiling_seconds, options.clients = 4.0, 1.0, 2
    # Here, not at the top: the benchmark's client runs without Django; only the defaults come
    # from the server's module.
    from jinqi.core.server import DEFAULT_THREADS, DEFAULT_WORKER_CLASS, DEFAULT_WORKERS

    workers = options.workers or DEFAULT_WORKERS
    worker_class = options.worker_class or DEFAULT_WORKER_CLASS
    threads = options.threads or DEFAULT_THREADS
    server = None
    with tempfile.TemporaryDirectory() as scratch:
        home = options.home or Path(scratch)
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "JINQI_HOME": str(home), "PYTHONUNBUFFERED": "1"}
        # The demo's own settings and database, whatever the caller (a test run) has set.
        for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        if options.database_url:
            env["DATABASE_URL"] = options.database_url
        url = options.url
        if url is None:
            if options.registry:
                if _jinqi("demo", "--no-serve", env=env, stdout=subprocess.DEVNULL).wait():
                    raise SystemExit("jinqi demo --no-serve failed")
                seed_registry(options.registry, env)
            port = _free_port()
            server = start_server(
                env,
                port=port,
                workers=workers,
                worker_class=worker_class,
                threads=threads,
                log=home / "page_load-server.log",
            )
            url = f"http://127.0.0.1:{port}"
        try:
            results = asyncio.run(
                run_load(
                    url,
                    clients=options.clients,
                    seconds=options.seconds,
                    ceiling_seconds=options.ceiling_seconds,
                    seed=options.seed,
                )
            )
        finally:
            if server is not None:
                stop_server(server)
    database = "postgresql" if options.database_url else "sqlite"
    report = {
        "benchmark": "page_load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit(),
        "machine": machine(),
        "database": database,
        "registry_added": options.registry,
        "clients": options.clients,
        "server": {"workers": workers, "worker_class": worker_class, "threads": threads},
        **results,
    }
    print_table("warm-up (every page once per client, untimed)", results["warm_up"])
    print_table("mix", results["mix"])
    print_table("ceiling", results["ceiling"])
    if not options.smoke or options.output:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        label = f"-{options.label}" if options.label else ""
        output = options.output or RESULTS / f"page_load-{database}{label}-{stamp}.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nresults: {output}")
    if options.smoke:
        failures = smoke_failures(results)
        for failure in failures:
            print(f"SMOKE FAILED: {failure}")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
