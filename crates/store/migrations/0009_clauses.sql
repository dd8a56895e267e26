-- Clause provenance (issue 18): the text of each attached document, page
-- by page, as extracted when it was attached (or why there is none), and
-- links from a contract version's term keys to a page and a quote of a
-- document. All append-only: a link is replaced by a newer one for the
-- same version and key, never edited.
CREATE TABLE document_text (
    sha256  TEXT PRIMARY KEY,
    status  TEXT NOT NULL CHECK (status IN ('text', 'no-text', 'not-pdf', 'unreadable')),
    detail  TEXT NOT NULL,
    pages   INTEGER NOT NULL CHECK (pages >= 0)
) STRICT;

CREATE TABLE document_pages (
    sha256  TEXT NOT NULL REFERENCES document_text(sha256),
    page    INTEGER NOT NULL CHECK (page >= 1),
    text    TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
) STRICT;

CREATE TABLE term_links (
    id               INTEGER PRIMARY KEY,
    version_id       INTEGER NOT NULL REFERENCES contract_versions(id),
    key              TEXT NOT NULL,
    document_sha256  TEXT NOT NULL REFERENCES document_text(sha256),
    page             INTEGER NOT NULL CHECK (page >= 1),
    quote            TEXT NOT NULL CHECK (length(quote) > 0),
    linked_at        TEXT NOT NULL,
    linked_by        TEXT NOT NULL
) STRICT;
CREATE INDEX term_links_version ON term_links (version_id, key);

CREATE TRIGGER document_text_no_update BEFORE UPDATE ON document_text
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;
CREATE TRIGGER document_text_no_delete BEFORE DELETE ON document_text
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;
CREATE TRIGGER document_pages_no_update BEFORE UPDATE ON document_pages
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;
CREATE TRIGGER document_pages_no_delete BEFORE DELETE ON document_pages
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;
CREATE TRIGGER term_links_no_update BEFORE UPDATE ON term_links
BEGIN SELECT RAISE(ABORT, 'a clause link is a record: link again to replace it'); END;
CREATE TRIGGER term_links_no_delete BEFORE DELETE ON term_links
BEGIN SELECT RAISE(ABORT, 'a clause link is a record: link again to replace it'); END;
