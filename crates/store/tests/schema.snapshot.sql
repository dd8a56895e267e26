-- index one_draft_per_month
CREATE UNIQUE INDEX one_draft_per_month ON statements (contract_id, period) WHERE status = 'draft';

-- index one_final_per_month
CREATE UNIQUE INDEX one_final_per_month ON statements (contract_id, period) WHERE status = 'final';

-- index outages_by_service
CREATE INDEX outages_by_service ON outages (service, start_utc);

-- index requests_by_service
CREATE INDEX requests_by_service ON requests (service, start_utc);

-- index reviews_subject
CREATE INDEX reviews_subject ON reviews (subject_kind, subject, reviewed_at);

-- index statements_by_contract_period
CREATE INDEX statements_by_contract_period ON statements (contract_id, period);

-- index term_links_version
CREATE INDEX term_links_version ON term_links (version_id, key);

-- table audit
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

-- table audit_head
CREATE TABLE audit_head (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    seq    INTEGER NOT NULL,
    hash   TEXT NOT NULL
) STRICT;

-- table budget_exceptions
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

-- table budget_policies
CREATE TABLE budget_policies (
    id          INTEGER PRIMARY KEY,
    -- The governance TOML (thresholds, temporary targets); the newest applies.
    toml        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL
) STRICT;

-- table chain_anchors
CREATE TABLE chain_anchors (
    seq            INTEGER PRIMARY KEY,
    hash           TEXT NOT NULL,
    at             TEXT NOT NULL,
    signer_sha256  TEXT NOT NULL,
    signature      BLOB NOT NULL
) STRICT;

-- table claims
CREATE TABLE claims (
    id             INTEGER PRIMARY KEY,
    statement_id   INTEGER NOT NULL UNIQUE REFERENCES statements(id),
    contract_id    TEXT NOT NULL REFERENCES contracts(id),
    period         TEXT NOT NULL,
    direction      TEXT,
    currency       TEXT NOT NULL,
    amount         TEXT NOT NULL,
    deadline       TEXT,
    state          TEXT NOT NULL CHECK (state IN ('eligible', 'claimed', 'applied', 'forfeited', 'disputed')),
    claimed_on     TEXT,
    claim_ref      TEXT,
    invoice_ref    TEXT,
    note           TEXT,
    updated_at     TEXT NOT NULL
) STRICT;

-- table contract_services
CREATE TABLE contract_services (
    version_id   INTEGER NOT NULL REFERENCES contract_versions(id),
    service_id   TEXT NOT NULL,
    name         TEXT,
    monthly_fee  TEXT NOT NULL,
    PRIMARY KEY (version_id, service_id)
) STRICT;

-- table contract_versions
CREATE TABLE contract_versions (
    id             INTEGER PRIMARY KEY,
    contract_id    TEXT NOT NULL REFERENCES contracts(id),
    version        INTEGER NOT NULL CHECK (version >= 1),
    terms_toml     TEXT NOT NULL,
    terms_sha256   TEXT NOT NULL,
    -- Local dates (inclusive) the version applies to; applies_to NULL = open.
    applies_from   TEXT NOT NULL,
    applies_to     TEXT,
    title          TEXT,
    counterparty   TEXT,
    direction      TEXT CHECK (direction IN ('customer', 'vendor')),
    currency       TEXT NOT NULL,
    timezone       TEXT NOT NULL,
    owner          TEXT,
    governing_law  TEXT,
    sla_count      INTEGER NOT NULL,
    author         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (contract_id, version)
) STRICT;

-- table contracts
CREATE TABLE contracts (
    id          TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

-- table document_pages
CREATE TABLE document_pages (
    sha256  TEXT NOT NULL REFERENCES document_text(sha256),
    page    INTEGER NOT NULL CHECK (page >= 1),
    text    TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
) STRICT;

-- table document_text
CREATE TABLE document_text (
    sha256  TEXT PRIMARY KEY,
    status  TEXT NOT NULL CHECK (status IN ('text', 'no-text', 'not-pdf', 'unreadable')),
    detail  TEXT NOT NULL,
    pages   INTEGER NOT NULL CHECK (pages >= 0)
) STRICT;

-- table documents
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    contract_id  TEXT NOT NULL REFERENCES contracts(id),
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    UNIQUE (contract_id, sha256)
) STRICT;

-- table import_withdrawals
CREATE TABLE import_withdrawals (
    import_id     INTEGER PRIMARY KEY REFERENCES imports(id),
    withdrawn_at  TEXT NOT NULL,
    withdrawn_by  TEXT NOT NULL,
    reason        TEXT NOT NULL
) STRICT;

-- table imports
CREATE TABLE imports (
    id                INTEGER PRIMARY KEY,
    contract_id       TEXT NOT NULL REFERENCES contracts(id),
    file_name         TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    source_label      TEXT NOT NULL,
    importer          TEXT NOT NULL,
    imported_at       TEXT NOT NULL,
    outage_rows       INTEGER NOT NULL,
    maintenance_rows  INTEGER NOT NULL,
    incident_rows     INTEGER NOT NULL, request_rows INTEGER NOT NULL DEFAULT 0,
    UNIQUE (contract_id, sha256)
) STRICT;

-- table incident_events
CREATE TABLE incident_events (
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    incident    TEXT NOT NULL,
    service     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    at_utc      INTEGER NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (import_id, sheet, row_number)
) STRICT;

-- table library_meta
CREATE TABLE "library_meta" (
    key    TEXT PRIMARY KEY CHECK (key IN ('library_id', 'clock', 'sample', 'four_eyes')),
    value  TEXT NOT NULL
) STRICT;

-- table maintenance
CREATE TABLE maintenance (
    import_id     INTEGER NOT NULL REFERENCES imports(id),
    sheet         TEXT NOT NULL,
    row_number    INTEGER NOT NULL,
    service       TEXT NOT NULL,
    start_utc     INTEGER NOT NULL,
    end_utc       INTEGER NOT NULL,
    notified_utc  INTEGER,
    PRIMARY KEY (import_id, sheet, row_number)
) STRICT;

-- table outages
CREATE TABLE outages (
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    service     TEXT NOT NULL,
    start_utc   INTEGER NOT NULL,
    end_utc     INTEGER,
    impact      TEXT NOT NULL,
    cause       TEXT NOT NULL,
    source      TEXT NOT NULL,
    ref         TEXT NOT NULL,
    PRIMARY KEY (import_id, sheet, row_number)
) STRICT;

-- table request_counts
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

-- table request_imports
CREATE TABLE request_imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    source_label TEXT NOT NULL,
    importer     TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    rows         INTEGER NOT NULL
) STRICT;

-- table requests
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

-- table reviews
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('contract', 'objective')),
    subject       TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    reviewed_at   TEXT NOT NULL,
    reviewed_by   TEXT NOT NULL,
    note          TEXT NOT NULL
) STRICT;

-- table settings
CREATE TABLE "settings" (
    key         TEXT PRIMARY KEY CHECK (key IN ('actor', 'source_label', 'export_dir', 'locale')),
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) STRICT;

-- table slo_versions
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

-- table statements
CREATE TABLE statements (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    contract_id         TEXT NOT NULL REFERENCES contracts(id),
    period              TEXT NOT NULL,
    version_id          INTEGER NOT NULL REFERENCES contract_versions(id),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'final', 'superseded')),
    result_json         TEXT NOT NULL,
    inputs_json         TEXT NOT NULL,
    engine_version      TEXT NOT NULL,
    data_cutoff         TEXT NOT NULL,
    currency            TEXT NOT NULL,
    direction           TEXT,
    total               TEXT NOT NULL,
    breached            INTEGER NOT NULL,
    claim_deadline      TEXT,
    sha256              TEXT,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    finalized_at        TEXT,
    finalized_by        TEXT,
    supersedes          INTEGER REFERENCES statements(id),
    superseded_by       INTEGER REFERENCES statements(id),
    restatement_reason  TEXT,
    CHECK (status = 'draft' OR (sha256 IS NOT NULL AND finalized_at IS NOT NULL)),
    CHECK (status <> 'superseded' OR superseded_by IS NOT NULL)
) STRICT;

-- table term_links
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

-- table threshold_events
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

-- table trusted_certificates
CREATE TABLE trusted_certificates (
    sha256     TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    cert_pem   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) STRICT;

-- trigger audit_no_delete
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- trigger audit_no_update
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- trigger budget_exceptions_no_delete
CREATE TRIGGER budget_exceptions_no_delete BEFORE DELETE ON budget_exceptions
BEGIN SELECT RAISE(ABORT, 'approved exceptions are immutable'); END;

-- trigger budget_exceptions_no_update
CREATE TRIGGER budget_exceptions_no_update BEFORE UPDATE ON budget_exceptions
BEGIN SELECT RAISE(ABORT, 'approved exceptions are immutable'); END;

-- trigger budget_policies_no_delete
CREATE TRIGGER budget_policies_no_delete BEFORE DELETE ON budget_policies
BEGIN SELECT RAISE(ABORT, 'budget policies are append-only'); END;

-- trigger budget_policies_no_update
CREATE TRIGGER budget_policies_no_update BEFORE UPDATE ON budget_policies
BEGIN SELECT RAISE(ABORT, 'budget policies are append-only'); END;

-- trigger chain_anchors_no_delete
CREATE TRIGGER chain_anchors_no_delete BEFORE DELETE ON chain_anchors
BEGIN SELECT RAISE(ABORT, 'signed chain heads are append-only'); END;

-- trigger chain_anchors_no_update
CREATE TRIGGER chain_anchors_no_update BEFORE UPDATE ON chain_anchors
BEGIN SELECT RAISE(ABORT, 'signed chain heads are append-only'); END;

-- trigger claims_closed_frozen
CREATE TRIGGER claims_closed_frozen BEFORE UPDATE ON claims
WHEN OLD.state IN ('applied', 'forfeited') AND (
     NEW.state IS NOT OLD.state OR NEW.claimed_on IS NOT OLD.claimed_on
  OR NEW.claim_ref IS NOT OLD.claim_ref OR NEW.invoice_ref IS NOT OLD.invoice_ref)
BEGIN SELECT RAISE(ABORT, 'a closed claim (applied or forfeited) cannot change'); END;

-- trigger claims_no_delete
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'credit claims are never deleted'); END;

-- trigger claims_open_with_final
CREATE TRIGGER claims_open_with_final BEFORE INSERT ON claims
WHEN NEW.state <> 'eligible'
  OR (SELECT status FROM statements WHERE id = NEW.statement_id) IS NOT 'final'
  OR NEW.amount IS NOT (SELECT total FROM statements WHERE id = NEW.statement_id)
BEGIN SELECT RAISE(ABORT, 'a claim is opened only by finalizing, eligible, for the statement''s total'); END;

-- trigger claims_state_edges
CREATE TRIGGER claims_state_edges BEFORE UPDATE OF state ON claims
WHEN NEW.state IS NOT OLD.state AND NOT (
     (OLD.state = 'eligible' AND NEW.state IN ('claimed', 'disputed', 'forfeited'))
  OR (OLD.state = 'claimed' AND NEW.state IN ('applied', 'disputed'))
  OR (OLD.state = 'disputed' AND NEW.state IN ('claimed', 'applied', 'forfeited')))
BEGIN SELECT RAISE(ABORT, 'a claim''s state moves only eligible -> claimed/disputed/forfeited, claimed -> applied/disputed, disputed -> claimed/applied/forfeited'); END;

-- trigger claims_terms_frozen
CREATE TRIGGER claims_terms_frozen BEFORE UPDATE ON claims
WHEN NEW.id IS NOT OLD.id OR NEW.statement_id IS NOT OLD.statement_id
  OR NEW.contract_id IS NOT OLD.contract_id OR NEW.period IS NOT OLD.period
  OR NEW.direction IS NOT OLD.direction OR NEW.currency IS NOT OLD.currency
  OR NEW.amount IS NOT OLD.amount OR NEW.deadline IS NOT OLD.deadline
BEGIN SELECT RAISE(ABORT, 'a claim''s amount, statement and deadline never change'); END;

-- trigger contract_services_no_delete
CREATE TRIGGER contract_services_no_delete BEFORE DELETE ON contract_services
BEGIN SELECT RAISE(ABORT, 'contract versions are immutable'); END;

-- trigger contract_services_no_update
CREATE TRIGGER contract_services_no_update BEFORE UPDATE ON contract_services
BEGIN SELECT RAISE(ABORT, 'contract versions are immutable'); END;

-- trigger contract_versions_no_delete
CREATE TRIGGER contract_versions_no_delete BEFORE DELETE ON contract_versions
BEGIN SELECT RAISE(ABORT, 'contract versions are immutable'); END;

-- trigger contract_versions_no_update
CREATE TRIGGER contract_versions_no_update BEFORE UPDATE ON contract_versions
BEGIN SELECT RAISE(ABORT, 'contract versions are immutable: amend the contract to change its terms'); END;

-- trigger document_pages_no_delete
CREATE TRIGGER document_pages_no_delete BEFORE DELETE ON document_pages
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;

-- trigger document_pages_no_update
CREATE TRIGGER document_pages_no_update BEFORE UPDATE ON document_pages
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;

-- trigger document_text_no_delete
CREATE TRIGGER document_text_no_delete BEFORE DELETE ON document_text
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;

-- trigger document_text_no_update
CREATE TRIGGER document_text_no_update BEFORE UPDATE ON document_text
BEGIN SELECT RAISE(ABORT, 'a document''s text is a record: it is never changed'); END;

-- trigger documents_no_delete
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'attached documents are immutable'); END;

-- trigger documents_no_update
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'attached documents are immutable'); END;

-- trigger import_withdrawals_no_delete
CREATE TRIGGER import_withdrawals_no_delete BEFORE DELETE ON import_withdrawals
BEGIN SELECT RAISE(ABORT, 'a withdrawal is final'); END;

-- trigger import_withdrawals_no_update
CREATE TRIGGER import_withdrawals_no_update BEFORE UPDATE ON import_withdrawals
BEGIN SELECT RAISE(ABORT, 'a withdrawal is final'); END;

-- trigger imports_no_delete
CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger imports_no_update
CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger incident_events_no_delete
CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger incident_events_no_update
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger library_meta_no_delete
CREATE TRIGGER library_meta_no_delete BEFORE DELETE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;

-- trigger library_meta_no_update
CREATE TRIGGER library_meta_no_update BEFORE UPDATE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;

-- trigger maintenance_no_delete
CREATE TRIGGER maintenance_no_delete BEFORE DELETE ON maintenance
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger maintenance_no_update
CREATE TRIGGER maintenance_no_update BEFORE UPDATE ON maintenance
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger outages_no_delete
CREATE TRIGGER outages_no_delete BEFORE DELETE ON outages
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger outages_no_update
CREATE TRIGGER outages_no_update BEFORE UPDATE ON outages
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger request_counts_no_delete
CREATE TRIGGER request_counts_no_delete BEFORE DELETE ON request_counts
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger request_counts_no_update
CREATE TRIGGER request_counts_no_update BEFORE UPDATE ON request_counts
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger request_imports_no_delete
CREATE TRIGGER request_imports_no_delete BEFORE DELETE ON request_imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger request_imports_no_update
CREATE TRIGGER request_imports_no_update BEFORE UPDATE ON request_imports
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger requests_no_delete
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger requests_no_update
CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
BEGIN SELECT RAISE(ABORT, 'imported evidence is immutable'); END;

-- trigger reviews_no_delete
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review is a record: it is never changed'); END;

-- trigger reviews_no_update
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review is a record: it is never changed'); END;

-- trigger slo_versions_no_delete
CREATE TRIGGER slo_versions_no_delete BEFORE DELETE ON slo_versions
BEGIN SELECT RAISE(ABORT, 'objectives are versioned: import a new version'); END;

-- trigger slo_versions_no_update
CREATE TRIGGER slo_versions_no_update BEFORE UPDATE ON slo_versions
BEGIN SELECT RAISE(ABORT, 'objectives are versioned: import a new version'); END;

-- trigger statements_final_frozen
CREATE TRIGGER statements_final_frozen BEFORE UPDATE ON statements
WHEN OLD.status = 'superseded'
  OR (OLD.status = 'final' AND (
        NEW.status <> 'superseded' OR NEW.superseded_by IS NULL
     OR NEW.number IS NOT OLD.number OR NEW.contract_id IS NOT OLD.contract_id
     OR NEW.period IS NOT OLD.period OR NEW.version_id IS NOT OLD.version_id
     OR NEW.result_json IS NOT OLD.result_json OR NEW.inputs_json IS NOT OLD.inputs_json
     OR NEW.engine_version IS NOT OLD.engine_version OR NEW.data_cutoff IS NOT OLD.data_cutoff
     OR NEW.currency IS NOT OLD.currency OR NEW.direction IS NOT OLD.direction
     OR NEW.total IS NOT OLD.total OR NEW.breached IS NOT OLD.breached
     OR NEW.claim_deadline IS NOT OLD.claim_deadline OR NEW.sha256 IS NOT OLD.sha256
     OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
     OR NEW.finalized_at IS NOT OLD.finalized_at OR NEW.finalized_by IS NOT OLD.finalized_by
     OR NEW.supersedes IS NOT OLD.supersedes OR NEW.restatement_reason IS NOT OLD.restatement_reason))
BEGIN SELECT RAISE(ABORT, 'a final statement cannot be changed: restate it'); END;

-- trigger statements_final_no_delete
CREATE TRIGGER statements_final_no_delete BEFORE DELETE ON statements
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'a final statement cannot be deleted: restate it'); END;

-- trigger term_links_no_delete
CREATE TRIGGER term_links_no_delete BEFORE DELETE ON term_links
BEGIN SELECT RAISE(ABORT, 'a clause link is a record: link again to replace it'); END;

-- trigger term_links_no_update
CREATE TRIGGER term_links_no_update BEFORE UPDATE ON term_links
BEGIN SELECT RAISE(ABORT, 'a clause link is a record: link again to replace it'); END;

-- trigger threshold_events_no_delete
CREATE TRIGGER threshold_events_no_delete BEFORE DELETE ON threshold_events
BEGIN SELECT RAISE(ABORT, 'threshold history is append-only'); END;

-- trigger threshold_events_no_update
CREATE TRIGGER threshold_events_no_update BEFORE UPDATE ON threshold_events
BEGIN SELECT RAISE(ABORT, 'threshold history is append-only'); END;

-- trigger trusted_certificates_no_delete
CREATE TRIGGER trusted_certificates_no_delete BEFORE DELETE ON trusted_certificates
BEGIN SELECT RAISE(ABORT, 'pinned certificates are append-only'); END;

-- trigger trusted_certificates_no_update
CREATE TRIGGER trusted_certificates_no_update BEFORE UPDATE ON trusted_certificates
BEGIN SELECT RAISE(ABORT, 'pinned certificates are append-only'); END;
