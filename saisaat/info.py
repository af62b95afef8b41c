"""What a database holds, for `python -m saisaat info`."""
from __future__ import annotations

import pandas as pd

from saisaat.db import Database


def describe(db: Database) -> dict:
    years = db.query("fiscal_years")
    with_results = years[years["num_results"] > 0]["fiscal_year"].tolist()
    return {
        "database": str(db.path),
        "units_by_kind": {r.unit_kind: int(r.num_units) for r in db.query("units_by_kind").itertuples()},
        "fiscal_years": {
            "first": int(years["fiscal_year"].min()),
            "last": int(years["fiscal_year"].max()),
            "with_results": [int(y) for y in with_results],
            "without_results": [int(y) for y in years[years["num_results"] == 0]["fiscal_year"]],
        },
        "frameworks": [
            {"framework_id": int(r.framework_id), "name_en": r.name_en,
             "first_fy": int(r.first_fy), "last_fy": None if pd.isna(r.last_fy) else int(r.last_fy),
             "objectives": int(r.num_objectives), "indicators": int(r.num_indicators)}
            for r in db.query("frameworks_by_id").itertuples()
        ],
        "indicators_per_unit": [
            {"framework_id": int(r.framework_id), "unit_kind": r.unit_kind,
             "indicators": int(r.num_indicators), "units": int(r.num_units)}
            for r in db.query("assignment_sizes_by_kind").itertuples()
        ],
        "result_rows": int(years["num_results"].sum()),
        "import_batches": [
            {"batch_id": int(r.batch_id), "source": r.source, "file_name": r.file_name,
             "imported_at": str(r.imported_at), "rows": int(r.row_count), "note": r.note}
            for r in db.query("import_batches_by_id").itertuples()
        ],
    }


def as_text(info: dict) -> str:
    fy = info["fiscal_years"]
    lines = [
        f"database: {info['database']}",
        "units: " + ", ".join(f"{n} {k}" for k, n in info["units_by_kind"].items()),
        f"fiscal years: {fy['first']}–{fy['last']} (BE); with results: {len(fy['with_results'])}"
        + (f"; without results: {', '.join(map(str, fy['without_results']))}" if fy["without_results"] else ""),
        "frameworks:",
    ]
    for f in info["frameworks"]:
        last = f["last_fy"] or "…"
        lines.append(f"  {f['framework_id']}: FY{f['first_fy']}–{last}, {f['objectives']} objectives, "
                     f"{f['indicators']} indicators — {f['name_en']}")
    lines.append("indicators per unit:")
    for a in info["indicators_per_unit"]:
        lines.append(f"  framework {a['framework_id']}, {a['unit_kind']}: {a['units']} units × {a['indicators']} indicators")
    lines.append(f"result rows: {info['result_rows']:,}")
    lines.append("import batches:")
    for b in info["import_batches"]:
        lines.append(f"  #{b['batch_id']} {b['source']} {b['file_name']} {b['imported_at']} {b['rows']:,} rows"
                     + (f" ({b['note']})" if b["note"] else ""))
    return "\n".join(lines)
