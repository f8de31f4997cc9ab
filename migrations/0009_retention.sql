-- Keyholder schema, version 9. Never edit this file once it has landed.

-- How long each category's records are kept (Data Destruction Policies): `years` after the
-- pupil's date of birth, the day they left, or the incident, then reviewed or offered for
-- destruction. A sub-category without a row follows its category; a category without one has
-- the default for its name (model::retention::default_policy) or is kept.
CREATE TABLE retention_policies (
    category_id INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
    basis       TEXT NOT NULL CHECK (basis IN ('date_of_birth', 'leaving', 'incident')),
    years       INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100),
    then_do     TEXT NOT NULL CHECK (then_do IN ('review', 'destroy'))
);

-- The day each pupil left (was archived), for policies counted from leaving. Kept by the
-- triggers below, whichever way a pupil is archived (by hand, a group's Archive all, an MIS
-- import); a pupil brought back to roll has none. Pupils archived before this version have
-- none either: their records are never due under such a policy until they are.
CREATE TABLE pupil_leaving (
    pupil_id INTEGER PRIMARY KEY REFERENCES pupils(id) ON DELETE CASCADE,
    left_on  TEXT NOT NULL
);
CREATE TRIGGER pupil_left AFTER UPDATE OF archived ON pupils
    WHEN NEW.archived = 1 AND OLD.archived = 0
BEGIN
    INSERT OR REPLACE INTO pupil_leaving (pupil_id, left_on)
    VALUES (NEW.id, date('now', 'localtime'));
END;
CREATE TRIGGER pupil_returned AFTER UPDATE OF archived ON pupils
    WHEN NEW.archived = 0 AND OLD.archived = 1
BEGIN
    DELETE FROM pupil_leaving WHERE pupil_id = NEW.id;
END;

-- A hold on a pupil's records (legal proceedings, an inquiry): while it stands nothing of the
-- pupil's is offered for destruction. `ends_on` (YYYY-MM-DD) is optional; a hold lifted by
-- hand keeps its row with who lifted it and when.
CREATE TABLE retention_holds (
    id          INTEGER PRIMARY KEY,
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    placed_by   INTEGER REFERENCES users(id),
    placed_at   INTEGER NOT NULL,
    ends_on     TEXT,
    lifted_by   INTEGER REFERENCES users(id),
    lifted_at   INTEGER
);
CREATE INDEX retention_holds_pupil ON retention_holds (pupil_id);

-- A review's decision to keep a pupil's records longer: nothing of theirs is due before
-- `until_on`. A later decision replaces an earlier one.
CREATE TABLE retention_extensions (
    pupil_id INTEGER PRIMARY KEY REFERENCES pupils(id) ON DELETE CASCADE,
    until_on TEXT NOT NULL,
    reason   TEXT NOT NULL,
    set_by   INTEGER REFERENCES users(id),
    set_at   INTEGER NOT NULL
);
