-- Keyholder schema, version 2. Never edit this file once it has landed.

-- Members of staff from the school's MIS export. They are not users: an admin adds users from
-- this list (New User), which links the row to the user it became.
CREATE TABLE staff (
    id           INTEGER PRIMARY KEY,
    mis_staff_id TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    forename     TEXT NOT NULL,
    surname      TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    job_title    TEXT NOT NULL DEFAULT '',
    user_id      INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX staff_mis_id ON staff (mis_staff_id);

CREATE INDEX setup_codes_user ON setup_codes (user_id);
