-- The accessibility statement (dichiarazione di accessibilità, L. 4/2004,
-- AgID guidelines) and the privacy notice (informativa, art. 13 GDPR) of the
-- installation, as the administrator completed them: one row, plain text
-- (paragraphs separated by a blank line; never HTML), versioned like every
-- record a form edits. Without the row the pages show the application's
-- defaults (internal/legal.Default).

CREATE TABLE legal_notices (
    id                 smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    status             text NOT NULL CHECK (status IN ('conforme', 'parzialmente conforme', 'non conforme')),
    non_accessible     text NOT NULL DEFAULT '',
    prepared_on        date NOT NULL,
    reviewed_on        date NOT NULL,
    assessment         text NOT NULL,
    feedback_email     text NOT NULL,
    site_url           text NOT NULL DEFAULT '',
    organisation_info  text NOT NULL DEFAULT '',
    controller         text NOT NULL,
    controller_contact text NOT NULL DEFAULT '',
    dpo_contact        text NOT NULL,
    recipients         text NOT NULL,
    retention          text NOT NULL,
    version            integer NOT NULL DEFAULT 1,
    CONSTRAINT legal_notices_reviewed_after_prepared CHECK (reviewed_on >= prepared_on),
    CONSTRAINT legal_notices_length CHECK (
        length(non_accessible) <= 20000 AND length(assessment) <= 20000 AND length(feedback_email) <= 254 AND
        length(site_url) <= 2000 AND length(organisation_info) <= 20000 AND length(controller) <= 2000 AND
        length(controller_contact) <= 20000 AND length(dpo_contact) <= 20000 AND
        length(recipients) <= 20000 AND length(retention) <= 20000)
);
COMMENT ON TABLE legal_notices IS 'The accessibility statement and the privacy notice of the installation, as the administrator completed them (one row; none: the defaults).';
COMMENT ON COLUMN legal_notices.status IS 'Compliance with L. 4/2004 (Annex A of UNI CEI EN 301549): conforme, parzialmente conforme, non conforme.';
COMMENT ON COLUMN legal_notices.non_accessible IS 'The content that is not accessible and why (plain text).';
COMMENT ON COLUMN legal_notices.prepared_on IS 'The day the statement was first prepared.';
COMMENT ON COLUMN legal_notices.reviewed_on IS 'The day the statement was last reviewed.';
COMMENT ON COLUMN legal_notices.assessment IS 'How compliance was assessed (self-assessment, third party).';
COMMENT ON COLUMN legal_notices.feedback_email IS 'The address of the feedback mechanism, shown as a mailto link.';
COMMENT ON COLUMN legal_notices.site_url IS 'The address the statement applies to; empty: the application by name.';
COMMENT ON COLUMN legal_notices.controller IS 'The data controller (titolare del trattamento): the body.';
COMMENT ON COLUMN legal_notices.dpo_contact IS 'How to reach the data protection officer (RPD/DPO).';
COMMENT ON COLUMN legal_notices.version IS 'Count of the changes of the notices, for optimistic locking.';
