-- Attaches a new, empty database file as `saisaat_snapshot`, the target of copy_database_to_snapshot.
-- $path: text, the snapshot's temporary file (in the snapshots folder, renamed once complete)
attach $path as saisaat_snapshot (read_write)
