-- Keyholder schema, version 7. Never edit this file once it has landed.

-- An alert: a recorded concern waiting for one member of staff at their next sign-in. A group
-- alert is kept as one row per member it reached, so each reads and clears their own. What the
-- reader is shown is decided when they read it, by the access rule of that moment.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    sent_by     INTEGER REFERENCES users(id),
    sent_at     INTEGER NOT NULL,
    -- The user group the alert was sent to, when it reached this person through one.
    via_group   INTEGER REFERENCES user_groups(id) ON DELETE SET NULL,
    read_at     INTEGER
);
CREATE UNIQUE INDEX alerts_once ON alerts (incident_id, user_id);
CREATE INDEX alerts_reader ON alerts (user_id, read_at);

-- The user groups a new concern alerts unless the person recording it chooses otherwise. Until
-- an administrator has chosen them (defaults_chosen), the groups whose members hold Named person
-- or Manage system are used, so a new user group with those permissions is alerted too.
CREATE TABLE alert_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    defaults_chosen INTEGER NOT NULL DEFAULT 0
);
INSERT INTO alert_settings (id, defaults_chosen) VALUES (1, 0);
CREATE TABLE alert_default_groups (
    user_group_id INTEGER PRIMARY KEY REFERENCES user_groups(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- "Remind Me": a note to oneself for a day. Only its writer ever sees it.
CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    note       TEXT NOT NULL CHECK (length(trim(note)) > 0),
    due_on     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at    INTEGER
);
CREATE INDEX reminders_user ON reminders (user_id, done_at);

-- A report's settings (the question, as JSON), saved under a name by its owner. Sharing it with a
-- user group shares the question only: each member runs it under their own access.
CREATE TABLE saved_reports (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    spec       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_reports_name ON saved_reports (owner_id, name COLLATE NOCASE);
CREATE TABLE saved_report_shares (
    report_id     INTEGER NOT NULL REFERENCES saved_reports(id) ON DELETE CASCADE,
    user_group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, user_group_id)
) WITHOUT ROWID;

-- Reports read only when, about whom and under which category: this index holds all three, so
-- a report over a large school reads it instead of every incident's text.
CREATE INDEX incidents_when ON incidents (occurred_at, pupil_id, category_id);
