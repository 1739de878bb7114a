-- Schema version 3: which partnerships each batch touched, so that the audit
-- trail shows an admin only the batches of the partnerships they administer.
--
-- partnerships holds partnership ids, and '*' when the batch changed shared
-- data (places, measures, benchmark figures) or a grant across partnerships.
-- Batches written before this version are traced through the rows they wrote
-- (every versioned row keeps its batch_id) and, for access changes, through
-- the grant's scope in the reason; a batch that cannot be traced keeps NULL,
-- which only an admin of every partnership sees.
ALTER TABLE batches ADD COLUMN partnerships VARCHAR[];

UPDATE batches SET partnerships = traced.partnerships
FROM (
    SELECT batch_id, list_sort(list_distinct(list(pid))) AS partnerships
    FROM (
        SELECT batch_id, partnership_id AS pid FROM goals
        UNION ALL SELECT batch_id, partnership_id FROM notes
        UNION ALL SELECT batch_id, partnership_id FROM actions
        UNION ALL SELECT batch_id, partnership_id FROM partnerships
        UNION ALL SELECT batch_id, '*' FROM places
        UNION ALL SELECT batch_id, '*' FROM measures
        UNION ALL SELECT o.batch_id, coalesce(hood.partnership_id, '*')
            FROM (SELECT DISTINCT batch_id, place_id FROM observations) o
            LEFT JOIN (SELECT partnership_id, unnest(places) AS place_id FROM partnerships WHERE superseded_at IS NULL) hood
                   ON hood.place_id = o.place_id
        UNION ALL SELECT batch_id,
                CASE WHEN reason LIKE 'grant trustee %' OR reason LIKE 'revoke trustee %' THEN '*'
                     ELSE regexp_extract(reason, ' on (.+) (to|from) [^ ]+$', 1) END
            FROM batches WHERE action = 'access'
    )
    WHERE pid IS NOT NULL AND pid <> ''
    GROUP BY batch_id
) AS traced
WHERE batches.batch_id = traced.batch_id;
