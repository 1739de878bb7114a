-- Schema version 1: the store behind the dashboard.
--
-- Every kind a steward imports is kept with its history (docs/methods.md, "What did we know on that day?"):
-- a row is never updated in place or deleted. A revision closes the current row
-- (superseded_at) and inserts the new one, so "what did we know on day A" is
-- the rows with recorded_at <= A and (superseded_at IS NULL OR superseded_at > A).
-- Times are UTC, stored without a zone.

CREATE TABLE IF NOT EXISTS batches (
    batch_id      INTEGER PRIMARY KEY,   -- one import, edit or approval
    happened_at   TIMESTAMP NOT NULL,
    actor         VARCHAR NOT NULL,      -- who did it: a signed-in identity, "local" or "cli:<user>"
    action        VARCHAR NOT NULL,      -- import | edit | approve | seed | ...
    files         VARCHAR,               -- the files of an import, ; separated
    reason        VARCHAR,
    summary       VARCHAR                -- JSON: rows added / revised per kind
);

CREATE TABLE IF NOT EXISTS places (
    place_id      VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,
    parent_id     VARCHAR,
    code          VARCHAR,
    recorded_at   TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    batch_id      INTEGER NOT NULL,
    change_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS measures (
    measure_id     VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    domain         VARCHAR NOT NULL,
    unit           VARCHAR NOT NULL,
    direction      VARCHAR NOT NULL,
    min_value      DOUBLE,
    max_value      DOUBLE,
    suppress_below BIGINT,
    definition     VARCHAR NOT NULL,
    source         VARCHAR,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR
);

CREATE TABLE IF NOT EXISTS partnerships (
    partnership_id     VARCHAR NOT NULL,
    name               VARCHAR NOT NULL,
    places             VARCHAR[] NOT NULL,   -- neighbourhood place_ids, in the steward's order
    review_every_weeks BIGINT,
    members            VARCHAR[],
    description        VARCHAR,
    recorded_at        TIMESTAMP NOT NULL,
    superseded_at      TIMESTAMP,
    batch_id           INTEGER NOT NULL,
    change_reason      VARCHAR
);

CREATE TABLE IF NOT EXISTS goals (
    goal_id        VARCHAR NOT NULL,
    partnership_id VARCHAR NOT NULL,
    measure_id     VARCHAR NOT NULL,
    scope          VARCHAR NOT NULL,
    statement      VARCHAR NOT NULL,
    baseline_value DOUBLE NOT NULL,
    baseline_date  DATE NOT NULL,
    target_value   DOUBLE NOT NULL,
    target_date    DATE NOT NULL,
    stated_on      DATE NOT NULL,
    visibility     VARCHAR NOT NULL,
    owner          VARCHAR,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR               -- required when baseline, target or a date changed
);

-- Figures are stored as given. A figure cell that held a GSS symbol ("c",
-- "x", ...) keeps the symbol in <column>_symbol and NULL in the number.
-- figure is the value the methods judge: numerator / denominator x scale for
-- percent and rate_per_1000 when both are known, else value (docs/methods.md, "Units").
CREATE TABLE IF NOT EXISTS observations (
    measure_id         VARCHAR NOT NULL,
    place_id           VARCHAR NOT NULL,
    period_start       DATE NOT NULL,
    period_end         DATE NOT NULL,
    value              DOUBLE,
    numerator          DOUBLE,
    denominator        DOUBLE,
    sample_size        DOUBLE,
    std_dev            DOUBLE,
    value_symbol       VARCHAR,
    numerator_symbol   VARCHAR,
    denominator_symbol VARCHAR,
    sample_size_symbol VARCHAR,
    std_dev_symbol     VARCHAR,
    source             VARCHAR,
    provisional        BOOLEAN NOT NULL,
    figure             DOUBLE,
    recorded_at        TIMESTAMP NOT NULL,
    superseded_at      TIMESTAMP,
    batch_id           INTEGER NOT NULL,
    change_reason      VARCHAR
);

CREATE TABLE IF NOT EXISTS notes (
    note_id          VARCHAR NOT NULL,
    recorded_on      DATE NOT NULL,
    partnership_id   VARCHAR NOT NULL,
    place_id         VARCHAR,
    goal_id          VARCHAR,
    domain           VARCHAR NOT NULL,
    voice            VARCHAR NOT NULL,
    text             VARCHAR NOT NULL,
    source           VARCHAR,
    consent          VARCHAR NOT NULL,
    approved_wording VARCHAR,
    approved_by      VARCHAR,
    approved_on      DATE,
    recorded_at      TIMESTAMP NOT NULL,
    superseded_at    TIMESTAMP,
    batch_id         INTEGER NOT NULL,
    change_reason    VARCHAR
);

CREATE TABLE IF NOT EXISTS actions (
    action_id      VARCHAR NOT NULL,
    partnership_id VARCHAR NOT NULL,
    goal_id        VARCHAR,
    description    VARCHAR NOT NULL,
    owner          VARCHAR NOT NULL,
    agreed_on      DATE NOT NULL,
    due_on         DATE NOT NULL,
    status         VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    superseded_at  TIMESTAMP,
    batch_id       INTEGER NOT NULL,
    change_reason  VARCHAR
);

-- A delivery board's review. as_of is frozen the first time its pack is made
-- so the pack can be reproduced exactly (docs/methods.md, "What did we know on that day?").
CREATE TABLE IF NOT EXISTS reviews (
    partnership_id VARCHAR NOT NULL,
    review_date    DATE NOT NULL,
    as_of          TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (partnership_id, review_date)
);

-- Key-value facts about the store, e.g. data_version (bumped on every write,
-- the key the app's caches are invalidated by).
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT DO NOTHING;

-- The neighbourhoods and members of each partnership, one row each.
CREATE OR REPLACE VIEW partnership_places AS
    SELECT partnership_id, unnest(places) AS place_id, unnest(generate_series(1, len(places))) AS position
    FROM partnerships WHERE superseded_at IS NULL;
CREATE OR REPLACE VIEW partnership_members AS
    SELECT partnership_id, unnest(members) AS member, unnest(generate_series(1, len(members))) AS position
    FROM partnerships WHERE superseded_at IS NULL AND members IS NOT NULL;
