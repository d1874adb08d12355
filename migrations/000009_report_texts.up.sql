-- The director's free texts of a cycle's Relazione sulla Performance: the
-- sections the data cannot write (introduction, context and resources,
-- gender budget, the process of measurement), as sanitised HTML, one row per
-- cycle, versioned like every record a form edits.

CREATE TABLE report_texts (
    cycle_id          bigint PRIMARY KEY REFERENCES cycles(id) ON DELETE CASCADE,
    introduction_html text NOT NULL DEFAULT '',
    context_html      text NOT NULL DEFAULT '',
    gender_html       text NOT NULL DEFAULT '',
    process_html      text NOT NULL DEFAULT '',
    version           integer NOT NULL DEFAULT 0,
    CONSTRAINT report_texts_length CHECK (
        length(introduction_html) <= 100000 AND length(context_html) <= 100000 AND
        length(gender_html) <= 100000 AND length(process_html) <= 100000)
);
COMMENT ON TABLE report_texts IS 'The director''s texts of the Relazione sulla Performance of a cycle.';
COMMENT ON COLUMN report_texts.introduction_html IS 'Section 1, Introduzione (sanitised HTML).';
COMMENT ON COLUMN report_texts.context_html IS 'Section 2.2, Contesto e risorse (sanitised HTML).';
COMMENT ON COLUMN report_texts.gender_html IS 'Section 2.4, Bilancio di genere, art. 10 D.Lgs. 150/2009 (sanitised HTML).';
COMMENT ON COLUMN report_texts.process_html IS 'Section 3, Il processo di misurazione e valutazione: the director''s text, before the cycle''s rules (sanitised HTML).';
COMMENT ON COLUMN report_texts.version IS 'Count of the changes of the texts, for optimistic locking.';
