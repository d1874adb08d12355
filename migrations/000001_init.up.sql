-- The whole domain of the performance cycle (see docs in README.md).
-- Months of an activity are stored as the first day of the month (a date),
-- so ordering and comparison are plain SQL.

CREATE TABLE organisations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CHECK (btrim(name) <> ''),
    tax_code   text CHECK (tax_code IS NULL OR tax_code ~ '^[0-9A-Z]{11,16}$'),
    logo       bytea,
    logo_type  text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name)
);
COMMENT ON TABLE organisations IS 'Ente: the public body.';

CREATE TABLE cycles (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id   bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    band_reached      numeric(5,2) NOT NULL DEFAULT 95 CHECK (band_reached > 0 AND band_reached <= 100),
    band_partial      numeric(5,2) NOT NULL DEFAULT 50 CHECK (band_partial >= 0),
    approval_act      text,
    approved_on       date,
    validated_on      date,
    validation_act    text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, year),
    CHECK (band_partial < band_reached),
    CHECK ((approval_act IS NULL) = (approved_on IS NULL)),
    CHECK ((validation_act IS NULL) = (validated_on IS NULL))
);
COMMENT ON TABLE cycles IS 'Ciclo / Anno: one planning year of an organisation.';
COMMENT ON COLUMN cycles.band_reached IS 'Achievement (percent) from which an objective is "raggiunto".';
COMMENT ON COLUMN cycles.band_partial IS 'Achievement (percent) from which an objective is "parzialmente raggiunto".';
COMMENT ON COLUMN cycles.approval_act IS 'The act approving the plan, e.g. "Delibera CdA n. 12 del 30/01/2023"; once set the plan is frozen.';

CREATE TABLE periods (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    ends_on  date NOT NULL,
    UNIQUE (cycle_id, ends_on),
    UNIQUE (id, cycle_id)
);
COMMENT ON TABLE periods IS 'Periodo di monitoraggio: the date a monitoring period ends (31/03, 30/06, 30/09, 31/12 by default).';

CREATE TABLE centres (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (btrim(name) <> ''),
    UNIQUE (organisation_id, name)
);
COMMENT ON TABLE centres IS 'Centro di responsabilità (CdR, "Area"): an organisational unit; it outlives cycles, so managers stay bound to it.';

CREATE TABLE cycle_centres (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id  bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    centre_id bigint NOT NULL REFERENCES centres (id) ON DELETE RESTRICT,
    manager   text NOT NULL DEFAULT '',
    position  integer NOT NULL CHECK (position >= 0),
    UNIQUE (cycle_id, centre_id),
    UNIQUE (cycle_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    UNIQUE (id, cycle_id)
);
COMMENT ON TABLE cycle_centres IS 'A centre in one cycle, with its manager (Responsabile di Area) for that year.';

CREATE TABLE objective_groups (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    code     text NOT NULL CHECK (btrim(code) <> ''),
    UNIQUE (cycle_id, code),
    UNIQUE (id, cycle_id)
);
COMMENT ON TABLE objective_groups IS 'A cross-cutting (trasversale) objective: one objective per centre, linked as a group.';

CREATE TABLE objectives (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id              bigint NOT NULL,
    cycle_centre_id       bigint NOT NULL,
    position              integer NOT NULL CHECK (position >= 0),
    section               text NOT NULL CHECK (btrim(section) <> ''),
    number                integer NOT NULL CHECK (number > 0),
    title                 text NOT NULL CHECK (btrim(title) <> ''),
    strategic_area        text NOT NULL DEFAULT '',
    operational_objective text NOT NULL DEFAULT '',
    peg_project           text NOT NULL DEFAULT '',
    services              text NOT NULL DEFAULT '',
    end_users             text NOT NULL DEFAULT '',
    networks              text NOT NULL DEFAULT '',
    description_html      text NOT NULL DEFAULT '',
    weight                numeric CHECK (weight IS NULL OR weight > 0),
    group_id              bigint,
    FOREIGN KEY (cycle_centre_id, cycle_id) REFERENCES cycle_centres (id, cycle_id) ON DELETE CASCADE,
    FOREIGN KEY (group_id, cycle_id) REFERENCES objective_groups (id, cycle_id) ON DELETE SET NULL (group_id),
    UNIQUE (cycle_centre_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    UNIQUE (cycle_centre_id, section, number) DEFERRABLE INITIALLY IMMEDIATE,
    UNIQUE (id, cycle_id)
);
COMMENT ON TABLE objectives IS 'Obiettivo di performance; numbered within its section, which restarts numbering.';
COMMENT ON COLUMN objectives.section IS 'Section heading (strategic area heading) the objective is numbered in.';
COMMENT ON COLUMN objectives.operational_objective IS 'Obiettivo operativo (Piano programma) this objective implements.';
COMMENT ON COLUMN objectives.peg_project IS 'Progetto PEG.';
COMMENT ON COLUMN objectives.services IS 'Servizi interessati.';
COMMENT ON COLUMN objectives.end_users IS 'Utenti finali.';
COMMENT ON COLUMN objectives.networks IS 'Reti di collaborazione.';
COMMENT ON COLUMN objectives.description_html IS 'Descrizione obiettivo: sanitised HTML.';
COMMENT ON COLUMN objectives.weight IS 'Weight in the centre achievement; NULL means equal weights.';

CREATE TABLE activities (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    objective_id   bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    position       integer NOT NULL CHECK (position >= 0),
    description    text NOT NULL CHECK (btrim(description) <> ''),
    planned_from   date CHECK (extract(day FROM planned_from) = 1),
    planned_to     date CHECK (extract(day FROM planned_to) = 1),
    planned_annual boolean NOT NULL DEFAULT false,
    UNIQUE (objective_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CHECK (NOT planned_annual OR (planned_from IS NULL AND planned_to IS NULL)),
    CHECK (planned_from IS NULL OR planned_to IS NULL OR planned_from <= planned_to)
);
COMMENT ON TABLE activities IS 'Attività (modalità di attuazione) with its planned months (Tempi); dates are first days of months.';

CREATE TABLE activity_progress (
    activity_id   bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    period_id     bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    actual_from   date CHECK (extract(day FROM actual_from) = 1),
    actual_to     date CHECK (extract(day FROM actual_to) = 1),
    actual_annual boolean NOT NULL DEFAULT false,
    reason        text,
    PRIMARY KEY (activity_id, period_id),
    CHECK (NOT actual_annual OR (actual_from IS NULL AND actual_to IS NULL)),
    CHECK (actual_from IS NULL OR actual_to IS NULL OR actual_from <= actual_to)
);
COMMENT ON TABLE activity_progress IS 'Consuntivo: the actual months of an activity as known at a monitoring period, with the reason of a delay.';

CREATE TABLE indicators (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    objective_id       bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    position           integer NOT NULL CHECK (position >= 0),
    name               text NOT NULL CHECK (btrim(name) <> ''),
    description        text NOT NULL DEFAULT '',
    unit               text NOT NULL CHECK (unit IN ('n.', 'n', '%', 'si/no', '€', 'gg')),
    polarity           text NOT NULL DEFAULT 'higher' CHECK (polarity IN ('higher', 'lower')),
    weight             numeric CHECK (weight IS NULL OR weight > 0),
    expected           numeric NOT NULL,
    neutralised_reason text CHECK (neutralised_reason IS NULL OR btrim(neutralised_reason) <> ''),
    neutralised_by     text CHECK (neutralised_by IS NULL OR neutralised_by IN ('direttore', 'nucleo')),
    UNIQUE (objective_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CHECK (unit <> 'si/no' OR expected IN (0, 1)),
    CHECK (unit <> '%' OR expected >= 0),
    CHECK ((neutralised_reason IS NULL) = (neutralised_by IS NULL))
);
COMMENT ON TABLE indicators IS 'Indicatore di risultato; for si/no units 1 is "si" and 0 is "no".';
COMMENT ON COLUMN indicators.expected IS 'Valore atteso: the target for the year.';
COMMENT ON COLUMN indicators.polarity IS 'higher: a higher actual is better (default); lower: a lower actual is better.';
COMMENT ON COLUMN indicators.neutralised_reason IS 'Why the indicator is neutralised (sterilizzato): left out of every average.';

CREATE TABLE indicator_values (
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period_id    bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    value        numeric NOT NULL,
    reason       text,
    PRIMARY KEY (indicator_id, period_id)
);
COMMENT ON TABLE indicator_values IS 'Valore consuntivo of an indicator at a monitoring period.';

CREATE TABLE progress_reports (
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    period_id    bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    status       text CHECK (status IS NULL OR status IN ('in linea', 'a rischio', 'critico')),
    text_html    text NOT NULL DEFAULT '',
    submitted_at timestamptz,
    approved_at  timestamptz,
    PRIMARY KEY (objective_id, period_id)
);
COMMENT ON TABLE progress_reports IS 'Report al <data>: the manager''s narrative and self-assessed status for a period.';

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'direttore', 'responsabile', 'nucleo', 'osservatore')),
    active        boolean NOT NULL DEFAULT true,
    must_change_password boolean NOT NULL DEFAULT false,
    session_epoch integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);
COMMENT ON TABLE users IS 'Accounts; role decides what a user may read and write.';
COMMENT ON COLUMN users.session_epoch IS 'Bumped on password reset or deactivation: every session carrying an older epoch ends at once.';
COMMENT ON COLUMN users.must_change_password IS 'Set for one-time passwords: the next sign-in must choose a new one.';

CREATE TABLE login_failures (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    email   text NOT NULL,
    address text NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_address_idx ON login_failures (address, at);
COMMENT ON TABLE login_failures IS 'Failed sign-ins, for throttling per account and per address across app servers.';

CREATE TABLE user_centres (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    centre_id bigint NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, centre_id)
);
COMMENT ON TABLE user_centres IS 'The centres a responsabile writes progress for.';

-- scs/pgxstore
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_id   bigint REFERENCES users (id),
    actor     text NOT NULL,
    action    text NOT NULL CHECK (btrim(action) <> ''),
    entity    text NOT NULL,
    entity_id bigint,
    old_value jsonb,
    new_value jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
COMMENT ON TABLE audit_log IS 'Who changed what and when, with old and new values; append-only.';

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
