"""Command line: python -m saisaat {demo,info,...}. Run with --help for each command."""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from saisaat import auth
from saisaat.db import Database, DatabaseBusy, default_db_path
from saisaat.i18n import Message, MessageError, t


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None,
                   help="database file (default: $SAISAAT_DB or data/saisaat.duckdb)")


def _ruleset_args(p: argparse.ArgumentParser) -> None:
    """--db, --fiscal-year and --ruleset: the names resolved_ruleset understands."""
    _db_arg(p)
    p.add_argument("--fiscal-year", type=int, required=True, help="Buddhist era, e.g. 2568")
    p.add_argument("--ruleset", default=None,
                   help="a ruleset file, a stored ruleset code, a saved scenario's name, or a preset "
                        "(official, binary, grades); default: the official rules of that year")
def _by_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default=os.environ.get("USER") or "cli",
                   help="who acts, as the audit trail records it (default: $USER); marked as the CLI")


def acting(args) -> auth.User:
    """The command line acts as the secretariat's administrators (it has the database file); the audit
    trail records the OS user or --by, marked as the CLI."""
    return auth.cli_user(args.by)


class NoDatabase(MessageError):
    pass


def existing_db(args) -> Path:
    """The database a command reads or changes; it must exist (connecting would create an empty one)."""
    path = args.db or default_db_path()
    if not path.exists():
        raise NoDatabase(Message("cli_no_database", path=str(path)))
    return path


def cmd_demo(args) -> int:
    from saisaat.demo import DEMO_SEED, build_demo
    path = args.db or default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = build_demo(path, scale=args.scale, seed=DEMO_SEED if args.seed is None else args.seed,
                        by=acting(args))
    print(f"synthetic demo data ({args.scale}): {counts['units']:,} units, "
          f"{counts['results']:,} result rows → {path} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_info(args) -> int:
    from saisaat.info import as_text, describe
    path = existing_db(args)
    with Database(path, read_only=True) as db:
        info = describe(db)
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.format == "json" else as_text(info))
    return 0


CLI_SCORE_COLUMNS = ["unit_code", "unit_kind", "points", "max_points", "score_pct", "reward_score",
                     "rank_in_kind", "tier"]


class RulesetRefused(RuntimeError):
    pass


def resolved_ruleset(db: Database, args):
    """The ruleset `--ruleset` names for `--fiscal-year` (see scoring.resolve_ruleset); a ruleset
    that cannot be used is refused with its messages in both languages (exit code 2)."""
    from saisaat import scoring
    from saisaat.rulesets import RulesetError
    try:
        return scoring.resolve_ruleset(db, args.fiscal_year, args.ruleset)
    except RulesetError as exc:
        raise RulesetRefused(str(exc)) from exc


def cmd_scores(args) -> int:
    from saisaat import scoring
    with Database(existing_db(args), read_only=True) as db:
        ruleset = resolved_ruleset(db, args)
        table = scoring.unit_scores(db, ruleset, args.fiscal_year)[CLI_SCORE_COLUMNS]
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        sys.stdout.write(table.to_csv(index=False))
    return 0


def cmd_ruleset_export(args) -> int:
    from saisaat.rulesets import spec_json
    with Database(existing_db(args), read_only=True) as db:
        ruleset = resolved_ruleset(db, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(spec_json(ruleset.spec), encoding="utf-8")
    print(f"{ruleset.code} → {args.out}")
    return 0


def cmd_import(args) -> int:
    from saisaat import importer, store
    path = existing_db(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(Message("cli_cannot_open", file=str(args.file), detail=exc.strerror or str(exc)), file=sys.stderr)
        return 2
    with Database(path, read_only=args.dry_run) as db:
        if not args.dry_run:   # from 1 October the new fiscal year takes results, as in the app
            store.follow_the_calendar(db)
        plan = importer.plan_import(db, data, Path(args.file).name)
        problems = importer.all_problems(plan, replace=args.replace, reason=args.reason,
                                         ignore_columns=args.ignore_columns)
        print(f"{plan.file_name}: {plan.layout or '?'} layout, sheet '{plan.sheet}', {len(plan.rows):,} rows — "
              f"add {len(plan.added):,}, replace {len(plan.replaced):,}, unchanged {len(plan.unchanged):,}, "
              f"empty (not submitted) {plan.empty:,}, not applicable (—) {len(plan.not_applicable):,}")
        if args.ignore_columns:
            for column in plan.unknown_columns:
                print(f"- {column.ignored()}")
        if problems:
            print(Message("cli_refused", n=len(problems)), file=sys.stderr)
            for p in problems:
                print(f"- {p}", file=sys.stderr)
            if plan.unknown_columns and not args.ignore_columns:
                print(Message("cli_ignore_columns_hint"), file=sys.stderr)
            return 1
        if args.dry_run:
            print(Message("cli_dry_run"))
            return 0
        batch = importer.commit(db, plan, by=acting(args), replace=args.replace, reason=args.reason,
                                ignore_columns=args.ignore_columns)
    print(Message("cli_imported", batch=batch))
    return 0


def cmd_undo(args) -> int:
    from saisaat import importer
    with Database(existing_db(args)) as db:
        try:
            importer.undo(db, args.batch, by=acting(args))
        except importer.UndoRefused as exc:
            print(exc, file=sys.stderr)
            return 1
    print(Message("cli_undone", batch=args.batch))
    return 0


def cmd_export(args) -> int:
    from saisaat import backup
    with Database(existing_db(args), read_only=True) as db:
        written = backup.export_parquet(db, args.out)
        (args.out / "saisaat.xlsx").write_bytes(backup.export_xlsx(db))
    print(f"{len(written)} Parquet tables and saisaat.xlsx → {args.out}")
    return 0


def cmd_restore(args) -> int:
    from saisaat import backup
    path = args.db or default_db_path()
    try:
        tables = backup.read_export(args.source)
        with Database(path) as db:   # fails with a clear message while another process holds it
            backup.restore_over(db, tables, by=acting(args))
    except backup.RestoreRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"restored {args.source} → {path}")
    return 0


def cmd_snapshot(args) -> int:
    """Publish the database as a read-only snapshot for replicas (atomic: see store.write_snapshot)."""
    from saisaat import store
    with Database(existing_db(args), read_only=True) as db:
        written = store.write_snapshot(db.con, args.out)
    message = Message("cli_snapshot_written", path=str(written))
    print(f"{message.text('th')}\n{message.text('en')}")
    return 0


def cmd_report(args) -> int:
    from saisaat import documents, reports
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Database(existing_db(args), read_only=True) as db:
        if args.kind == "cabinet":
            summary = reports.cabinet_summary(db, args.fiscal_year, args.lang)
            stem = args.out / f"cabinet_summary_{args.fiscal_year}_{args.lang}"
            for suffix, render in ((".docx", documents.summary_docx), (".pdf", documents.summary_pdf),
                                   (".xlsx", documents.summary_xlsx)):
                stem.with_suffix(suffix).write_bytes(render(summary))
                print(stem.with_suffix(suffix))
        else:
            _report_cards(db, args, started)
    print(f"{time.perf_counter() - started:.1f} s")
    return 0


CARDS_TARGET_S = 600   # every unit's card at national scale (8,000 units), issue 12


def _report_cards(db, args, started: float) -> None:
    """Every unit's card as a ZIP (or `--sample N` units spread over the list), timed: the scores read, the
    figures (prepared here while the workers render), the rendering, cards a second, the CPU a card and,
    for a sample, the whole list at that rate beside the target."""
    from saisaat import analytics, documents, labels, reports
    everyone = analytics.assessed(db.query("unit_scores", fiscal_year=args.fiscal_year, inspection_round=None))
    everyone = everyone["unit_code"].tolist()
    units = everyone if not args.sample else everyone[::max(1, len(everyone) // args.sample)][:args.sample]
    total, each = reports.report_cards_one_by_one(db, args.fiscal_year, args.lang, units=units)
    read_s = time.perf_counter() - started
    figures_s = 0.0

    def timed(cards):
        nonlocal figures_s
        while True:
            at = time.perf_counter()
            card = next(cards, None)
            figures_s += time.perf_counter() - at
            if card is None:
                return
            yield card

    def told(done, n):
        if done % max(1, n // 10) < documents.CARDS_PER_RENDERING or done == n:
            print(f"  written: {done:,} of {n:,}", file=sys.stderr, flush=True)

    workers = documents.render_workers() if args.workers is None else args.workers
    path = args.out / f"report_cards_{args.fiscal_year}_{args.lang}.zip"
    path.write_bytes(documents.cards_zip(timed(each), args.fiscal_year, args.lang, labels.is_demo(db),
                                         progress=told, workers=workers, total=total))
    total_s = time.perf_counter() - started
    own, workers_cpu = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"{path} ({total:,} units)")
    where = f"{workers} worker processes" if workers > 1 else "in this process"
    rendering_s = total_s - read_s - figures_s
    print(f"scores read {read_s:.1f} s, figures {figures_s:.1f} s, rendering and writing {rendering_s:.1f} s "
          f"({where}), {total_s:.1f} s in all, {total / total_s:.1f} cards/s; CPU a card: "
          f"{1000 * (own.ru_utime + own.ru_stime) / total:.0f} ms here, "
          f"{1000 * (workers_cpu.ru_utime + workers_cpu.ru_stime) / total:.0f} ms in the workers")
    if total < len(everyone):
        whole = read_s + (total_s - read_s) * len(everyone) / total
        print(f"all {len(everyone):,} units at this rate: about {whole:.0f} s (the scores read once, the rest "
              f"{len(everyone) / total:.1f} times as long; target at national scale: <= {CARDS_TARGET_S} s)")


def _print_problems(problems) -> None:
    print(Message("cli_refused", n=len(problems)), file=sys.stderr)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)


def cmd_init(args) -> int:
    """A new database with a configuration and no results (the BMA's by default)."""
    from saisaat import configuration, store
    path = args.db or default_db_path()
    data = Path(args.config).read_bytes() if args.config else None
    plan = configuration.plan_new(data, Path(args.config).name if args.config else None)
    if plan.problems:
        _print_problems(plan.problems)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        store.init_database(path, plan, by=acting(args))
    except MessageError as exc:
        print(exc, file=sys.stderr)
        return 2
    c = plan.config
    print(Message("cli_init_done", path=str(path), units=len(c["units"]), indicators=len(c["indicators"]),
                  frameworks=len(c["frameworks"])))
    return 0


def cmd_config(args) -> int:
    from saisaat import configuration, store
    if args.action == "export":
        with Database(existing_db(args), read_only=True) as db:
            args.out.write_bytes(configuration.export_workbook(configuration.current(db)))
        print(args.out)
        return 0
    if args.action == "history":
        with Database(existing_db(args), read_only=True) as db:
            versions = db.query("configuration_versions_by_id").drop(columns="snapshot")
        sys.stdout.write(versions.to_csv(index=False))
        return 0
    with Database(existing_db(args), read_only=args.action == "import" and args.dry_run) as db:
        if args.action == "undo":
            try:
                plan = configuration.plan_undo(db, args.version)
                if plan.problems:
                    _print_problems(plan.problems)
                    return 1
                version = store.undo_configuration(db, plan, args.version, by=acting(args), reason=args.reason)
            except MessageError as exc:
                print(exc, file=sys.stderr)
                return 1
            print(Message("cli_config_undone", version=args.version, new=version))
            return 0
        plan = configuration.plan_configuration(db, Path(args.file).read_bytes(), Path(args.file).name)
        if plan.problems:
            _print_problems(plan.problems)
            return 1
        for change in configuration.changes_frame(plan, "en").itertuples():
            print(f"{change.part}: {change.change} {change.key} {change.detail}".rstrip())
        print(Message("cli_config_summary", **plan.summary))
        if not plan.has_changes:
            print(Message("cfg_nothing_to_change"))
            return 0
        if args.dry_run:
            print(Message("cli_dry_run"))
            return 0
        try:
            version = store.apply_configuration(db, plan, by=acting(args), reason=args.reason, rescore=args.rescore)
        except MessageError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(Message("cli_config_applied", version=version))
    return 0


def cmd_fonts(args) -> int:
    from saisaat import fonts
    print(fonts.ensure_installed())
def cmd_publish(args) -> int:
    from saisaat import store
    with Database(existing_db(args)) as db:
        try:
            if args.command == "publish":
                store.publish(db, args.fiscal_year, args.round, by=acting(args))
            else:
                store.unpublish(db, args.fiscal_year, args.round, by=acting(args), reason=args.reason)
        except MessageError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(Message(f"cli_{args.command}ed", fy=args.fiscal_year, round=args.round))
    return 0


def cmd_users(args) -> int:
    from saisaat import store
    with Database(existing_db(args), read_only=args.action == "list") as db:
        if args.action == "list":
            users = db.query("users_by_email")
            sys.stdout.write(users[["email", "role", "unit_codes", "own_drafts", "added_at", "added_by"]]
                             .to_csv(index=False))
            return 0
        try:
            if args.action == "add":
                store.save_user(db, args.email, args.role, args.unit or [], args.own_drafts, by=acting(args),
                                change=args.update)
            else:
                store.remove_user(db, args.email, by=acting(args))
        except MessageError as exc:
            print(exc, file=sys.stderr)
            return 1
    done = "removed" if args.action == "remove" else "changed" if args.update else "added"
    print(Message(f"cli_user_{done}", email=auth.normal_email(args.email)))
    return 0


def cmd_audit(args) -> int:
    from saisaat import exports
    with Database(existing_db(args), read_only=True) as db:
        entries = db.query("audit_log_by_id")
    data = exports.csv_bytes(entries)
    if args.out:
        args.out.write_bytes(data)
        print(f"{len(entries):,} audit entries → {args.out}")
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m saisaat",
                                     description=f"{t('app_short')}: transparency-indicator warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the synthetic demo database (replaces the file)")
    _db_arg(p)
    p.add_argument("--scale", choices=("bma", "national"), default="bma",
                   help="bma: the 70 BMA units; national: about 8,000 synthetic units (benchmarks)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default 2545)")
    _by_arg(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("init", help="make a database with a configuration and no results (a real centre)")
    _db_arg(p)
    p.add_argument("--config", type=Path, default=None, help="a configuration workbook (default: the BMA's)")
    _by_arg(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("config", help="the configuration workbook: export, import (check, preview, apply), "
                                      "history, undo")
    csub = p.add_subparsers(dest="action", required=True)
    q = csub.add_parser("export", help="write the configuration as a workbook")
    q.add_argument("--out", type=Path, required=True)
    _db_arg(q)
    q = csub.add_parser("import", help="check a configuration workbook, show what changes, apply it")
    q.add_argument("file", type=Path)
    _db_arg(q)
    q.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    q.add_argument("--reason", default=None, help="why the configuration changes")
    q.add_argument("--rescore", action="store_true",
                   help="confirm that stored results whose points the new rules change are scored again")
    _by_arg(q)
    q = csub.add_parser("history", help="list the configuration versions")
    _db_arg(q)
    q = csub.add_parser("undo", help="undo the latest configuration version")
    q.add_argument("version", type=int)
    _db_arg(q)
    q.add_argument("--reason", default=None)
    _by_arg(q)
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("info", help="print what a database holds")
    _db_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("scores", help="one row per unit: score, 1–5 reward score, rank, tier")
    _ruleset_args(p)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_scores)

    p = sub.add_parser("ruleset", help="ruleset files")
    rs_sub = p.add_subparsers(dest="ruleset_command", required=True)
    p = rs_sub.add_parser("export", help="write a preset, stored ruleset or saved scenario as a ruleset file (JSON)")
    _ruleset_args(p)
    p.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    p.set_defaults(func=cmd_ruleset_export)

    p = sub.add_parser("import", help="import inspection results (XLSX or CSV), all or nothing")
    p.add_argument("file", type=Path)
    _db_arg(p)
    p.add_argument("--replace", action="store_true", help="allow changing stored results (needs --reason)")
    p.add_argument("--reason", default=None, help="why stored results are replaced")
    _by_arg(p)
    p.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    p.add_argument("--ignore-columns", action="store_true",
                   help="import without the columns that are not part of the format (they are listed)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("undo", help="undo an import batch (restores exactly what it replaced)")
    p.add_argument("batch", type=int)
    _db_arg(p)
    _by_arg(p)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("export", help="export every table (Parquet per table, and one XLSX)")
    p.add_argument("--out", type=Path, required=True)
    _db_arg(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("restore", help="replace the database with an export (folder of Parquet files or ZIP)")
    p.add_argument("source", type=Path)
    _db_arg(p)
    _by_arg(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("publish", help="publish a period's results: everyone sees them from now on")
    p.add_argument("--fiscal-year", type=int, required=True, help="Buddhist era, e.g. 2569")
    p.add_argument("--round", type=int, choices=(1, 2), required=True)
    _db_arg(p)
    _by_arg(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("unpublish", help="take a published period back to draft, with a reason")
    p.add_argument("--fiscal-year", type=int, required=True, help="Buddhist era, e.g. 2569")
    p.add_argument("--round", type=int, choices=(1, 2), required=True)
    p.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    _db_arg(p)
    _by_arg(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("users", help="who may sign in, and as what: users add | list | remove")
    users = p.add_subparsers(dest="action", required=True)
    u = users.add_parser("add", help="register a user (--update: change a registered one)")
    u.add_argument("email")
    u.add_argument("--role", required=True, choices=auth.ROLES)
    u.add_argument("--unit", action="append", help="unit code: a unit user's unit; an inspector's units "
                                                   "(repeat --unit for each)")
    u.add_argument("--own-drafts", action="store_true", help="a unit user sees its own unit's drafts")
    u.add_argument("--update", action="store_true", help="change a registered user's role, units or drafts")
    _db_arg(u)
    _by_arg(u)
    u = users.add_parser("list", help="print every registered user (CSV)")
    _db_arg(u)
    u = users.add_parser("remove", help="remove a user (never the last secretariat user)")
    u.add_argument("email")
    _db_arg(u)
    _by_arg(u)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("audit", help="the audit trail as CSV (newest first)")
    p.add_argument("--out", type=Path, default=None, help="write to this file (default: print)")
    _db_arg(p)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("snapshot", help="publish the database as a read-only snapshot for replicas "
                                        "(SAISAAT_REPLICA_DIR=DIR on each replica)")
    p.add_argument("--out", type=Path, required=True, help="the snapshots folder")
    _db_arg(p)
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("report", help="write the cabinet / OCSC summary or the unit report cards")
    p.add_argument("kind", choices=("cabinet", "cards"))
    p.add_argument("--fiscal-year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--lang", choices=("th", "en"), default="th")
    p.add_argument("--sample", type=int, help="cards: only this many units, spread over the list (to time a "
                                              "large database; prints the whole list's time at that rate)")
    p.add_argument("--workers", type=int, help="cards: rendering processes (default: one per core; 1: this one)")
    _db_arg(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("fonts", help="derive Sarabun THSN (Sarabun at TH Sarabun New's size) and register it "
                                     "with fontconfig")
    p.set_defaults(func=cmd_fonts)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DatabaseBusy as exc:
        print(exc, file=sys.stderr)
        return 3
    except (NoDatabase, RulesetRefused) as exc:
        print(exc, file=sys.stderr)
        return 2
