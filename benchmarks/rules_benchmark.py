"""Benchmark of `jinqi rules evaluate` against the hand-written NumPy yardstick and the others.

    uv run --group bench python benchmarks/rules_benchmark.py --rows 3300000 --rules 500
    uv run --group bench python benchmarks/rules_benchmark.py --rows 100000 --rules 50 --keep

Generates the enterprises and the rule pack once (rules_generate.py, fixed seed, not timed), then
runs every contender as a whole process on the same Parquet file and rule pack, loading included,
and measures its wall time and its own peak RSS (os.wait4's rusage, which covers the process and
the children it waited for):

- engine:   `jinqi rules evaluate` (the console script), counts only and again with pairs;
- sql-duckdb, sql-spark: `jinqi rules evaluate --engine duckdb|spark`, the scale-out engines
  (docs/scale.md), counts and pairs, checked like the engine's (Spark local, every core; its
  peak is the largest process's, the JVM's);
- baseline: rules_numpy_baseline.py, the hand-written NumPy evaluation, counts and pairs;
- openfisca: rules_openfisca.py (openfisca-core, float32), counts, and a pairs run to count the
  pairs that float32 changes;
- duckdb:   rules_duckdb.py, the engine's DuckDB SQL (or the pack's, before the engine exists);
- pyloop:   rules_pyloop.py, a per-enterprise Python loop on a sample, extrapolated, and one
  enterprise against all rules with explanations (median).

It checks that the contenders agree with the baseline (counts; pairs files for the engine; the
sample's pairs for the loop), prints a table with ratios to the baseline and the issue's goals,
and writes everything with the machine's description to benchmarks/results/rules-<UTC>.json.
The machine may be shared: the load average before and after is recorded, and --repeat N keeps
each contender's fastest of N runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
SQL_ENGINES = ("sql-duckdb", "sql-spark")
TIMEOUT: list[float | None] = [
    None
]  # --timeout: seconds a contender may run  # contenders: `jinqi rules evaluate --engine …`
HERE = Path(__file__).resolve().parent
SEED = 20260630
GOALS = {
    "time_vs_baseline": 1.5,  # engine wall time / baseline wall time, at most
    "memory_vs_baseline": 2.0,  # engine peak RSS / baseline peak RSS, at most
    "speedup_vs_openfisca": 2.0,  # OpenFisca wall time / engine wall time, at least
    "one_enterprise_ms": 1.0,  # one enterprise x all rules with explanations, at most
}


# -------------------------------------------------------------------------------------------
# Whole-process measurement


@dataclass
class Run:
    contender: str
    mode: str  # "counts" or "pairs"
    command: list[str]
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    output_tail: str = ""
    failed: str | None = None

    @property
    def best_wall(self) -> float:
        return min(self.wall_s)

    @property
    def peak(self) -> float:
        return max(self.peak_rss_mib)


def measure(
    command: Sequence[str | Path], log: Path, timeout: float | None = None
) -> tuple[float, float, float, str, int]:
    """Run a command; (wall s, user+sys CPU s, peak RSS MiB, output, exit status). The peak is
    the larger of the process's own (with the children it waited for) and the whole process
    tree's sampled every 0.1 s: PySpark's JVM is a child Python never waits for. After
    `timeout` seconds the process group is killed (the status is then negative)."""
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(
            [str(c) for c in command],
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed whole on a timeout
        )
        tree_peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                tree_peak[0] = max(tree_peak[0], tree_rss_mib(child.pid))
                if timeout is not None and time.perf_counter() - started > timeout:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.pid, 9)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        sampler.join()
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    output = log.read_text(encoding="utf-8", errors="replace")
    # ru_maxrss is in KiB on Linux.
    peak = max(usage.ru_maxrss / 1024, tree_peak[0])
    return wall, usage.ru_utime + usage.ru_stime, peak, output, child.returncode


def tree_rss_mib(pid: int) -> float:
    """The resident memory of a process and all its descendants now, in MiB (0 once gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        proc = Path(f"/proc/{current}")
        try:
            status = (proc / "status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in (proc / "task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue  # exited meanwhile, or a zombie without memory
    return total / 1024


def warm(path: Path) -> None:
    """Read a file through, so each contender starts with it in the page cache (others on a
    shared machine may have pushed it out)."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def run(run_: Run, work: Path) -> Run:
    log = work / f"{run_.contender}-{run_.mode}.log"
    warm(work / "profiles.parquet")
    wall, cpu, rss, output, code = measure(run_.command, log, TIMEOUT[0])
    run_.output_tail = "\n".join(output.strip().splitlines()[-5:])
    if code != 0:
        run_.failed = f"exit {code}: {output.strip()[-2000:]}"
        print(f"  {run_.contender:9s} {run_.mode:6s} FAILED ({log})\n{output.strip()[-1500:]}")
        return run_
    run_.wall_s.append(wall)
    run_.cpu_s.append(cpu)
    run_.peak_rss_mib.append(rss)
    print(f"  {run_.contender:9s} {run_.mode:6s} {wall:8.2f} s {rss:8.0f} MiB   {run_.output_tail}")
    return run_


# -------------------------------------------------------------------------------------------
# The machine


def _command_output(command: Sequence[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [
        line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line
    ]
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    git = ["git", "-C", str(REPO)]
    # Which engine code was measured, whatever git says about it (it is being written).
    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "jinqi" / "rules").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        "nproc": int(_command_output(["nproc"]) or os.cpu_count() or 0),
        "cpu_model": models[0] if models else platform.processor(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in ("numpy", "pyarrow", "duckdb", "openfisca-core", "sqlglot", "django")
        },
        "git_commit": _command_output([*git, "rev-parse", "--short", "HEAD"]),
        "rules_source_sha256": digest.hexdigest()[:16],
        "rules_source_dirty": bool(
            _command_output([*git, "status", "--porcelain", "src/jinqi/rules"])
        ),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -------------------------------------------------------------------------------------------
# Agreement


def read_pairs(path: Path, rule_ids: list[str], rows: int) -> np.ndarray:
    """Pairs as sorted-or-not int64 keys (pack position * rows + row), in file order."""
    table = pq.read_table(path)
    if table.column_names != ["rule", "row"]:
        raise ValueError(f"{path}: columns {table.column_names}, expected ['rule', 'row']")
    position = {rule: i for i, rule in enumerate(rule_ids)}
    keys = np.empty(table.num_rows, dtype=np.int64)
    start = 0
    for batch in table.to_batches():
        rule, row = batch.column(0), batch.column(1)
        if not pa.types.is_dictionary(rule.type):
            raise ValueError(f"{path}: rule is {rule.type}, expected dictionary<int32, string>")
        lookup = np.array([position[r] for r in rule.dictionary.to_pylist()], dtype=np.int64)
        codes = rule.indices.to_numpy(zero_copy_only=False)
        keys[start : start + len(batch)] = lookup[codes] * rows + row.to_numpy(zero_copy_only=False)
        start += len(batch)
    return keys


def compare_pairs(path: Path, reference: np.ndarray, rule_ids: list[str], rows: int) -> dict:
    keys = read_pairs(path, rule_ids, rows)
    ordered = bool(keys.size < 2 or np.all(keys[1:] > keys[:-1]))
    identical = ordered and keys.size == reference.size and bool(np.array_equal(keys, reference))
    if identical:
        return {"pairs": int(keys.size), "ordered": True, "identical": True, "differing": 0}
    if not ordered:
        keys = np.unique(keys)
    # Both sorted by rule: compare rule by rule, so only the rules that differ cost a set
    # difference (a global one over 10^8 keys takes minutes).
    bounds = np.arange(len(rule_ids) + 1, dtype=np.int64) * rows
    ours, theirs = np.searchsorted(keys, bounds), np.searchsorted(reference, bounds)
    differing = 0
    for i in range(len(rule_ids)):
        a = keys[ours[i] : ours[i + 1]]
        b = reference[theirs[i] : theirs[i + 1]]
        if a.size != b.size or not np.array_equal(a, b):
            differing += int(np.setxor1d(a, b, assume_unique=True).size)
    return {"pairs": int(keys.size), "ordered": ordered, "identical": False, "differing": differing}


def compare_counts(counts: dict, reference: dict) -> dict[str, Any]:
    differing = [rule for rule in reference if counts.get(rule) != reference[rule]]
    return {
        "identical": not differing and set(counts) == set(reference),
        "rules_differing": len(differing),
        "examples": {r: {"got": counts.get(r), "baseline": reference[r]} for r in differing[:5]},
    }


def compare_sample(loop: dict, reference: np.ndarray, rule_ids: list[str], rows: int) -> dict:
    marked = np.zeros(rows, dtype=bool)
    marked[np.array(loop["sample"], dtype=np.int64)] = True
    chosen = reference[marked[reference % rows]]
    expected: dict[str, list[int]] = {rule: [] for rule in rule_ids}
    for position, row in zip((chosen // rows).tolist(), (chosen % rows).tolist(), strict=True):
        expected[rule_ids[position]].append(row)
    differing = [r for r in rule_ids if expected[r] != loop["sample_eligible"].get(r, [])]
    return {"identical": not differing, "rules_differing": len(differing)}


# -------------------------------------------------------------------------------------------
# Report


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def table(runs: list[Run], checks: dict[str, Any], loop: dict | None) -> str:
    base = {r.mode: r for r in runs if r.contender == "baseline" and not r.failed}
    lines = [
        f"{'contender':10s} {'mode':7s} {'wall s':>9s} {'peak MiB':>9s} {'CPU s':>8s} "
        f"{'x base t':>9s} {'x base mem':>10s} {'x base CPU':>10s}  agrees with baseline"
    ]
    for r in runs:
        if r.failed:
            lines.append(f"{r.contender:10s} {r.mode:7s} FAILED")
            continue
        reference = base.get(r.mode) or base.get("counts")
        agree = checks.get(f"{r.contender}-{r.mode}", {})
        if not agree:
            verdict = "-"
        elif agree.get("identical"):
            verdict = "yes"
        else:
            verdict = f"NO: counts of {agree['rules_differing']} rules"
            if "pairs" in agree:
                verdict += f", {agree['pairs']['differing']} pairs"
            verdict += " differ"
        lines.append(
            f"{r.contender:10s} {r.mode:7s} {r.best_wall:9.2f} {r.peak:9.0f} {min(r.cpu_s):8.2f} "
            f"{fmt(ratio(r.best_wall, reference.best_wall if reference else None)):>9s} "
            f"{fmt(ratio(r.peak, reference.peak if reference else None)):>10s} "
            f"{fmt(ratio(min(r.cpu_s), min(reference.cpu_s) if reference else None)):>10s}  "
            f"{verdict}"
        )
    if loop is not None:
        lines.append(
            f"{'pyloop':10s} {'sample':7s} {loop['sample_seconds']:9.2f}  "
            f"({loop['sample_rows']} rows; extrapolated to {loop['rows_in_file']} rows: "
            f"{loop['extrapolated_seconds']:.0f} s, EXTRAPOLATED; evaluator {loop['evaluator']})"
        )
        lines.append(
            f"{'':10s} one enterprise x {loop['rules']} rules, decisions with every condition's "
            f"result: median {loop['one_enterprise_all_rules_ms']['median']:.3f} ms; with every "
            f"explanation dressed (texts, values): "
            f"{loop['one_enterprise_all_rules_dressed_ms']['median']:.3f} ms"
        )
    return "\n".join(lines)


def goals(runs: list[Run], checks: dict[str, Any], loop: dict | None) -> dict[str, Any]:
    found = {(r.contender, r.mode): r for r in runs if not r.failed}
    result: dict[str, Any] = {}
    for mode in ("counts", "pairs"):
        engine, base = found.get(("engine", mode)), found.get(("baseline", mode))
        if engine and base:
            t = engine.best_wall / base.best_wall
            m = engine.peak / base.peak
            result[f"time_vs_baseline_{mode}"] = {
                "value": round(t, 3),
                "goal": f"<= {GOALS['time_vs_baseline']}",
                "met": t <= GOALS["time_vs_baseline"],
            }
            result[f"memory_vs_baseline_{mode}"] = {
                "value": round(m, 3),
                "goal": f"<= {GOALS['memory_vs_baseline']}",
                "met": m <= GOALS["memory_vs_baseline"],
            }
    engine, openfisca = found.get(("engine", "counts")), found.get(("openfisca", "counts"))
    if engine and openfisca:
        s = openfisca.best_wall / engine.best_wall
        result["speedup_vs_openfisca"] = {
            "value": round(s, 3),
            "goal": f">= {GOALS['speedup_vs_openfisca']}",
            "met": s >= GOALS["speedup_vs_openfisca"],
        }
    if loop is not None and loop["evaluator"] == "engine":
        ms = loop["one_enterprise_all_rules_ms"]["median"]
        result["one_enterprise_ms"] = {
            "value": round(ms, 4),
            "goal": f"< {GOALS['one_enterprise_ms']}",
            "met": ms < GOALS["one_enterprise_ms"],
        }
    exact = [checks.get(k, {}).get("identical") for k in ("engine-counts", "engine-pairs")]
    if any(e is not None for e in exact):
        result["exact_as_baseline"] = {"value": exact, "goal": "identical", "met": all(exact)}
    return result


# -------------------------------------------------------------------------------------------


def engine_available(jinqi: list[str | Path]) -> bool:
    probe = subprocess.run(
        [*jinqi, "rules", "evaluate", "--help"], cwd=REPO, capture_output=True, check=False
    )
    return probe.returncode == 0


@contextlib.contextmanager
def workdir(keep: bool, given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    path = Path(tempfile.mkdtemp(prefix="jinqi-rules-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_300_000)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender, fastest kept")
    parser.add_argument("--sample", type=int, default=2000, help="rows for the Python loop")
    parser.add_argument(
        "--only",
        help="comma-separated contenders to run (baseline is always run): "
        "engine,sql-duckdb,sql-spark,openfisca,duckdb,pyloop",
    )
    parser.add_argument("--skip-openfisca", action="store_true")
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--skip-pyloop", action="store_true")
    parser.add_argument(
        "--duckdb-sql",
        choices=("engine", "pack"),
        help="whose SQL DuckDB runs (default: the engine's when it exists, else the pack's)",
    )
    parser.add_argument(
        "--launcher",
        choices=("direct", "uv"),
        default="direct",
        help="run contenders with the venv's executables, or each through `uv run` "
        "(adds uv's start-up to every side alike)",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds a contender may run before it is killed (failed)"
    )
    parser.add_argument("--workdir", type=Path, help="reuse this directory (data kept there)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--output-dir", type=Path, default=HERE / "results")
    args = parser.parse_args()
    TIMEOUT[0] = args.timeout
    if args.only:
        chosen = {name.strip() for name in args.only.split(",")}
        unknown = chosen - {"baseline", "engine", "openfisca", "duckdb", "pyloop", *SQL_ENGINES}
        if unknown:
            parser.error(f"unknown contenders: {', '.join(sorted(unknown))}")
        args.skip_openfisca |= "openfisca" not in chosen
        args.skip_duckdb |= "duckdb" not in chosen
        args.skip_pyloop |= "pyloop" not in chosen
        args.skip_engine = "engine" not in chosen
        args.sql_engines = [name for name in SQL_ENGINES if name in chosen]
    else:
        args.skip_engine = False
        args.sql_engines = list(SQL_ENGINES)

    python = sys.executable
    jinqi_script = str(Path(python).parent / "jinqi")
    prefix: list[str] = []
    if args.launcher == "uv":
        prefix = ["uv", "run", "--group", "bench"]
        python, jinqi_script = "python", "jinqi"
    py: list[str | Path] = [*prefix, python]
    jinqi: list[str | Path] = [*prefix, jinqi_script]

    started_at = dt.datetime.now(dt.UTC)
    load_before = load_average()
    with workdir(args.keep, args.workdir) as work:
        data, rules = work / "profiles.parquet", work / "rules.json"
        if data.exists() and rules.exists():
            print(f"reusing {data} and {rules}")
        else:
            began = time.perf_counter()
            subprocess.run(
                [
                    *py,
                    HERE / "rules_generate.py",
                    "--rows",
                    str(args.rows),
                    "--rules",
                    str(args.rules),
                    "--seed",
                    str(args.seed),
                    "--out",
                    work,
                ],
                cwd=REPO,
                check=True,
            )
            print(f"generated in {time.perf_counter() - began:.1f} s (not timed)")
        pack = json.loads(rules.read_text(encoding="utf-8"))
        rule_ids = [r["id"] for r in pack]
        rows = pq.read_metadata(data).num_rows

        has_engine = not args.skip_engine and engine_available(jinqi)
        if not has_engine and not args.skip_engine:
            print("`jinqi rules evaluate` is not available yet: engine runs skipped")
        duckdb_sql = args.duckdb_sql or ("engine" if has_engine else "pack")

        def io(name: str, pairs: bool) -> list[str | Path]:
            command: list[str | Path] = ["--rules", rules, "--data", data]
            command += ["--output", work / f"{name}-counts.json"]
            if pairs:
                command += ["--pairs", work / f"{name}-pairs.parquet"]
            return command

        plan: list[Run] = []

        def add(contender: str, mode: str, command: list[str | Path]) -> None:
            plan.append(Run(contender, mode, [str(c) for c in command]))

        baseline = [*py, HERE / "rules_numpy_baseline.py"]
        add("baseline", "counts", [*baseline, *io("baseline", False)])
        add("baseline", "pairs", [*baseline, *io("baseline-p", True)])
        if has_engine:
            add("engine", "counts", [*jinqi, "rules", "evaluate", *io("engine", False)])
            add("engine", "pairs", [*jinqi, "rules", "evaluate", *io("engine-p", True)])
        for name in args.sql_engines:
            engine = [*jinqi, "rules", "evaluate", "--engine", name.removeprefix("sql-")]
            add(name, "counts", [*engine, *io(name, False)])
            add(name, "pairs", [*engine, *io(f"{name}-p", True)])
        if not args.skip_openfisca:
            openfisca = [*py, HERE / "rules_openfisca.py"]
            add("openfisca", "counts", [*openfisca, *io("openfisca", False)])
            add("openfisca", "pairs", [*openfisca, *io("openfisca-p", True)])
        if not args.skip_duckdb:
            duck = [*py, HERE / "rules_duckdb.py", *io("duckdb", False), "--sql-from", duckdb_sql]
            add("duckdb", "counts", duck)

        # One untimed process first: on a machine short of free memory the first big process
        # after a pause loads at half speed while the kernel reclaims page cache.
        warm(data)
        measure([*baseline, *io("warm-up", False)], work / "warm-up.log")
        for attempt in range(args.repeat):
            print(f"run {attempt + 1} of {args.repeat}")
            # Every other round in reverse, so no contender always follows the same neighbour
            # (the first process after a big one pays for the memory the kernel must reclaim).
            for item in plan if attempt % 2 == 0 else plan[::-1]:
                if not item.failed:
                    run(item, work)

        loop: dict | None = None
        if not args.skip_pyloop:
            evaluator = "engine" if has_engine else "reference"
            loop_out = work / "pyloop.json"
            command: list[str | Path] = [*py, HERE / "rules_pyloop.py", "--rules", rules]
            command += ["--data", data]
            command += ["--output", loop_out, "--sample", str(args.sample)]
            command += ["--evaluator", evaluator]
            wall, _, rss, output, code = measure(command, work / "pyloop.log")
            if code == 0:
                loop = json.loads(loop_out.read_text(encoding="utf-8"))
                loop["process_wall_s"], loop["process_peak_rss_mib"] = wall, rss
                print(f"  pyloop    sample {output.strip().splitlines()[-1]}")
            else:
                print(f"  pyloop FAILED\n{output[-1500:]}")

        # Agreement with the baseline (not timed).
        checks: dict[str, Any] = {}
        reference_counts = json.loads((work / "baseline-counts.json").read_text(encoding="utf-8"))
        reference_pairs = read_pairs(work / "baseline-p-pairs.parquet", rule_ids, rows)
        checks["baseline-pairs"] = compare_counts(
            json.loads((work / "baseline-p-counts.json").read_text(encoding="utf-8")),
            reference_counts,
        )
        for item in plan:
            if item.failed or item.contender == "baseline":
                continue
            name = item.contender + ("-p" if item.mode == "pairs" else "")
            counts = json.loads((work / f"{name}-counts.json").read_text(encoding="utf-8"))
            check = compare_counts(counts, reference_counts)
            if item.mode == "pairs":
                check["pairs"] = compare_pairs(
                    work / f"{name}-pairs.parquet", reference_pairs, rule_ids, rows
                )
                check["identical"] = check["identical"] and check["pairs"]["identical"]
            checks[f"{item.contender}-{item.mode}"] = check
        if loop is not None:
            checks["pyloop-sample"] = compare_sample(loop, reference_pairs, rule_ids, rows)
        del reference_pairs

        report_table = table(plan, checks, loop)
        met = goals(plan, checks, loop)
        print()
        print(
            f"{rows} enterprises x {len(pack)} rules, "
            f"{sum(c['eligible'] for c in reference_counts.values())} eligible pairs"
        )
        print(report_table)
        print(
            f"load average before {load_before}, after {load_average()} "
            f"on {os.cpu_count()} CPUs (a shared machine makes wall times noisy; CPU s less so)"
        )
        if "openfisca-pairs" in checks:
            print(
                f"OpenFisca (float32) pairs differing from the exact baseline: "
                f"{checks['openfisca-pairs']['pairs']['differing']}"
            )
        if "pyloop-sample" in checks:
            print(
                f"Python loop agrees with the baseline on its sample: "
                f"{checks['pyloop-sample']['identical']}"
            )
        for name, goal in met.items():
            print(
                f"goal {name}: {goal['value']} (goal {goal['goal']}): "
                f"{'met' if goal['met'] else 'NOT met'}"
            )

        if loop is not None:
            for key in ("sample", "sample_eligible", "sample_unknown"):
                loop.pop(key, None)
        result = {
            "benchmark": "rules",
            "started_at": started_at.isoformat(timespec="seconds"),
            "rows": rows,
            "rules": len(pack),
            "seed": args.seed,
            "eligible_pairs": sum(c["eligible"] for c in reference_counts.values()),
            "unknown_results": sum(c["unknown"] for c in reference_counts.values()),
            "data_bytes": data.stat().st_size,
            "launcher": args.launcher,
            "duckdb_sql": duckdb_sql,
            "engine_available": has_engine,
            "load_average_before": load_before,
            "load_average_after": load_average(),
            "machine": machine(),
            "runs": [{**asdict(r), "best_wall_s": r.best_wall if r.wall_s else None} for r in plan],
            "pyloop": loop,
            "checks": checks,
            "goals": met,
            "table": report_table,
        }
        args.output_dir.mkdir(parents=True, exist_ok=True)
        stamp = started_at.strftime("%Y%m%d-%H%M%S")
        target = args.output_dir / f"rules-{stamp}.json"
        target.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
