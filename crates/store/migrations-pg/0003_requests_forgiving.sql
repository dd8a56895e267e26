-- What SQLite's 0005-0007 add, for team libraries: request counts as
-- evidence (terms v2 section 8), withdrawn imports (issue 16), the locale
-- setting and the sample library's mark. The same guarantees: evidence
-- and withdrawals are immutable, enforced here by triggers.
ALTER TABLE imports ADD COLUMN request_rows BIGINT NOT NULL DEFAULT 0;

CREATE TABLE request_counts (
    rowid       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    import_id   BIGINT NOT NULL REFERENCES imports(id),
    sheet       TEXT COLLATE "C" NOT NULL,
    row_number  BIGINT NOT NULL,
    service     TEXT COLLATE "C" NOT NULL,
    start_utc   BIGINT NOT NULL,
    end_utc     BIGINT NOT NULL,
    good        BIGINT NOT NULL CHECK (good >= 0),
    total       BIGINT NOT NULL CHECK (total >= good),
    PRIMARY KEY (import_id, sheet, row_number)
);
CREATE TRIGGER request_counts_no_update BEFORE UPDATE ON request_counts FOR EACH ROW EXECUTE FUNCTION sla_refuse('imported evidence is immutable');
CREATE TRIGGER request_counts_no_delete BEFORE DELETE ON request_counts FOR EACH ROW EXECUTE FUNCTION sla_refuse('imported evidence is immutable');

CREATE TABLE import_withdrawals (
    import_id     BIGINT PRIMARY KEY REFERENCES imports(id),
    withdrawn_at  TEXT NOT NULL,
    withdrawn_by  TEXT NOT NULL,
    reason        TEXT NOT NULL
);
CREATE TRIGGER import_withdrawals_no_update BEFORE UPDATE ON import_withdrawals FOR EACH ROW EXECUTE FUNCTION sla_refuse('a withdrawal is final');
CREATE TRIGGER import_withdrawals_no_delete BEFORE DELETE ON import_withdrawals FOR EACH ROW EXECUTE FUNCTION sla_refuse('a withdrawal is final');

ALTER TABLE settings DROP CONSTRAINT settings_key_check;
ALTER TABLE settings ADD CONSTRAINT settings_key_check CHECK (key IN ('actor', 'source_label', 'export_dir', 'locale'));
ALTER TABLE library_meta DROP CONSTRAINT library_meta_key_check;
ALTER TABLE library_meta ADD CONSTRAINT library_meta_key_check CHECK (key IN ('library_id', 'clock', 'four_eyes', 'sample'));

-- The roles see the new tables; preparers and approvers add to them (an
-- auditor still writes nothing). The function an administrator runs when
-- the migrating user could not create roles grants them too.
CREATE OR REPLACE FUNCTION sla_grant_team_roles() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['sla_auditor', 'sla_preparer', 'sla_approver'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE NOTICE 'cannot create role %: ask an administrator to run SELECT sla_grant_team_roles()', r;
                    RETURN;
                -- Another database of the cluster created it meanwhile.
                WHEN duplicate_object OR unique_violation THEN NULL;
            END;
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), r);
    END LOOP;
    FOREACH r IN ARRAY ARRAY['sla_preparer', 'sla_approver'] LOOP
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), r);
        EXECUTE format('GRANT INSERT ON contracts, contract_versions, contract_services, documents, document_blobs, imports, outages, maintenance, incident_events, statements, claims, audit, audit_head, settings, slo_versions, budget_policies, budget_exceptions, threshold_events, request_imports, requests, library_meta, trusted_certificates, chain_anchors, request_counts, import_withdrawals TO %I', r);
        -- Drafts are replaced (the trigger keeps finals); the chain's head
        -- moves; settings and claims change (claims only along their edges).
        EXECUTE format('GRANT DELETE ON statements, settings TO %I', r);
        EXECUTE format('GRANT UPDATE ON audit_head, settings, claims TO %I', r);
    END LOOP;
    -- Finalizing and restating are UPDATEs of statements: approvers only.
    GRANT UPDATE ON statements TO sla_approver;
END $$;

SELECT sla_grant_team_roles();
