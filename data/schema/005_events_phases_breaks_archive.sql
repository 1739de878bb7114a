-- Schema version 5 (issue 17): what a partnership did, when the process
-- changed, where a series breaks, and the board packs as they were made.
--
-- events, spc_phases and measure_breaks are import kinds, kept with their
-- history like every other (recorded_at, superseded_at, batch_id): who
-- recorded a change point is its batch's actor, in the audit trail.

-- Things a partnership did or that happened, drawn on goal charts. A public
-- event may appear on the public pages; an internal one never does.
CREATE TABLE IF NOT EXISTS events (
    event_id       VARCHAR NOT NULL,
    partnership_id VARCHAR NOT NULL,
    goal_id        VARCHAR,            -- NULL: every goal of the partnership
    date           DATE NOT NULL,
    title          VARCHAR NOT NULL,
    visibility     VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR
);

-- SPC change points: from start_date the process limits of a measure for a
-- scope (a neighbourhood, or a partnership for its partnership-wide figure)
-- are worked out afresh (NHSRplotthedots' rebase). Never made automatically.
CREATE TABLE IF NOT EXISTS spc_phases (
    measure_id     VARCHAR NOT NULL,
    place_id       VARCHAR NOT NULL,   -- a neighbourhood, or a partnership_id
    start_date     DATE NOT NULL,
    reason         VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR
);

-- Series breaks: a measure's figures before and after `date` cannot be
-- joined (a new definition, a gap in collection, a boundary change).
CREATE TABLE IF NOT EXISTS measure_breaks (
    measure_id     VARCHAR NOT NULL,
    date           DATE NOT NULL,
    reason         VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR
);

-- Each board pack as it was first made for a review: its bytes, the methods
-- version and parameters that computed it, its frozen as-of time and what it
-- said of each goal (JSON), so a reprint is the archive itself, whatever the
-- code says today. Written once, in an audited batch; never changed.
CREATE TABLE IF NOT EXISTS pack_archive (
    partnership_id  VARCHAR NOT NULL,
    review_date     DATE NOT NULL,
    as_of           TIMESTAMP NOT NULL,
    methods_version VARCHAR NOT NULL,
    methods         VARCHAR NOT NULL,  -- JSON: the parameters of that methods version
    summary         VARCHAR NOT NULL,  -- JSON: each goal's status line, as `status --json` gave it
    html            VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    archived_at     TIMESTAMP NOT NULL,
    batch_id        INTEGER NOT NULL,
    PRIMARY KEY (partnership_id, review_date)
);
