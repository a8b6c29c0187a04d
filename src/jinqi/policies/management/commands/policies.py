"""`jinqi policies evaluate|match`: decide one profile, or recompute every stored match.

jinqi policies evaluate --policy CODE --profile FILE.json [--as-of DATE] [--version N]
jinqi policies match --all [--engine vector|duckdb|spark] [--export FILE.parquet]

With `--engine duckdb` or `spark` the profiles are written to the matching export (`--export`,
on storage every Spark executor reads, or a temporary file) and the engine scans it; the
matches are stored as always (docs/scale.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.core.commandline import ProgressBar, iso_date
from jinqi.policies.evaluation import decide, decision_json, profile_problems, version_of
from jinqi.policies.models import Policy, RuleVersion
from jinqi.policies.services import matches_recompute_all
from jinqi.rules.engines import ENGINES


class Command(BaseCommand):
    help = "Policies: evaluate a profile against a policy, or recompute the stored matches."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        evaluate = sub.add_parser(
            "evaluate", help=_("Print a policy's decision for a profile as JSON.")
        )
        evaluate.add_argument("--policy", required=True, metavar="CODE")
        evaluate.add_argument("--profile", required=True, type=Path, metavar="FILE.json")
        evaluate.add_argument("--as-of", type=iso_date, metavar="DATE")
        evaluate.add_argument("--version", type=int, metavar="N", dest="rule_version")
        match = sub.add_parser(
            "match", help=_("Recompute the stored matches of every live policy.")
        )
        match.add_argument("--all", action="store_true", required=True)
        match.add_argument(
            "--engine",
            choices=ENGINES,
            default="vector",
            help=_("Who evaluates the rules: this process, DuckDB or Apache Spark."),
        )
        match.add_argument(
            "--export",
            type=Path,
            metavar="FILE.parquet",
            help=_("Where the engine reads the profiles (a temporary file by default)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "evaluate":
            self.evaluate(options)
        else:
            self.match(options["engine"], options["export"])

    def evaluate(self, options: dict[str, Any]) -> None:
        policy = Policy.objects.filter(code=options["policy"]).first()
        if policy is None:
            raise CommandError(_("No policy with the code %(code)s.") % {"code": options["policy"]})
        try:
            values = json.loads(options["profile"].read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                _("The profile file cannot be read: %(error)s") % {"error": error}
            ) from None
        if not isinstance(values, dict):
            raise CommandError(_("The profile file must hold one JSON object of vocabulary keys."))
        try:
            version = version_of(policy, options["rule_version"])
        except RuleVersion.DoesNotExist:
            raise CommandError(
                _("The policy has no rule version %(number)s.")
                % {"number": options["rule_version"]}
            ) from None
        problems = profile_problems(values)
        if problems:
            raise CommandError("\n".join(problems))
        as_of = options["as_of"] or clock.today()
        explanation = decide(version, values, as_of)
        result = decision_json(policy, version, explanation, as_of, values)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def match(self, engine: str, export: Path | None) -> None:
        bar = ProgressBar(self.stderr, _("policies"))
        runs = matches_recompute_all(progress=bar, engine=engine, export=export)
        bar.finish()
        for run in runs:
            self.stdout.write(
                _("%(policy)s v%(version)s: %(eligible)s eligible, %(unknown)s possibly eligible")
                % {
                    "policy": run.policy.code,
                    "version": run.version.number,
                    "eligible": run.eligible,
                    "unknown": run.unknown,
                }
            )
