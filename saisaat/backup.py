"""Full export of the database (Parquet per table, and one XLSX) and restore from such an export.

A restore builds a complete new database file beside the old one, checks it, and only then moves it
into place: a failed restore leaves the old database untouched.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from saisaat import store
from saisaat.auth import User, require
from saisaat.db import Database, DatabaseError
from saisaat.exports import xlsx_bytes
from saisaat.i18n import Message, MessageError

XLSX_MAX_ROWS = 1_048_575
MANIFEST = "saisaat-export.txt"


def table_frames(db: Database, tables: tuple[str, ...] = store.TABLES) -> dict[str, pa.Table]:
    """Every table (or those named, from store.TABLES) as Arrow, read whole."""
    cur = db.cursor()
    try:
        out = {}
        for t in tables:   # relation API: table names from the fixed list, no SQL text
            if t not in store.TABLES:
                raise ValueError(f"unknown table {t!r}")
            result = cur.table(t).arrow()
            out[t] = result.read_all() if isinstance(result, pa.RecordBatchReader) else result
        return out
    finally:
        cur.close()


def export_parquet(db: Database, out_dir: Path) -> list[Path]:
    """One Parquet file per table in `out_dir`, plus a manifest naming them (types kept exactly)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in table_frames(db).items():
        path = out_dir / f"{name}.parquet"
        pq.write_table(table, path)
        written.append(path)
    (out_dir / MANIFEST).write_text("\n".join(p.name for p in written) + "\n", encoding="utf-8")
    return written


def export_zip(db: Database) -> bytes:
    """The Parquet export as one ZIP (for a download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        names = []
        for name, table in table_frames(db).items():
            sink = io.BytesIO()
            pq.write_table(table, sink)
            z.writestr(f"{name}.parquet", sink.getvalue())
            names.append(f"{name}.parquet")
        z.writestr(MANIFEST, "\n".join(names) + "\n")
    return buf.getvalue()


def export_xlsx(db: Database) -> bytes:
    """Every table as a sheet (a table too large for Excel is cut, and its first row says so)."""
    sheets = {}
    for name, table in table_frames(db).items():
        frame = table.to_pandas()
        if len(frame) > XLSX_MAX_ROWS:
            frame = frame.head(XLSX_MAX_ROWS - 1)
        sheets[name] = frame
    return xlsx_bytes(sheets)


class RestoreRefused(MessageError):
    pass


def _read_table(name: str, read) -> pa.Table:
    """One table of an export; a damaged or foreign file is refused naming the table."""
    try:
        return read()
    except (pa.ArrowException, OSError, zipfile.BadZipFile, zlib.error) as exc:
        raise RestoreRefused(Message("backup_table_unreadable", table=name)) from exc


def _default_calendar():
    from saisaat import reference
    return reference.inspection_calendar()


def _default_deadlines():
    from saisaat import reference
    return reference.plan_deadlines()


# Tables an export made before they existed lacks: restored with the defaults the app used until then.
_DEFAULTED = {"inspection_calendar": _default_calendar, "plan_deadlines": _default_deadlines}


def read_export(source: Path | bytes) -> dict[str, pa.Table]:
    """The tables of an export folder or ZIP; refused when a table is missing or unreadable (an export
    from before the calendar was configuration gets the default calendar and plan deadlines)."""
    tables = {}
    if isinstance(source, Path) and source.is_file():
        source = source.read_bytes()
    if isinstance(source, (bytes, bytearray)):
        try:
            with zipfile.ZipFile(io.BytesIO(source)) as z:
                names = set(z.namelist())
                for t in store.TABLES:
                    if f"{t}.parquet" in names:
                        tables[t] = _read_table(t, lambda t=t: pq.read_table(io.BytesIO(z.read(f"{t}.parquet"))))
        except zipfile.BadZipFile as exc:
            raise RestoreRefused(Message("backup_not_zip")) from exc
    else:
        for t in store.TABLES:
            path = Path(source) / f"{t}.parquet"
            if path.exists():
                tables[t] = _read_table(t, lambda path=path: pq.read_table(path))
    for t, default in _DEFAULTED.items():   # an export made before these were configuration
        if t not in tables:
            tables[t] = pa.Table.from_pandas(default(), preserve_index=False)
    missing = [t for t in store.TABLES if t not in tables]
    if missing:
        raise RestoreRefused(Message("backup_incomplete", tables=", ".join(missing)))
    return tables


def restore(tables: dict[str, pa.Table], db_path: Path, *, by: User, trail: pa.Table | None = None) -> None:
    """Build a new database from an export and move it over `db_path` (whose connection must be
    closed), as `by`. Constraints check every row; any failure leaves the old file as it was.
    `trail`: the audit trail to keep instead of the export's (restore_over keeps the live one), so a
    restore never takes the record of changes back; the restore's own entry is added to it."""
    require(by, "restore")
    if trail is not None:
        tables = {**tables, "audit_log": trail}
    t = None   # the table being written, for the message
    try:
        with store.new_database(db_path) as cur:
            for t in store.TABLES:
                if tables[t].num_rows:
                    store.append(cur, t, tables[t].to_pandas())
            t = "audit_log"
            store.audit(cur, by, "restore", detail={
                "results": tables["results"].num_rows, "batches": tables["import_batches"].num_rows,
                "users": tables["users"].num_rows, "publications": tables["publications"].num_rows})
    except DatabaseError as exc:
        raise RestoreRefused(Message("backup_rows_invalid", table=t, detail=str(exc))) from exc


def restore_over(db: Database, tables: dict[str, pa.Table], *, by: User) -> None:
    """Restore an export over the open database `db` (closed here, after the role check): its tables
    replace every table but the audit trail, which is kept as it is and gets the restore's entry (a file
    with no schema yet takes the export's trail)."""
    require(by, "restore")
    trail = table_frames(db, ("audit_log",))["audit_log"] if db.has_schema() else None   # a new file: the export's
    db.close()
    restore(tables, db.path, by=by, trail=trail)
