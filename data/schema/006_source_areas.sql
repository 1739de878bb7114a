-- Schema version 6 (issue 26): the official areas each publisher's file has
-- named, recorded by the import that read it, so an import of place_areas can
-- say when a code is "not seen in any source yet" (often a typo: a ward code
-- that exists nowhere gives its neighbourhood no figure, months later).
-- One row per area and source, from the first import that named it; never
-- revised (a name as first published).
CREATE TABLE IF NOT EXISTS source_areas (
    area_code   VARCHAR NOT NULL,
    name        VARCHAR,
    source      VARCHAR NOT NULL,   -- police-uk-street, met-ward-crime, fingertips, ees
    batch_id    INTEGER NOT NULL,   -- the import that first named it
    recorded_at TIMESTAMP NOT NULL
);
