-- Forgiving (issue 16): an import that no final statement used can be
-- withdrawn. Its rows stay (evidence is immutable); the withdrawal is a
-- record of its own, as immutable, and month end no longer reads them.
CREATE TABLE import_withdrawals (
    import_id     INTEGER PRIMARY KEY REFERENCES imports(id),
    withdrawn_at  TEXT NOT NULL,
    withdrawn_by  TEXT NOT NULL,
    reason        TEXT NOT NULL
) STRICT;

CREATE TRIGGER import_withdrawals_no_update BEFORE UPDATE ON import_withdrawals
BEGIN SELECT RAISE(ABORT, 'a withdrawal is final'); END;
CREATE TRIGGER import_withdrawals_no_delete BEFORE DELETE ON import_withdrawals
BEGIN SELECT RAISE(ABORT, 'a withdrawal is final'); END;
