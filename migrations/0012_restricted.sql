-- Keyholder schema, version 12. Never edit this file once it has landed.

-- Restricted concerns: a record readable only by named people. These narrow the class rule and
-- the category grid, never widen them, and whoever recorded an incident always keeps it.

-- An incident restricted to its readers (below): users and user groups, any mix; none at all
-- leaves it to whoever recorded it.
CREATE TABLE incident_restrictions (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    set_by      INTEGER REFERENCES users(id),
    set_at      INTEGER NOT NULL
);
CREATE TABLE incident_readers (
    incident_id   INTEGER NOT NULL REFERENCES incident_restrictions(incident_id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users(id),
    user_group_id INTEGER REFERENCES user_groups(id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (user_group_id IS NULL))
);
CREATE UNIQUE INDEX incident_readers_once
    ON incident_readers (incident_id, coalesce(user_id, 0), coalesce(user_group_id, 0));

-- A pupil's whole record locked to its readers: every incident of theirs, past and future,
-- until it is unlocked.
CREATE TABLE pupil_locks (
    pupil_id  INTEGER PRIMARY KEY REFERENCES pupils(id) ON DELETE CASCADE,
    set_by    INTEGER REFERENCES users(id),
    set_at    INTEGER NOT NULL
);
CREATE TABLE pupil_lock_readers (
    pupil_id      INTEGER NOT NULL REFERENCES pupil_locks(pupil_id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users(id),
    user_group_id INTEGER REFERENCES user_groups(id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (user_group_id IS NULL))
);
CREATE UNIQUE INDEX pupil_lock_readers_once
    ON pupil_lock_readers (pupil_id, coalesce(user_id, 0), coalesce(user_group_id, 0));

-- Members of staff a concern is about. Each is kept from reading it whatever their
-- permissions, and so is their user group unless `group_may_read` says otherwise.
CREATE TABLE incident_staff (
    incident_id    INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    group_may_read INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, user_id)
) WITHOUT ROWID;
