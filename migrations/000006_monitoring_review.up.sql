-- Monitoring review: each period's entry window, its reopening for one
-- centre, the submission of a (period, centre) and its review, and the
-- users' notifications.

-- The entry window of a period: from opens_on to closes_on, both included.
-- A period inserted without one gets the default: from its end date to 20
-- days after (periods_default_window), so every way of creating a period
-- (a new cycle, a new period, an import, a carry-over) has one.
ALTER TABLE periods ADD COLUMN opens_on date, ADD COLUMN closes_on date;
UPDATE periods SET opens_on = ends_on, closes_on = ends_on + 20;
ALTER TABLE periods ALTER COLUMN opens_on SET NOT NULL, ALTER COLUMN closes_on SET NOT NULL,
    ADD CONSTRAINT periods_window_order CHECK (opens_on <= closes_on);
COMMENT ON COLUMN periods.opens_on IS 'First day the managers may enter the period''s progress.';
COMMENT ON COLUMN periods.closes_on IS 'Last day the managers may enter the period''s progress (the deadline).';

CREATE FUNCTION periods_default_window() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.opens_on := coalesce(NEW.opens_on, NEW.ends_on);
    NEW.closes_on := coalesce(NEW.closes_on, NEW.ends_on + 20);
    RETURN NEW;
END $$;
CREATE TRIGGER periods_default_window BEFORE INSERT ON periods
    FOR EACH ROW EXECUTE FUNCTION periods_default_window();

-- A period reopened for one centre of its cycle until a day, by the director.
CREATE TABLE period_reopenings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id       bigint NOT NULL,
    cycle_centre_id bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    until           date NOT NULL,
    reason          text NOT NULL CONSTRAINT period_reopenings_reason_given CHECK (btrim(reason) <> ''),
    by_user         bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT period_reopenings_period_fk FOREIGN KEY (period_id, cycle_id) REFERENCES periods (id, cycle_id) ON DELETE CASCADE,
    CONSTRAINT period_reopenings_centre_fk FOREIGN KEY (cycle_centre_id, cycle_id) REFERENCES cycle_centres (id, cycle_id) ON DELETE CASCADE
);
CREATE INDEX period_reopenings_lookup_idx ON period_reopenings (period_id, cycle_centre_id);
CREATE INDEX period_reopenings_centre_idx ON period_reopenings (cycle_centre_id);
COMMENT ON TABLE period_reopenings IS 'Riapertura: a period open again for one centre until a day, past its window; the latest counts.';

-- The submission of a centre's progress for a period and its review. No row:
-- the period is being filled in (in compilazione).
CREATE TABLE submissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id       bigint NOT NULL,
    cycle_centre_id bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    state           text NOT NULL CONSTRAINT submissions_state_known CHECK (state IN ('inviato', 'restituito', 'approvato')),
    comment         text NOT NULL DEFAULT '',
    submitted_at    timestamptz NOT NULL,
    submitted_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at     timestamptz,
    reviewed_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    version         integer NOT NULL DEFAULT 1 CONSTRAINT submissions_version_positive CHECK (version > 0),
    CONSTRAINT submissions_period_centre_unique UNIQUE (period_id, cycle_centre_id),
    CONSTRAINT submissions_period_fk FOREIGN KEY (period_id, cycle_id) REFERENCES periods (id, cycle_id) ON DELETE CASCADE,
    CONSTRAINT submissions_centre_fk FOREIGN KEY (cycle_centre_id, cycle_id) REFERENCES cycle_centres (id, cycle_id) ON DELETE CASCADE,
    CONSTRAINT submissions_reviewed CHECK ((state = 'inviato') = (reviewed_at IS NULL)),
    CONSTRAINT submissions_return_comment CHECK (state <> 'restituito' OR btrim(comment) <> '')
);
CREATE INDEX submissions_centre_idx ON submissions (cycle_centre_id);
COMMENT ON TABLE submissions IS 'Invio: a centre''s progress for a period, sent to the director (inviato), returned with a comment (restituito) or approved (approvato).';
COMMENT ON COLUMN submissions.version IS 'Incremented by every transition; a transition read at another version is refused.';

-- What a user is told in the application (and by e-mail when configured).
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    text       text NOT NULL CONSTRAINT notifications_text_given CHECK (btrim(text) <> ''),
    link       text NOT NULL DEFAULT '',
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
COMMENT ON TABLE notifications IS 'Notifica: a message for one user, with a link to what it is about; read_at once read.';
