-- The notifications of an entry window that opened: a window opens by the
-- calendar, not by anyone's action, so the application records here which
-- manager was told that a period opened for which centre, and tells each
-- one once (the primary key), however often it looks.
CREATE TABLE window_notices (
    period_id       bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    cycle_centre_id bigint NOT NULL REFERENCES cycle_centres (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notified_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, cycle_centre_id, user_id)
);
CREATE INDEX window_notices_centre_idx ON window_notices (cycle_centre_id);
CREATE INDEX window_notices_user_idx ON window_notices (user_id);
COMMENT ON TABLE window_notices IS 'Avviso di apertura: a manager was told that a period opened for entry for a centre (once per period, centre and manager).';

-- The unread count of the menu, read with the account at each request.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
