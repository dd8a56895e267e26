-- Maturity review (issue 18): a person's "reviewed" of a contract's terms
-- or an objective, for the version in force then. Append-only, like the
-- audit chain it is also recorded in: a review is a fact of its day.
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('contract', 'objective')),
    subject       TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    reviewed_at   TEXT NOT NULL,
    reviewed_by   TEXT NOT NULL,
    note          TEXT NOT NULL
) STRICT;
CREATE INDEX reviews_subject ON reviews (subject_kind, subject, reviewed_at);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review is a record: it is never changed'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review is a record: it is never changed'); END;

-- A team library's `four_eyes` fact may now be held by a folder library
-- too (issue 18): backups of a team library are SQLite libraries, and a
-- restore into PostgreSQL must find the fact again. A folder library does
-- not act on it (one person works it).
CREATE TABLE library_meta_v3 (
    key    TEXT PRIMARY KEY CHECK (key IN ('library_id', 'clock', 'sample', 'four_eyes')),
    value  TEXT NOT NULL
) STRICT;
INSERT INTO library_meta_v3 (key, value) SELECT key, value FROM library_meta;
DROP TABLE library_meta;
ALTER TABLE library_meta_v3 RENAME TO library_meta;
CREATE TRIGGER library_meta_no_update BEFORE UPDATE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
CREATE TRIGGER library_meta_no_delete BEFORE DELETE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
