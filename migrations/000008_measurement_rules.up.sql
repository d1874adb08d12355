-- The rules of measurement (SMVP) of a cycle besides its bands: how a figure
-- is rounded and the cap of an indicator's achievement; and the director's
-- override of one indicator's achievement, with its reason.

ALTER TABLE cycles
    ADD COLUMN rounding text NOT NULL DEFAULT 'un_decimale',
    ADD COLUMN achievement_cap numeric(5,2) NOT NULL DEFAULT 100,
    ADD CONSTRAINT cycles_rounding_known CHECK (rounding IN ('un_decimale', 'intero_troncato')),
    ADD CONSTRAINT cycles_achievement_cap_range CHECK (achievement_cap >= 100 AND achievement_cap <= 200);
COMMENT ON COLUMN cycles.rounding IS 'How a figure is rounded when shown, banded and exported: one decimal (un_decimale) or truncated to a whole percent (intero_troncato).';
COMMENT ON COLUMN cycles.achievement_cap IS 'Highest achievement (percent) an indicator counts with: 100, or more when over-achievement is allowed.';

ALTER TABLE indicators
    ADD COLUMN override_pct numeric(5,2),
    ADD COLUMN override_reason text,
    ADD CONSTRAINT indicators_override_range CHECK (override_pct IS NULL OR (override_pct >= 0 AND override_pct <= 200)),
    ADD CONSTRAINT indicators_override_reason_given CHECK (override_reason IS NULL OR btrim(override_reason) <> ''),
    ADD CONSTRAINT indicators_override_with_reason CHECK ((override_pct IS NULL) = (override_reason IS NULL));
COMMENT ON COLUMN indicators.override_pct IS 'The director''s achievement (percent) in place of the computed one: the indicator still counts, with it.';
COMMENT ON COLUMN indicators.override_reason IS 'Why the director overrode the indicator''s achievement.';
