"""``python -m bench``: province-scale (or county-scale smoke) benchmarks, each beside its reference.

Every figure is a ratio of two things measured in the same run on the same machine (page ÷ the
raw-row SQL of its figures, list endpoint ÷ a no-database endpoint on the same server, routing ÷ no-op tasks on the same
worker and broker, COPY ÷ bulk_create on the same rows), so a busy machine moves both sides.
Absolute figures (p95 of the visit form, seconds of a 100,000-row import) are reported with the
machine's load beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import traceback
from datetime import datetime

from bench.data import measure_copy_vs_bulk, measure_import
from bench.harness import (
    RESULTS,
    ROOT,
    SETTINGS,
    TARGETS,
    Pending,
    django_setup,
    ensure_database,
    ensure_seeded,
    gunicorn,
    machine,
    say,
    set_passwords,
)
from bench.mixed import measure_mixed
from bench.results import verdicts, write_report
from bench.similar import measure_clustering, measure_similarity
from bench.web import measure_dashboards, measure_lists, measure_visit_posts
from bench.worker import measure_routing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Province-scale benchmarks (see docs/benchmarks.md)")
    parser.add_argument("--scale", choices=sorted(SETTINGS), default="province")
    parser.add_argument("--only", nargs="*", help="run only these steps: dashboards lists visit mixed routing import copy similar clustering report duty")
    parser.add_argument("--merge", action="store_true", help="keep the figures of steps not run from the last result")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/benchmarks.md from the last result")
    args = parser.parse_args(argv)
    if args.report_only:
        last = json.loads((RESULTS / "latest.json").read_text())
        last["verdicts"] = verdicts(last["figures"])
        write_report(last)
        return 0
    cfg = SETTINGS[args.scale]
    ensure_database()
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        say("make bench needs PostgreSQL: set DATABASE_URL (the Makefile's BENCH_DATABASE_URL).")
        return 2
    (ROOT / "var").mkdir(exist_ok=True)
    result = {"scale": args.scale, "started_at": datetime.now().astimezone().isoformat(timespec="seconds"), "settings": cfg}
    result["seed"] = ensure_seeded(args.scale)
    set_passwords()
    result["machine"] = machine()
    from bench.load import tool_name

    result["load_tool"] = tool_name()
    figures, details, errors = {}, {}, {}
    steps = args.only or ["copy", "import", "routing", "dashboards", "lists", "visit", "mixed", "similar", "clustering", "report", "duty"]

    def step(name, function, *a):
        say(f"· {name}")
        try:
            values = function(*a)
        except Pending as exc:
            errors[name] = f"pending: {exc}"
            say(f"  暂缺：{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - one broken step must not hide the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            return
        for key, value in values.items():
            (figures if not isinstance(value, dict) else details)[key] = value

    if "copy" in steps:
        step("copy", measure_copy_vs_bulk, cfg)
    if "import" in steps:
        step("import", measure_import, cfg)
    if "routing" in steps:
        step("routing", measure_routing, cfg)
    if {"dashboards", "lists", "visit", "mixed"} & set(steps):
        with gunicorn() as base:
            if "dashboards" in steps:
                step("dashboards", measure_dashboards, base, cfg)
            if "lists" in steps:
                step("lists", measure_lists, base, cfg)
            if "visit" in steps:
                step("visit", measure_visit_posts, base, cfg)
            if "mixed" in steps:
                step("mixed", measure_mixed, base, cfg, args.scale)
    if "similar" in steps:
        step("similar", measure_similarity, cfg)
    if "clustering" in steps:
        step("clustering", measure_clustering, cfg)
    if "report" in steps:  # the campaign report (bench/report.py)
        from bench.report import TARGETS as REPORT_TARGETS
        from bench.report import measure_report

        TARGETS.update(REPORT_TARGETS)
        step("report", measure_report, cfg, say)
    if "duty" in steps:  # duty points (bench/duty.py, issue #21)
        from bench.duty import TARGETS as DUTY_TARGETS
        from bench.duty import measure_duty

        TARGETS.update(DUTY_TARGETS)
        step("duty", measure_duty, cfg)
    result["machine"]["load_average_end"] = list(os.getloadavg())
    result["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    if args.merge and (RESULTS / "latest.json").exists():
        # A re-run of some steps (a feature landed later) keeps the other steps' figures of the last run.
        last = json.loads((RESULTS / "latest.json").read_text())
        figures = {**last.get("figures", {}), **figures}
        details = {**last.get("details", {}), **details}
        result["rerun_steps"] = steps
    result["figures"] = figures
    result["details"] = details
    result["errors"] = errors
    result["verdicts"] = verdicts(figures)
    write_report(result)
    say(json.dumps({"figures": figures, "verdicts": result["verdicts"], "errors": errors}, ensure_ascii=False, indent=2))
    # Pending steps are not failures (the feature has not landed); a step that broke is.
    broken = {k: v for k, v in errors.items() if not v.startswith("pending")}
    return 1 if broken else 0
