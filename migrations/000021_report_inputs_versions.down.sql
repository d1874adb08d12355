DO $$
DECLARE
    t text;
    op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_texts', 'report_versions', 'variations', 'report_comments'] LOOP
        FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
            EXECUTE format('DROP TRIGGER %I ON %I', t || '_touch_' || op, t);
        END LOOP;
        EXECUTE format('DROP FUNCTION %I()', 'touch_' || t);
    END LOOP;
END
$$;
