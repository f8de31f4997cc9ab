-- Keyholder schema, version 3. Never edit this file once it has landed.

-- Every backup Keyholder has written and checked, newest last. The health check warns when the
-- newest is more than a week old (or there is none). Restoring a backup records it here too, so
-- a restored school does not claim it was never backed up.
CREATE TABLE backups (
    id         INTEGER PRIMARY KEY,
    taken_at   INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    taken_by   INTEGER REFERENCES users(id)
);
CREATE INDEX backups_taken_at ON backups (taken_at);
