"""Command line: python -m saisaat {demo,info,...}. Run with --help for each command."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from saisaat.db import Database, DatabaseBusy, default_db_path


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None,
                   help="database file (default: $SAISAAT_DB or data/saisaat.duckdb)")


def cmd_demo(args) -> int:
    from saisaat.demo import DEMO_SEED, build_demo
    path = args.db or default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = build_demo(path, scale=args.scale, seed=DEMO_SEED if args.seed is None else args.seed)
    print(f"synthetic demo data ({args.scale}): {counts['units']:,} units, "
          f"{counts['results']:,} result rows → {path} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_info(args) -> int:
    from saisaat.info import as_text, describe
    path = args.db or default_db_path()
    if not path.exists():
        print(f"ไม่พบฐานข้อมูล {path} / no database at {path}: run `python -m saisaat demo` first",
              file=sys.stderr)
        return 2
    with Database(path, read_only=True) as db:
        info = describe(db)
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.format == "json" else as_text(info))
    return 0


CLI_SCORE_COLUMNS = ["unit_code", "unit_kind", "points", "max_points", "score_pct", "reward_score",
                     "rank_in_kind", "tier"]


def cmd_scores(args) -> int:
    from saisaat import scoring
    from saisaat.rulesets import RulesetError
    path = args.db or default_db_path()
    if not path.exists():
        print(f"ไม่พบฐานข้อมูล {path} / no database at {path}: run `python -m saisaat demo` first",
              file=sys.stderr)
        return 2
    with Database(path, read_only=True) as db:
        try:
            ruleset = scoring.resolve_ruleset(db, args.fiscal_year, args.ruleset)
        except RulesetError as exc:
            print(exc, file=sys.stderr)
            return 2
        table = scoring.unit_scores(db, ruleset, args.fiscal_year)[CLI_SCORE_COLUMNS]
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        sys.stdout.write(table.to_csv(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m saisaat",
                                     description="ใสสะอาด: transparency-indicator warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the synthetic demo database (replaces the file)")
    _db_arg(p)
    p.add_argument("--scale", choices=("bma", "national"), default="bma",
                   help="bma: the 70 BMA units; national: about 8,000 synthetic units (benchmarks)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default 2545)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="print what a database holds")
    _db_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("scores", help="one row per unit: score, 1–5 reward score, rank, tier")
    _db_arg(p)
    p.add_argument("--fiscal-year", type=int, required=True, help="Buddhist era, e.g. 2568")
    p.add_argument("--ruleset", default=None,
                   help="a ruleset file, a stored ruleset code, a saved scenario's name, or a preset "
                        "(official, binary, grades); default: the official rules of that year")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_scores)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DatabaseBusy as exc:
        print(exc, file=sys.stderr)
        return 3
