-- A data version per cycle, in place of the one counter of 000011: a write
-- to a cycle's data now makes the servers read again that cycle alone, not
-- every cycle. Each cycle has two counters, bumped in the writing
-- transaction itself, at its commit:
--
--   data  counts every committed write to what the cycle is loaded from;
--   plan  is the value data took at the last write to the plan itself
--         (centres, objectives, activities, indicators, targets, periods,
--         the cycle's rules): a save of progress leaves it alone.
--
-- A server keeps a cycle with the counters it was read at. It serves the
-- kept cycle while data is unchanged; a save of progress, which needs the
-- plan but not the other objectives' figures, may use it while plan is
-- unchanged (docs/architecture.md, "The kept cycles").
--
-- The triggers are statement-level: each write statement names the cycles
-- its rows belong to (one query over the statement's transition table,
-- whatever the number of rows) in cycle_touches, once per transaction and
-- cycle; a deferred trigger on cycle_touches bumps the counters at commit,
-- so the counters' row is locked only while the transaction commits and
-- managers saving at once do not wait for each other's whole transaction.

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'cycles', 'periods', 'centres', 'cycle_centres', 'submissions', 'objective_groups',
        'objectives', 'activities', 'activity_progress', 'indicators', 'indicator_values', 'indicator_targets', 'progress_reports',
        'period_reopenings', 'indicator_overrides'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_data_version', t);
    END LOOP;
END
$$;
DROP FUNCTION bump_data_version();
DROP TABLE data_version;

CREATE TABLE cycle_versions (
    cycle_id bigint PRIMARY KEY REFERENCES cycles (id) ON DELETE CASCADE,
    data bigint NOT NULL,
    plan bigint NOT NULL
);
COMMENT ON TABLE cycle_versions IS 'Per cycle: the count of committed writes to its data, and the count at the last write to its plan; the servers'' kept cycles are checked against them.';
INSERT INTO cycle_versions (cycle_id, data, plan) SELECT id, 1, 1 FROM cycles;

-- The cycles written by the transaction txid and not yet counted, and
-- whether their plan was: a row lives from the first write of the
-- transaction to the cycle until its commit (or its rollback, which takes
-- the row with it); the cycle's counters move once per transaction.
CREATE TABLE cycle_touches (
    txid bigint NOT NULL,
    cycle_id bigint NOT NULL,
    plan boolean NOT NULL,
    PRIMARY KEY (txid, cycle_id)
);

CREATE FUNCTION bump_cycle_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The row as it stands at commit: a write to the plan after one to
    -- the data, in the same transaction, set its plan.
    UPDATE cycle_versions v SET data = v.data + 1, plan = CASE WHEN t.plan THEN v.data + 1 ELSE v.plan END
    FROM cycle_touches t WHERE t.txid = NEW.txid AND t.cycle_id = NEW.cycle_id AND v.cycle_id = NEW.cycle_id;
    DELETE FROM cycle_touches WHERE txid = NEW.txid AND cycle_id = NEW.cycle_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION bump_cycle_version() IS 'Counts, at commit, a transaction''s writes to a cycle in cycle_versions (deferred trigger).';

CREATE CONSTRAINT TRIGGER cycle_touches_bump AFTER INSERT ON cycle_touches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cycle_version();

-- Per table, touch_<table>() names in cycle_touches the cycles of the rows
-- a statement wrote (the transition table "changed"): plan says whether the
-- table is part of the plan, query gives the cycle id of each row. A
-- function of its own per table keeps the query's plan cached.
DO $do$
DECLARE
    t record;
    op text;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('organisations', true, 'SELECT id FROM cycles'),
        ('centres', true, 'SELECT id FROM cycles'),
        ('cycles', true, 'SELECT id FROM changed'),
        ('periods', true, 'SELECT cycle_id FROM changed'),
        ('cycle_centres', true, 'SELECT cycle_id FROM changed'),
        ('objective_groups', true, 'SELECT cycle_id FROM changed'),
        ('objectives', true, 'SELECT cycle_id FROM changed'),
        ('activities', true, 'SELECT o.cycle_id FROM changed x JOIN objectives o ON o.id = x.objective_id'),
        ('indicators', true, 'SELECT o.cycle_id FROM changed x JOIN objectives o ON o.id = x.objective_id'),
        ('indicator_targets', true, 'SELECT p.cycle_id FROM changed x JOIN periods p ON p.id = x.period_id'),
        ('indicator_overrides', true, 'SELECT p.cycle_id FROM changed x JOIN periods p ON p.id = x.period_id'),
        ('submissions', false, 'SELECT cycle_id FROM changed'),
        ('period_reopenings', false, 'SELECT cycle_id FROM changed'),
        ('activity_progress', false, 'SELECT p.cycle_id FROM changed x JOIN periods p ON p.id = x.period_id'),
        ('indicator_values', false, 'SELECT p.cycle_id FROM changed x JOIN periods p ON p.id = x.period_id'),
        ('progress_reports', false, 'SELECT p.cycle_id FROM changed x JOIN periods p ON p.id = x.period_id')
    ) AS v (tab, plan, query) LOOP
        EXECUTE format($f$
            CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                %s
                INSERT INTO cycle_touches (txid, cycle_id, plan)
                SELECT DISTINCT txid_current(), c, %L::boolean FROM (%s) t (c) WHERE c IS NOT NULL
                ON CONFLICT (txid, cycle_id) DO UPDATE SET plan = true WHERE EXCLUDED.plan AND NOT cycle_touches.plan;
                RETURN NULL;
            END
            $body$
            $f$, 'touch_' || t.tab,
            -- A new cycle gets its counters.
            CASE t.tab WHEN 'cycles' THEN 'IF TG_OP = ''INSERT'' THEN INSERT INTO cycle_versions (cycle_id, data, plan) SELECT id, 1, 1 FROM changed; END IF;' ELSE '' END,
            t.plan, t.query);
        EXECUTE format('COMMENT ON FUNCTION %I() IS %L', 'touch_' || t.tab,
            'Notes in cycle_touches the cycles whose rows of ' || t.tab || ' a statement wrote (statement trigger, migration 000018).');
        FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS changed '
                'FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                t.tab || '_touch_' || lower(op), op, t.tab, CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END, 'touch_' || t.tab);
        END LOOP;
    END LOOP;
END
$do$;
