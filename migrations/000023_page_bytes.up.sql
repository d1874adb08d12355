-- What the Relazione and the dashboard's calendar read besides the cycle
-- (the director's texts, the plan's variations, the report's versions)
-- moves the cycle's data counter too (not its plan's): a server keeps the
-- pages drawn from them with the kept cycle, for its data version, and
-- reads none of them per request. Same functions and statement triggers
-- as 000022's.
DO $do$
DECLARE
    t text;
    op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_texts', 'report_versions', 'variations'] LOOP
        EXECUTE format($f$
            CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                INSERT INTO cycle_touches (txid, cycle_id, plan)
                SELECT DISTINCT txid_current(), c, false FROM (SELECT cycle_id FROM changed) t (c) WHERE c IS NOT NULL
                ON CONFLICT DO NOTHING;
                RETURN NULL;
            END
            $body$
            $f$, 'touch_' || t);
        EXECUTE format('COMMENT ON FUNCTION %I() IS %L', 'touch_' || t,
            'Notes in cycle_touches the cycles whose rows of ' || t || ' a statement wrote (statement trigger, migration 000023).');
        FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS changed '
                'FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                t || '_touch_' || lower(op), op, t, CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END, 'touch_' || t);
        END LOOP;
    END LOOP;
END
$do$;
