-- Schema version 7 (issue 22, finding 4): the ledger of published cells.
-- Every figure a publication showed (the static site, the app's zip, the
-- live public page), with the atoms it adds up and its additive parts, so
-- the next publication treats it as known to an intruder: suppression that
-- moves between two publications cannot let their union give a hidden
-- figure away. One row per cell and publication in which it first appeared
-- with these figures; never revised (what was shown stays shown).
CREATE TABLE IF NOT EXISTS published_cells (
    batch_id        INTEGER NOT NULL,   -- the publication (a batch in the audit trail)
    measure_id      VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,   -- place | partnership
    place_id        VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    places          VARCHAR[] NOT NULL, -- what it adds up: neighbourhoods, benchmark places or official areas
    unit            VARCHAR NOT NULL,
    value           DOUBLE,
    numerator       DOUBLE,
    denominator     DOUBLE,
    sample_size     DOUBLE,
    suppress_below  INTEGER
);
