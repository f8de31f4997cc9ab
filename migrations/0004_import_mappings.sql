-- Keyholder schema, version 4. Never edit this file once it has landed.

-- The column mapping last confirmed for each kind of MIS import ('pupils', 'staff', 'groups'),
-- as the text of a mapping file, so the next file from the same MIS needs no choices.
CREATE TABLE import_mappings (
    kind    TEXT PRIMARY KEY CHECK (kind IN ('pupils', 'staff', 'groups')),
    mapping TEXT NOT NULL
) WITHOUT ROWID;
