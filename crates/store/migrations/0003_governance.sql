-- Governance (issue 6): service level objectives (OpenSLO YAML, one
-- version per change), the error-budget policy file, approved exceptions,
-- the history of policy thresholds crossed, and request counts for
-- request-based objectives. Everything here is append-only.

CREATE TABLE slo_versions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- The objective as one OpenSLO v1 SLO document, as we export it.
    yaml        TEXT NOT NULL,
    service     TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    UNIQUE (name, version)
) STRICT;

CREATE TABLE budget_policies (
    id          INTEGER PRIMARY KEY,
    -- The governance TOML (thresholds, temporary targets); the newest applies.
    toml        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL
) STRICT;

CREATE TABLE budget_exceptions (
    id          INTEGER PRIMARY KEY,
    slo         TEXT NOT NULL,
    start_utc   INTEGER NOT NULL,
    end_utc     INTEGER NOT NULL CHECK (end_utc > start_utc),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    approver    TEXT NOT NULL CHECK (length(trim(approver)) > 0),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;

CREATE TABLE threshold_events (
    id               INTEGER PRIMARY KEY,
    slo              TEXT NOT NULL,
    window_start     TEXT NOT NULL,
    consumed_percent TEXT NOT NULL,
    action           TEXT NOT NULL,
    owner            TEXT NOT NULL,
    since            TEXT,
    recorded_at      TEXT NOT NULL,
    UNIQUE (slo, window_start, consumed_percent)
) STRICT;

CREATE TABLE request_imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    source_label TEXT NOT NULL,
    importer     TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    rows         INTEGER NOT NULL
) STRICT;

CREATE TABLE requests (
    import_id   INTEGER NOT NULL REFERENCES request_imports(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    service     TEXT NOT NULL,
    start_utc   INTEGER NOT NULL,
    end_utc     INTEGER NOT NULL,
    good        INTEGER NOT NULL CHECK (good >= 0),
    total       INTEGER NOT NULL CHECK (total >= good),
    PRIMARY KEY (import_id, sheet, row_number)
) STRICT;
CREATE INDEX requests_by_service ON requests (service, start_utc);

CREATE TRIGGER slo_versions_no_update BEFORE UPDATE ON slo_versions
BEGIN SELECT RAISE(ABORT, 'objectives are versioned: import a new version'); END;
CREATE TRIGGER slo_versions_no_delete BEFORE DELETE ON slo_versions
BEGIN SELECT RAISE(ABORT, 'objectives are versioned: import a new version'); END;
CREATE TRIGGER budget_policies_no_update BEFORE UPDATE ON budget_policies
BEGIN SELECT RAISE(ABORT, 'budget policies are append-only'); END;
CREATE TRIGGER budget_policies_no_delete BEFORE DELETE ON budget_policies
BEGIN SELECT RAISE(ABORT, 'budget policies are append-only'); END;
CREATE TRIGGER budget_exceptions_no_update BEFORE UPDATE ON budget_exceptions
BEGIN SELECT RAISE(ABORT, 'approved exceptions are immutable'); END;
CREATE TRIGGER budget_exceptions_no_delete BEFORE DELETE ON budget_exceptions
BEGIN SELECT RAISE(ABORT, 'approved exceptions are immutable'); END;
CREATE TRIGGER threshold_events_no_update BEFORE UPDATE ON threshold_events
BEGIN SELECT RAISE(ABORT, 'threshold history is append-only'); END;
CREATE TRIGGER threshold_events_no_delete BEFORE DELETE ON threshold_events
BEGIN SELECT RAISE(ABORT, 'threshold history is append-only'); END;
CREATE TRIGGER request_imports_no_update BEFORE UPDATE ON request_imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
CREATE TRIGGER request_imports_no_delete BEFORE DELETE ON request_imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;
