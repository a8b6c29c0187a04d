"""`jinqi inspections sample` and `jinqi inspections merge`: the two algorithms over CSV files,
so that anyone can reproduce a draw or a merge without the platform's pages
(docs/inspections.md). Both refuse bad input with one clear line and a non-zero exit, and write
no file then."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.core.calendar import WorkingDays, flag_gaps
from jinqi.core.commandline import Subcommand
from jinqi.inspections.merging import MergeTask, NoWorkingDayError, PlannedVisit, merge
from jinqi.inspections.sampling import Member, SampleRefusedError, parse_ratios, sample

POPULATION_COLUMNS = ("uscc", "credit_class")
TASK_COLUMNS = ("task_id", "department", "uscc", "window_start", "window_end", "unannounced")
VISIT_COLUMNS = ("visit_id", "uscc", "date", "task_ids")


def read_rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a UTF-8 CSV file with at least `columns` in its header, with their line
    numbers; CommandError otherwise."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CommandError(
            _("Cannot read %(path)s: %(why)s") % {"path": path, "why": error.strerror}
        ) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(path)s is not a UTF-8 text file.") % {"path": path}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            _("%(path)s lacks the column(s) %(columns)s in its first line.")
            % {"path": path, "columns": "、".join(missing)}
        )
    rows = []
    for row in reader:
        if None in row or any(row[c] is None for c in columns):
            raise CommandError(
                _("Line %(line)s of %(path)s does not have as many fields as the header.")
                % {"line": reader.line_num, "path": path}
            )
        rows.append((reader.line_num, {c: row[c].strip() for c in columns}))
    return rows


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Header and rows, UTF-8 without BOM, LF line ends: the same input gives the same bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    try:
        path.write_bytes(out.getvalue().encode())
    except OSError as error:
        raise CommandError(
            _("Cannot write %(path)s: %(why)s") % {"path": path, "why": error.strerror}
        ) from None


def seed_number(text: str) -> int:
    """An argparse type: a whole number from 0 up, or a clear error."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a seed (a whole number from 0 up)") % {"value": text}
        )
    return int(text)


def add_sample_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--population", type=Path, required=True, help=_("CSV file: uscc,credit_class.")
    )
    parser.add_argument(
        "--ratios", required=True, help=_("Ratio per class, e.g. A=0.02,B=0.05,C=0.3,D=1.")
    )
    parser.add_argument("--seed", type=seed_number, required=True, help=_("The seed."))
    parser.add_argument("--output", type=Path, required=True, help=_("CSV file to write."))


def handle_sample(command: BaseCommand, options: dict[str, Any]) -> None:
    rows = read_rows(options["population"], POPULATION_COLUMNS)
    try:
        ratios = parse_ratios(options["ratios"])
        drawn = sample(
            (Member(row["credit_class"], row["uscc"]) for _line, row in rows),
            ratios,
            options["seed"],
        )
    except SampleRefusedError as refusal:
        raise CommandError(str(refusal)) from None
    write_csv(options["output"], POPULATION_COLUMNS, [(m.uscc, m.credit_class) for m in drawn])
    command.stdout.write(
        _("%(drawn)s of %(total)s enterprises drawn, written to %(path)s.")
        % {"drawn": len(drawn), "total": len(rows), "path": options["output"]}
    )


def parse_tasks(rows: Sequence[tuple[int, dict[str, str]]]) -> list[MergeTask]:
    """The tasks of T.csv, or CommandError at the first bad line (unknown flag, bad date, window
    ending before it starts, repeated id)."""
    tasks = []
    seen: set[str] = set()
    for line, row in rows:
        where = {"line": line, "id": row["task_id"]}
        if not row["task_id"]:
            raise CommandError(_("Line %(line)s has no task_id.") % where)
        if row["task_id"] in seen:
            raise CommandError(_("Task %(id)s appears more than once (line %(line)s).") % where)
        seen.add(row["task_id"])
        flag = row["unannounced"].lower()
        if flag not in ("true", "false"):
            raise CommandError(
                _("Task %(id)s (line %(line)s): unannounced must be true or false.") % where
            )
        try:
            start = dt.date.fromisoformat(row["window_start"])
            end = dt.date.fromisoformat(row["window_end"])
        except ValueError:
            raise CommandError(
                _("Task %(id)s (line %(line)s): the window's dates must be written 2025-06-30.")
                % where
            ) from None
        if end < start:
            raise CommandError(
                _("Task %(id)s (line %(line)s): the window ends before it starts.") % where
            )
        tasks.append(
            MergeTask(row["task_id"], row["department"], row["uscc"], start, end, flag == "true")
        )
    return tasks


def merge_on_calendar(tasks: Sequence[MergeTask]) -> list[PlannedVisit]:
    """`merge` over the platform's working days (holidays, 调休 and the lead office's
    corrections); a year the calendar does not know is flagged to the lead office."""
    if not tasks:
        return []
    calendar = WorkingDays(
        min(task.window_start for task in tasks), max(task.window_end for task in tasks)
    )
    try:
        return merge(tasks, calendar.is_working_day)
    finally:
        flag_gaps(calendar.unknown_years)


def visit_rows(visits: Sequence[PlannedVisit]) -> list[tuple[str, str, str, str]]:
    """V.csv's rows: visits numbered V0001… in their order (enterprise, date, first task)."""
    return [
        (f"V{n:04d}", visit.uscc, visit.date.isoformat(), ";".join(visit.task_ids))
        for n, visit in enumerate(visits, start=1)
    ]


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tasks",
        type=Path,
        required=True,
        help=_("CSV file: task_id,department,uscc,window_start,window_end,unannounced."),
    )
    parser.add_argument("--output", type=Path, required=True, help=_("CSV file to write."))


def handle_merge(command: BaseCommand, options: dict[str, Any]) -> None:
    tasks = parse_tasks(read_rows(options["tasks"], TASK_COLUMNS))
    try:
        visits = merge_on_calendar(tasks)
    except NoWorkingDayError as stranded:
        raise CommandError(
            _("No working day in the window of task(s) %(ids)s; no file was written.")
            % {"ids": "、".join(stranded.task_ids)}
        ) from None
    write_csv(options["output"], VISIT_COLUMNS, visit_rows(visits))
    command.stdout.write(
        _("%(tasks)s tasks in %(visits)s visits, written to %(path)s.")
        % {"tasks": len(tasks), "visits": len(visits), "path": options["output"]}
    )


SAMPLE = Subcommand(
    "sample",
    gettext_lazy(
        "Draw enterprises by credit class: exactly ceil(ratio × count) of each class, "
        "reproducible from the seed."
    ),
    add_sample_arguments,
    handle_sample,
)
MERGE = Subcommand(
    "merge",
    gettext_lazy("Merge inspection tasks into the fewest visits, on working days."),
    add_merge_arguments,
    handle_merge,
)
