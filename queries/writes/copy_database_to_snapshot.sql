-- Copies every table, view and macro of the working database into the attached `saisaat_snapshot`,
-- as one consistent read (a transaction). `working_database` is the working database's catalog name:
-- DuckDB cannot bind an identifier, so store.write_snapshot puts current_database() here, quoted as an
-- identifier (never a value typed by anyone).
copy from database working_database to saisaat_snapshot
