-- Keyholder schema, version 6. Never edit this file once it has landed.

-- What was done about an incident and what was decided: each step the safeguarding team takes
-- (a discussion with the DSL, a referral, a decision to take no further action and why), so a
-- record shows the discussion, the decision and its reason, including a decision not to refer.
-- `taken_at`/`taken_by` are when and by whom it was done; `recorded_*` who typed it in.
CREATE TABLE incident_actions (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    taken_at    INTEGER NOT NULL,
    taken_by    INTEGER REFERENCES users(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('discussed_with_dsl', 'no_further_action',
                    'early_help', 'social_care_referral', 'lado_referral', 'police',
                    'monitoring', 'other')),
    description TEXT NOT NULL,
    rationale   TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users(id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX incident_actions_incident ON incident_actions (incident_id);

-- Every version of an action that an edit replaced, whole, as incident_revisions keeps an
-- incident's wordings. Rows are only ever added.
CREATE TABLE incident_action_revisions (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES incident_actions(id) ON DELETE CASCADE,
    taken_at    INTEGER NOT NULL,
    taken_by    INTEGER REFERENCES users(id),
    outcome     TEXT NOT NULL,
    description TEXT NOT NULL,
    rationale   TEXT NOT NULL DEFAULT '',
    replaced_by INTEGER REFERENCES users(id),
    replaced_at INTEGER NOT NULL
);
CREATE INDEX incident_action_revisions_action ON incident_action_revisions (action_id);

-- A pupil's statuses (a child-protection plan, child in need, ...), each for a period of days:
-- from `started_on` until `ended_on` (YYYY-MM-DD; the day it ended, or NULL while it is open).
CREATE TABLE pupil_statuses (
    id         INTEGER PRIMARY KEY,
    pupil_id   INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('child_protection_plan', 'child_in_need',
                   'looked_after', 'early_help', 'young_carer')),
    started_on TEXT NOT NULL,
    ended_on   TEXT CHECK (ended_on IS NULL OR ended_on >= started_on),
    note       TEXT NOT NULL DEFAULT '',
    set_by     INTEGER REFERENCES users(id),
    set_at     INTEGER NOT NULL,
    ended_by   INTEGER REFERENCES users(id),
    ended_at   INTEGER
);
CREATE INDEX pupil_statuses_pupil ON pupil_statuses (pupil_id);
