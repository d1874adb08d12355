-- The adopted Piano della Performance, frozen: version 1 when the director
-- approves the plan, then one version for the variations decided since the
-- version before. Each keeps its PDF byte for byte with its SHA-256 (served
-- on the public page, like a validated Relazione's) and, in words, what it
-- changed. A version is never changed or deleted (its cycle, approved,
-- cannot be deleted either).
CREATE TABLE piano_versions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id          bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    number            integer NOT NULL CHECK (number >= 1),
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    created_by_name   text NOT NULL,
    -- The last variation the version includes: NULL for a version with
    -- none (the approval's).
    through_variation bigint,
    changes           text[] NOT NULL CHECK (cardinality(changes) >= 1),
    pdf               bytea NOT NULL,
    pdf_sha256        text NOT NULL,
    CONSTRAINT piano_versions_number_unique UNIQUE (cycle_id, number),
    -- The hash is that of the bytes, whoever writes them.
    CONSTRAINT piano_versions_pdf_hash CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
    CONSTRAINT piano_versions_pdf_is_pdf CHECK (substring(pdf FROM 1 FOR 5) = '\x255044462d'::bytea)
);
COMMENT ON TABLE piano_versions IS 'The frozen versions of a cycle''s adopted Piano della Performance: the approval''s, then one per batch of variations.';
COMMENT ON COLUMN piano_versions.changes IS 'What the version changed, in words: the approval, or each variation since the version before (date, element, change, reason).';
COMMENT ON COLUMN piano_versions.pdf IS 'The Piano''s PDF frozen with the version: served byte for byte.';

CREATE FUNCTION piano_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'piano version % is frozen', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'piano_versions_frozen';
END $$;
CREATE TRIGGER piano_versions_frozen BEFORE UPDATE OR DELETE ON piano_versions
    FOR EACH ROW EXECUTE FUNCTION piano_versions_frozen();
