-- Per-library defaults the app offers (the name recorded as actor, the
-- default source label, the export folder). Settings are preferences, not
-- records: they may change, and every change is in the audit chain.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY CHECK (key IN ('actor', 'source_label', 'export_dir')),
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) STRICT;
