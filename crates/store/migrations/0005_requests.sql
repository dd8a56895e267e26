-- Request counts (terms v2 section 8): `service, start, end, good, total`
-- per row, imported with provenance like the other evidence, and as
-- immutable. Counts are whole numbers the importer bounds to 0..=2^63-1.
ALTER TABLE imports ADD COLUMN request_rows INTEGER NOT NULL DEFAULT 0;

CREATE TABLE request_counts (
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    service     TEXT NOT NULL,
    start_utc   INTEGER NOT NULL,
    end_utc     INTEGER NOT NULL,
    good        INTEGER NOT NULL CHECK (good >= 0),
    total       INTEGER NOT NULL CHECK (total >= good),
    PRIMARY KEY (import_id, sheet, row_number)
) STRICT;

CREATE TRIGGER request_counts_no_update BEFORE UPDATE ON request_counts
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
CREATE TRIGGER request_counts_no_delete BEFORE DELETE ON request_counts
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
