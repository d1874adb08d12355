-- The mid-year monitoring report ("Monitoraggio intermedio", art. 6 D.Lgs.
-- 150/2009): the director sends the report of a period to the Nucleo di
-- Valutazione, frozen at that moment (its PDF, with its SHA-256, like
-- report_versions in 000010), and the Nucleo records its observations on
-- the report of that period (sanitised rich text).

CREATE TABLE monitoring_reports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id     bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    period_id    bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    number       integer NOT NULL CHECK (number >= 1),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    sent_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    sent_by_name text NOT NULL,
    pdf          bytea NOT NULL,
    pdf_sha256   text NOT NULL,
    CONSTRAINT monitoring_reports_number_unique UNIQUE (period_id, number),
    CONSTRAINT monitoring_reports_pdf_hash CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
    CONSTRAINT monitoring_reports_pdf_is_pdf CHECK (substring(pdf FROM 1 FOR 5) = '\x255044462d'::bytea)
);
CREATE INDEX monitoring_reports_cycle ON monitoring_reports (cycle_id);
COMMENT ON TABLE monitoring_reports IS 'A mid-year monitoring report of a period sent by the director to the Nucleo di Valutazione, frozen as sent.';
COMMENT ON COLUMN monitoring_reports.number IS 'The sending''s number within its period: 1, 2, ...';
COMMENT ON COLUMN monitoring_reports.pdf IS 'The report''s PDF as sent: served byte for byte.';

-- A sent report is frozen: nothing of it changes, and it is deleted only
-- with its cycle or its period.
CREATE FUNCTION monitoring_reports_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'monitoring report % is frozen', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'monitoring_reports_frozen';
END $$;
CREATE TRIGGER monitoring_reports_frozen BEFORE UPDATE ON monitoring_reports
    FOR EACH ROW EXECUTE FUNCTION monitoring_reports_frozen();

CREATE TABLE monitoring_observations (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    monitoring_report_id bigint NOT NULL REFERENCES monitoring_reports (id) ON DELETE CASCADE,
    body_html            text NOT NULL CHECK (btrim(body_html) <> ''),
    at                   timestamptz NOT NULL DEFAULT now(),
    by_user              bigint REFERENCES users (id) ON DELETE SET NULL,
    by_name              text NOT NULL
);
CREATE INDEX monitoring_observations_report ON monitoring_observations (monitoring_report_id);
COMMENT ON TABLE monitoring_observations IS 'The Nucleo''s observations on a sent mid-year monitoring report.';
COMMENT ON COLUMN monitoring_observations.body_html IS 'The observation (sanitised rich text).';
