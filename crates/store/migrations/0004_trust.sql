-- SLA Ledger library, schema 4: trust.
--
-- * library_meta: facts fixed when the library was made (its random id, which
--   signed chain heads name so that a head cannot be replayed into another
--   library; whether it runs on a test clock). Written once, never changed.
-- * trusted_certificates: the organisation certificates this library's own
--   signatures chain to, pinned by SHA-256 when an identity is created or
--   imported. Append-only: replacing the identity adds a pin, so statements
--   signed before stay verifiable.
-- * chain_anchors: signed heads of the audit chain (seq, hash, time), like a
--   transparency log's signed tree head. Append-only; each one is a CMS
--   signature by the library's identity over the head's canonical text.
-- * claims: the credit ledger joins the immutable records. A claim is opened
--   by finalizing (eligible, for the statement's total); its amount,
--   statement, deadline and parties never change, its state moves only along
--   the allowed edges, a closed claim is frozen, and nothing is deleted.

CREATE TABLE library_meta (
    key    TEXT PRIMARY KEY CHECK (key IN ('library_id', 'clock')),
    value  TEXT NOT NULL
) STRICT;
INSERT INTO library_meta (key, value) VALUES ('library_id', lower(hex(randomblob(16))));

CREATE TABLE trusted_certificates (
    sha256     TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    cert_pem   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) STRICT;

CREATE TABLE chain_anchors (
    seq            INTEGER PRIMARY KEY,
    hash           TEXT NOT NULL,
    at             TEXT NOT NULL,
    signer_sha256  TEXT NOT NULL,
    signature      BLOB NOT NULL
) STRICT;

CREATE TRIGGER library_meta_no_update BEFORE UPDATE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
CREATE TRIGGER library_meta_no_delete BEFORE DELETE ON library_meta
BEGIN SELECT RAISE(ABORT, 'library facts are written once'); END;
CREATE TRIGGER trusted_certificates_no_update BEFORE UPDATE ON trusted_certificates
BEGIN SELECT RAISE(ABORT, 'pinned certificates are append-only'); END;
CREATE TRIGGER trusted_certificates_no_delete BEFORE DELETE ON trusted_certificates
BEGIN SELECT RAISE(ABORT, 'pinned certificates are append-only'); END;
CREATE TRIGGER chain_anchors_no_update BEFORE UPDATE ON chain_anchors
BEGIN SELECT RAISE(ABORT, 'signed chain heads are append-only'); END;
CREATE TRIGGER chain_anchors_no_delete BEFORE DELETE ON chain_anchors
BEGIN SELECT RAISE(ABORT, 'signed chain heads are append-only'); END;

CREATE TRIGGER claims_open_with_final BEFORE INSERT ON claims
WHEN NEW.state <> 'eligible'
  OR (SELECT status FROM statements WHERE id = NEW.statement_id) IS NOT 'final'
  OR NEW.amount IS NOT (SELECT total FROM statements WHERE id = NEW.statement_id)
BEGIN SELECT RAISE(ABORT, 'a claim is opened only by finalizing, eligible, for the statement''s total'); END;
CREATE TRIGGER claims_terms_frozen BEFORE UPDATE ON claims
WHEN NEW.id IS NOT OLD.id OR NEW.statement_id IS NOT OLD.statement_id
  OR NEW.contract_id IS NOT OLD.contract_id OR NEW.period IS NOT OLD.period
  OR NEW.direction IS NOT OLD.direction OR NEW.currency IS NOT OLD.currency
  OR NEW.amount IS NOT OLD.amount OR NEW.deadline IS NOT OLD.deadline
BEGIN SELECT RAISE(ABORT, 'a claim''s amount, statement and deadline never change'); END;
CREATE TRIGGER claims_state_edges BEFORE UPDATE OF state ON claims
WHEN NEW.state IS NOT OLD.state AND NOT (
     (OLD.state = 'eligible' AND NEW.state IN ('claimed', 'disputed', 'forfeited'))
  OR (OLD.state = 'claimed' AND NEW.state IN ('applied', 'disputed'))
  OR (OLD.state = 'disputed' AND NEW.state IN ('claimed', 'applied', 'forfeited')))
BEGIN SELECT RAISE(ABORT, 'a claim''s state moves only eligible -> claimed/disputed/forfeited, claimed -> applied/disputed, disputed -> claimed/applied/forfeited'); END;
CREATE TRIGGER claims_closed_frozen BEFORE UPDATE ON claims
WHEN OLD.state IN ('applied', 'forfeited') AND (
     NEW.state IS NOT OLD.state OR NEW.claimed_on IS NOT OLD.claimed_on
  OR NEW.claim_ref IS NOT OLD.claim_ref OR NEW.invoice_ref IS NOT OLD.invoice_ref)
BEGIN SELECT RAISE(ABORT, 'a closed claim (applied or forfeited) cannot change'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'credit claims are never deleted'); END;
