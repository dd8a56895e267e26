-- A team library (issue 17): roles for preparer, approver and auditor,
-- enforced by grants, and four-eyes finalization enforced by a trigger.
--
-- The roles are NOLOGIN group roles; each person logs in as their own
-- database user and is made a member of one (see README, "A team library
-- on PostgreSQL"). Roles belong to the whole cluster, so they are created
-- only when missing, and only when the user migrating may create roles;
-- otherwise the grants wait for `sla_grant_team_roles()` to be run by
-- whoever may.
--
--   sla_auditor   reads everything, writes nothing (SELECT only)
--   sla_preparer  adds contracts and evidence, runs drafts, updates claims;
--                 cannot finalize or restate (no UPDATE on statements)
--   sla_approver  what a preparer does, and finalizes and restates

CREATE FUNCTION sla_grant_team_roles() RETURNS void LANGUAGE plpgsql AS $$
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
        EXECUTE format('GRANT INSERT ON contracts, contract_versions, contract_services, documents, document_blobs, imports, outages, maintenance, incident_events, statements, claims, audit, audit_head, settings, slo_versions, budget_policies, budget_exceptions, threshold_events, request_imports, requests, library_meta, trusted_certificates, chain_anchors TO %I', r);
        -- Drafts are replaced (the trigger keeps finals); the chain's head
        -- moves; settings and claims change (claims only along their edges).
        EXECUTE format('GRANT DELETE ON statements, settings TO %I', r);
        EXECUTE format('GRANT UPDATE ON audit_head, settings, claims TO %I', r);
    END LOOP;
    -- Finalizing and restating are UPDATEs of statements: approvers only.
    GRANT UPDATE ON statements TO sla_approver;
END $$;

SELECT sla_grant_team_roles();

-- Four eyes: a draft is finalized only by someone other than the person
-- who ran it (by name, and by database user). A restatement is computed and
-- sealed in one step by an approver, with a reason, so it is not held to
-- four eyes (the statement it corrects was). On unless the library fact
-- `four_eyes` is `off`, which can be written once, while the library is
-- empty (a one-person library).
CREATE FUNCTION sla_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' AND NEW.status = 'final' AND NEW.supersedes IS NULL
       AND coalesce((SELECT value FROM library_meta WHERE key = 'four_eyes'), 'on') <> 'off'
       AND (NEW.finalized_by = OLD.created_by OR OLD.created_by = session_user::text) THEN
        RAISE EXCEPTION 'four eyes: statement % was run by %, who may not also finalize it; another approver must', OLD.number, OLD.created_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER statements_four_eyes BEFORE UPDATE ON statements FOR EACH ROW EXECUTE FUNCTION sla_four_eyes();

-- Four-eyes can be switched off only while the library is empty: once
-- anything is recorded, the rule the team started with stays.
CREATE FUNCTION sla_four_eyes_setting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key = 'four_eyes' AND EXISTS (SELECT 1 FROM audit) THEN
        RAISE EXCEPTION 'four_eyes is set when a library is created, not once it holds records' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER library_meta_four_eyes BEFORE INSERT ON library_meta FOR EACH ROW EXECUTE FUNCTION sla_four_eyes_setting();

-- The audit chain names the database user: a team member's entries carry
-- their own login, whatever the program says. The library's owner (its
-- administrator, who also runs `library copy` and demos) may record others.
CREATE FUNCTION sla_audit_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user::text
       AND NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'audit'::regclass), 'MEMBER')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RAISE EXCEPTION 'the audit chain names the database user: % cannot record an entry as %', session_user, NEW.actor
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_names_the_user BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION sla_audit_actor();
