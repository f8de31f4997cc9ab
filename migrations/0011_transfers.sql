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

-- Records that arrived in a transfer: the transfer they came in, and the names of the people
-- at the other school who wrote or did them, kept as text since they are not users here.
ALTER TABLE incidents ADD COLUMN received_in INTEGER REFERENCES transfers_in(id);
ALTER TABLE incidents ADD COLUMN recorded_by_name TEXT;
-- The category it had at the sending school ("Behaviour — Against Peers"), when it was put
-- under another one here.
ALTER TABLE incidents ADD COLUMN received_category TEXT;
ALTER TABLE incident_revisions ADD COLUMN replaced_by_name TEXT;
ALTER TABLE incident_actions ADD COLUMN taken_by_name TEXT;
ALTER TABLE incident_actions ADD COLUMN recorded_by_name TEXT;
ALTER TABLE incident_action_revisions ADD COLUMN taken_by_name TEXT;
ALTER TABLE incident_action_revisions ADD COLUMN replaced_by_name TEXT;
ALTER TABLE pupil_statuses ADD COLUMN set_by_name TEXT;
ALTER TABLE pupil_statuses ADD COLUMN ended_by_name TEXT;
