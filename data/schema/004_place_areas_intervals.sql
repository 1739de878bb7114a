-- Schema version 4: neighbourhoods made of official areas, and publishers' own
-- intervals (issue 14: real sources, real places).
--
-- place_areas: the official areas (GSS codes of output areas, LSOAs, MSOAs,
-- wards, local authorities) a place is made of, each valid from / to a date
-- (NULL: always). Kept with its history like every kind a steward imports.
CREATE TABLE IF NOT EXISTS place_areas (
    place_id      VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    valid_from    DATE,
    valid_to      DATE,
    recorded_at   TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    batch_id      INTEGER NOT NULL,
    change_reason VARCHAR
);

-- A publisher's own 95% interval for a figure (e.g. Fingertips), stored as
-- published and used instead of one computed here. NULL: none was given.
-- Added at the end of the table: existing rows keep every column they had.
ALTER TABLE observations ADD COLUMN IF NOT EXISTS ci_low DOUBLE;
ALTER TABLE observations ADD COLUMN IF NOT EXISTS ci_high DOUBLE;
