-- The reader's locale for numbers and dates on screens and statements
-- (issue 16): one more settings key. SQLite cannot change a CHECK in
-- place; the table is small and referenced by nothing, so it is rebuilt.
CREATE TABLE settings_v2 (
    key         TEXT PRIMARY KEY CHECK (key IN ('actor', 'source_label', 'export_dir', 'locale')),
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) STRICT;
INSERT INTO settings_v2 (key, value, updated_at, updated_by)
    SELECT key, value, updated_at, updated_by FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v2 RENAME TO settings;

-- A sample library (issue 16) says so for good: one more library fact.
CREATE TABLE library_meta_v2 (
    key    TEXT PRIMARY KEY CHECK (key IN ('library_id', 'clock', 'sample')),
    value  TEXT NOT NULL
) STRICT;
INSERT INTO library_meta_v2 (key, value) SELECT key, value FROM library_meta;
DROP TABLE library_meta;
ALTER TABLE library_meta_v2 RENAME TO library_meta;
CREATE TRIGGER library_meta_no_update BEFORE UPDATE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
CREATE TRIGGER library_meta_no_delete BEFORE DELETE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
