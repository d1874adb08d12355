-- A reopening decides whether a centre may enter a period, and the loaded
-- cycle holds the latest of each (period, centre): a write to it bumps the
-- data version like a write to the rest of the cycle (000011).
CREATE CONSTRAINT TRIGGER period_reopenings_data_version AFTER INSERT OR UPDATE OR DELETE ON period_reopenings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
