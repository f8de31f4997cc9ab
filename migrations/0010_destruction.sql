-- Keyholder schema, version 10. Never edit this file once it has landed.

-- Records a review marked for destruction: they are destroyed only when someone with Data
-- destruction policy confirms it with their password.
CREATE TABLE destruction_marks (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    marked_by   INTEGER REFERENCES users(id),
    marked_at   INTEGER NOT NULL
);

-- Every destruction, kept for ever: whose records (by MIS ID and UPN, never by name), what
-- (counts by category, the days the records were from), under which policies, when, and who
-- authorised it, by name and e-mail address as they were then. Never what the records said.
-- Rows are only ever added: the triggers refuse any change or removal.
CREATE TABLE destruction_log (
    id            INTEGER PRIMARY KEY,
    destroyed_at  INTEGER NOT NULL,
    authorised_by TEXT NOT NULL,
    mis_id        TEXT,
    upn           TEXT,
    whole_record  INTEGER NOT NULL CHECK (whole_record IN (0, 1)),
    counts        TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    policies      TEXT NOT NULL
);
CREATE TRIGGER destruction_log_kept BEFORE UPDATE ON destruction_log
BEGIN
    SELECT RAISE(ABORT, 'the destruction log cannot be changed');
END;
CREATE TRIGGER destruction_log_never_removed BEFORE DELETE ON destruction_log
BEGIN
    SELECT RAISE(ABORT, 'the destruction log cannot be removed');
END;

-- Destructions a restore found in the replaced school file but not in the older backup put in
-- its place: they are offered to be made again (Data Destruction Policies), so that restoring
-- a backup does not bring destroyed records back for good. Removed once re-applied.
CREATE TABLE destructions_to_reapply (
    id            INTEGER PRIMARY KEY,
    destroyed_at  INTEGER NOT NULL,
    authorised_by TEXT NOT NULL,
    mis_id        TEXT,
    upn           TEXT,
    whole_record  INTEGER NOT NULL CHECK (whole_record IN (0, 1)),
    counts        TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    policies      TEXT NOT NULL
);
