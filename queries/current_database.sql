-- One row per connection: the catalog name of the database it opened, and whether it is read-only
-- (access_mode 'read_only': a replica's snapshot). No parameters.
select
    current_database() as database_name,
    current_setting('access_mode') = 'read_only' as is_read_only
