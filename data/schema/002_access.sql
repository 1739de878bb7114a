-- Schema version 2: who may see and change what (issue: sign-in, roles, audit).
--
-- One row per grant. role is viewer, steward or admin, scoped to one
-- partnership (scope = partnership_id) or to every partnership (scope = '*');
-- or role trustee, scoped to a trust (scope = the member organisation's name),
-- which reads every partnership that trust is a member of. A revoked grant is
-- kept with when and by whom it was revoked. Every change is also a batch
-- (action 'access'), so it appears in the audit trail.
CREATE TABLE IF NOT EXISTS access (
    email       VARCHAR NOT NULL,   -- lower case
    role        VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    granted_by  VARCHAR NOT NULL,
    revoked_at  TIMESTAMP,
    revoked_by  VARCHAR
);
