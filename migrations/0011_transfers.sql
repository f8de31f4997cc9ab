-- Keyholder schema, version 11. Never edit this file once it has landed.

-- A pupil's child-protection file sent to their next school: what was sent, to whom, by whom,
-- the SHA-256 of the file, and how its receipt was confirmed. `receipt_key` is the secret the
-- transfer file carries, from which the receiving school's receipt code is made; only a school
-- that could open the file can give the right code. `pupil_ref` names the pupil by MIS ID/UPN
-- so the log still says who it was about once their record has gone.
CREATE TABLE transfers_out (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE,
    pupil_id      INTEGER REFERENCES pupils(id) ON DELETE SET NULL,
    pupil_ref     TEXT NOT NULL,
    to_school     TEXT NOT NULL CHECK (length(trim(to_school)) > 0),
    to_contact    TEXT NOT NULL DEFAULT '',
    -- What was included, as the log shows it: "every category, every date".
    included      TEXT NOT NULL,
    incidents     INTEGER NOT NULL,
    -- 'keyholder' (a .khtransfer file) or 'paper' (a password-protected PDF pack).
    method        TEXT NOT NULL CHECK (method IN ('keyholder', 'paper')),
    sha256        TEXT NOT NULL,
    receipt_key   BLOB NOT NULL,
    sent_at       INTEGER NOT NULL,
    sent_by       INTEGER REFERENCES users(id),
    -- Whether the sender kept a copy of the chronology, and the copy (a PDF) when they did.
    kept_copy     INTEGER NOT NULL DEFAULT 0,
    chronology    BLOB,
    -- Set when the receipt is confirmed: the day the other school received it, who there
    -- received it (when known), who here confirmed it and when.
    received_on   TEXT,
    received_by   TEXT,
    confirmed_by  INTEGER REFERENCES users(id),
    confirmed_at  INTEGER
);

-- A transfer file this school received. The same file twice is found here by its reference and
-- changes nothing.
CREATE TABLE transfers_in (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    from_school  TEXT NOT NULL,
    pupil_id     INTEGER REFERENCES pupils(id) ON DELETE SET NULL,
    pupil_ref    TEXT NOT NULL,
    sent_at      INTEGER NOT NULL,
    sent_by_name TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    incidents    INTEGER NOT NULL,
    receipt_code TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    received_by  INTEGER REFERENCES users(id),
    -- The chronology PDF the file carried, as the sending school printed it.
    chronology   BLOB
);

-- Records that arrived in a transfer, beside the tables they are in (so no table of an older
-- version changes): the transfer an incident came in, the name of who recorded it at the other
-- school (they are not users here), and its category there when it was put under another here.
CREATE TABLE received_incidents (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    transfer_id INTEGER REFERENCES transfers_in(id),
    recorded_by TEXT,
    category    TEXT
);
-- The other school's names on what came with them: who replaced a wording, who took and
-- recorded an action (and its earlier versions), who set and ended a status.
CREATE TABLE received_revision_names (
    revision_id INTEGER PRIMARY KEY REFERENCES incident_revisions(id) ON DELETE CASCADE,
    replaced_by TEXT
);
CREATE TABLE received_action_names (
    action_id   INTEGER PRIMARY KEY REFERENCES incident_actions(id) ON DELETE CASCADE,
    taken_by    TEXT,
    recorded_by TEXT
);
CREATE TABLE received_action_revision_names (
    revision_id INTEGER PRIMARY KEY REFERENCES incident_action_revisions(id) ON DELETE CASCADE,
    taken_by    TEXT,
    replaced_by TEXT
);
CREATE TABLE received_status_names (
    status_id INTEGER PRIMARY KEY REFERENCES pupil_statuses(id) ON DELETE CASCADE,
    set_by    TEXT,
    ended_by  TEXT
);
