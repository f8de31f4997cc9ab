-- Keyholder schema, version 5. Never edit this file once it has landed.

-- Every wording of an incident that an edit replaced, so a safeguarding record can show what it
-- said before and who changed it. Rows are only ever added.
CREATE TABLE incident_revisions (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    replaced_by INTEGER REFERENCES users(id),
    replaced_at INTEGER NOT NULL
);
CREATE INDEX incident_revisions_incident ON incident_revisions (incident_id);
