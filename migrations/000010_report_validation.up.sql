-- The Relazione's lifecycle: the versions the director sends to the Nucleo
-- di Valutazione, the Nucleo's validation of each (outcome, date, text of
-- its act) with the report frozen at that moment (its PDF and its JSON v1
-- export, with their SHA-256), and the Nucleo's comments per objective with
-- the director's answers.

CREATE TABLE report_versions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id         bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    number           integer NOT NULL CHECK (number >= 1),
    state            text NOT NULL DEFAULT 'inviata',
    sent_at          timestamptz NOT NULL DEFAULT now(),
    sent_by          bigint REFERENCES users (id) ON DELETE SET NULL,
    sent_by_name     text NOT NULL,
    open_points      text[] NOT NULL DEFAULT '{}',
    validated_on     date,
    validated_at     timestamptz,
    validated_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    validated_by_name text,
    validation_html  text,
    pdf              bytea,
    pdf_sha256       text,
    json             bytea,
    json_sha256      text,
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT report_versions_number_unique UNIQUE (cycle_id, number),
    CONSTRAINT report_versions_state_known CHECK (state IN ('inviata', 'validata', 'validata con osservazioni', 'non validata')),
    -- A version is either sent and waiting, or decided with everything of
    -- the decision and the frozen report.
    CONSTRAINT report_versions_decision_complete CHECK (
        (state = 'inviata' AND validated_on IS NULL AND validation_html IS NULL AND pdf IS NULL AND json IS NULL)
        OR (state <> 'inviata' AND validated_on IS NOT NULL AND validated_at IS NOT NULL AND validated_by_name IS NOT NULL
            AND btrim(validation_html) <> '' AND pdf IS NOT NULL AND json IS NOT NULL)),
    -- The hashes are those of the bytes, whoever writes them.
    CONSTRAINT report_versions_pdf_hash CHECK (pdf IS NULL AND pdf_sha256 IS NULL OR pdf_sha256 = encode(sha256(pdf), 'hex')),
    CONSTRAINT report_versions_json_hash CHECK (json IS NULL AND json_sha256 IS NULL OR json_sha256 = encode(sha256(json), 'hex')),
    CONSTRAINT report_versions_pdf_is_pdf CHECK (pdf IS NULL OR substring(pdf FROM 1 FOR 5) = '\x255044462d'::bytea)
);
-- At most one version waits for the Nucleo at a time.
CREATE UNIQUE INDEX report_versions_one_pending ON report_versions (cycle_id) WHERE state = 'inviata';
COMMENT ON TABLE report_versions IS 'A version of a cycle''s Relazione sulla Performance sent by the director to the Nucleo di Valutazione, and the Nucleo''s decision on it.';
COMMENT ON COLUMN report_versions.number IS 'The version''s number within its cycle: 1, 2, ...';
COMMENT ON COLUMN report_versions.state IS 'inviata (waiting for the Nucleo), or the outcome: validata, validata con osservazioni, non validata.';
COMMENT ON COLUMN report_versions.open_points IS 'The coherence check''s open points the director confirmed when sending.';
COMMENT ON COLUMN report_versions.validated_on IS 'The date of the Nucleo''s act of validation.';
COMMENT ON COLUMN report_versions.validation_html IS 'The text of the Nucleo''s validation document (sanitised rich text).';
COMMENT ON COLUMN report_versions.pdf IS 'The report''s PDF frozen at the decision: served byte for byte.';
COMMENT ON COLUMN report_versions.json IS 'The cycle''s JSON v1 export frozen at the decision.';

-- A decided version is frozen: nothing of it changes any more, and it is
-- not deleted (its cycle, approved, cannot be deleted either).
CREATE FUNCTION report_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'inviata' THEN
        RAISE EXCEPTION 'report version % is frozen', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'report_versions_frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER report_versions_frozen BEFORE UPDATE OR DELETE ON report_versions
    FOR EACH ROW EXECUTE FUNCTION report_versions_frozen();

CREATE TABLE report_comments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES report_versions (id) ON DELETE CASCADE,
    objective_id    bigint REFERENCES objectives (id) ON DELETE SET NULL,
    objective_label text NOT NULL,
    body            text NOT NULL CHECK (btrim(body) <> ''),
    at              timestamptz NOT NULL DEFAULT now(),
    by_user         bigint REFERENCES users (id) ON DELETE SET NULL,
    by_name         text NOT NULL,
    answer          text CHECK (answer IS NULL OR btrim(answer) <> ''),
    answered_at     timestamptz,
    answered_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    answered_by_name text,
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT report_comments_answer_complete CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX report_comments_report ON report_comments (report_id);
CREATE INDEX report_comments_objective ON report_comments (objective_id);
COMMENT ON TABLE report_comments IS 'The Nucleo''s comments on an objective of a sent version of the report, and the director''s answer.';
COMMENT ON COLUMN report_comments.objective_label IS 'The objective as it read when commented (centre, number, title): kept if the objective goes.';
