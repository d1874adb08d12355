-- The Nucleo's observations on the objectives, frozen with a decided
-- version of the Relazione: the comments on the version as its PDF prints
-- them (section 4), kept for its public page, which shows what the frozen
-- PDF says. NULL for the versions decided before: their PDF has none.
ALTER TABLE report_versions ADD COLUMN observations jsonb;
ALTER TABLE report_versions ADD CONSTRAINT report_versions_observations_decided
    CHECK (observations IS NULL OR (state <> 'inviata' AND jsonb_typeof(observations) = 'array'));
COMMENT ON COLUMN report_versions.observations IS 'The Nucleo''s comments on the objectives as the frozen PDF prints them (objective, text, day, author''s role, the director''s answer): a JSON array, written with the decision.';
