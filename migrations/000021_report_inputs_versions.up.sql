-- What the Relazione and the dashboard's calendar read besides the cycle
-- (the director's texts, the plan's variations, the report's versions and
-- the Nucleo's comments on them) moves the cycle's data counter too (not
-- its plan's): a server keeps the pages drawn from them with the kept
-- cycle, for its data version, and reads none of them per request. Same
-- statement triggers as 000018's.
DO $do$
DECLARE
    t record;
    op text;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('report_texts', 'SELECT cycle_id FROM changed'),
        ('report_versions', 'SELECT cycle_id FROM changed'),
        ('variations', 'SELECT cycle_id FROM changed'),
        ('report_comments', 'SELECT v.cycle_id FROM changed x JOIN report_versions v ON v.id = x.report_id')
    ) AS v (tab, query) LOOP
        EXECUTE format($f$
            CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                INSERT INTO cycle_touches (txid, cycle_id, plan)
                SELECT DISTINCT txid_current(), c, false FROM (%s) t (c) WHERE c IS NOT NULL
                ON CONFLICT DO NOTHING;
                RETURN NULL;
            END
            $body$
            $f$, 'touch_' || t.tab, t.query);
        EXECUTE format('COMMENT ON FUNCTION %I() IS %L', 'touch_' || t.tab,
            'Notes in cycle_touches the cycles whose rows of ' || t.tab || ' a statement wrote (statement trigger, migration 000021).');
        FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS changed '
                'FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                t.tab || '_touch_' || lower(op), op, t.tab, CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END, 'touch_' || t.tab);
        END LOOP;
    END LOOP;
END
$do$;
