-- Keyholder schema, version 1. Never edit this file once it has landed: add 0002_....sql instead.

CREATE TABLE school (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    name              TEXT NOT NULL,
    is_demo           INTEGER NOT NULL DEFAULT 0,
    idle_lock_minutes INTEGER NOT NULL DEFAULT 10 CHECK (idle_lock_minutes BETWEEN 1 AND 240),
    created_at        INTEGER NOT NULL
);

-- The three kinds of pupil grouping and whether access is restricted by that kind.
CREATE TABLE group_types (
    type       TEXT PRIMARY KEY CHECK (type IN ('house', 'academic_level', 'registration_form')),
    restricted INTEGER NOT NULL DEFAULT 0
);
INSERT INTO group_types (type, restricted) VALUES
    ('house', 0), ('academic_level', 0), ('registration_form', 0);

CREATE TABLE pupil_groups (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL REFERENCES group_types(type),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    mis_id     TEXT,
    is_new     INTEGER NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX pupil_groups_name ON pupil_groups (type, name COLLATE NOCASE);
CREATE UNIQUE INDEX pupil_groups_mis_id ON pupil_groups (type, mis_id) WHERE mis_id IS NOT NULL;

CREATE TABLE user_groups (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL CHECK (length(trim(name)) > 0),
    active INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX user_groups_name ON user_groups (name COLLATE NOCASE);

CREATE TABLE user_group_system_permissions (
    user_group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    permission    TEXT NOT NULL,
    PRIMARY KEY (user_group_id, permission)
) WITHOUT ROWID;

CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES categories(id),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sort_order INTEGER NOT NULL DEFAULT 0,
    archived   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX categories_name ON categories (coalesce(parent_id, 0), name COLLATE NOCASE);

CREATE TABLE user_group_category_permissions (
    user_group_id  INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    category_id    INTEGER NOT NULL REFERENCES categories(id),
    view_students  INTEGER NOT NULL DEFAULT 0,
    view_incidents INTEGER NOT NULL DEFAULT 0,
    add_incidents  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_group_id, category_id)
) WITHOUT ROWID;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL DEFAULT '',
    forename      TEXT NOT NULL,
    surname       TEXT NOT NULL,
    email         TEXT NOT NULL,
    job_title     TEXT NOT NULL DEFAULT '',
    user_group_id INTEGER NOT NULL REFERENCES user_groups(id),
    active        INTEGER NOT NULL DEFAULT 1,
    mis_staff_id  TEXT,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

-- A user's TOTP soft key. The secret has to be readable to check codes, which is why it lives
-- inside the encrypted vault; `confirmed` is set only after the user typed a correct code.
CREATE TABLE soft_keys (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    secret          BLOB NOT NULL,
    confirmed       INTEGER NOT NULL DEFAULT 0,
    enrolled_at     INTEGER NOT NULL,
    last_used_step  INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER
);

-- One-time set-up codes handed to new users; only a hash is kept.
CREATE TABLE setup_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Access lists: the users who can see pupils of a group (only consulted while its type is restricted).
CREATE TABLE group_access (
    group_id INTEGER NOT NULL REFERENCES pupil_groups(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE TABLE pupils (
    id            INTEGER PRIMARY KEY,
    mis_id        TEXT,
    upn           TEXT,
    forename      TEXT NOT NULL,
    surname       TEXT NOT NULL,
    date_of_birth TEXT,
    archived      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX pupils_mis_id ON pupils (mis_id) WHERE mis_id IS NOT NULL;

CREATE TABLE pupil_membership (
    pupil_id INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES pupil_groups(id),
    PRIMARY KEY (pupil_id, group_id)
) WITHOUT ROWID;
CREATE INDEX pupil_membership_group ON pupil_membership (group_id);

-- Categories a pupil is monitored for (shown only to users with View Students for it).
CREATE TABLE pupil_monitoring (
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    PRIMARY KEY (pupil_id, category_id)
) WITHOUT ROWID;

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id),
    category_id INTEGER NOT NULL REFERENCES categories(id),
    occurred_at INTEGER NOT NULL,
    description TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX incidents_pupil ON incidents (pupil_id);

CREATE TABLE incident_linked_pupils (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id),
    PRIMARY KEY (incident_id, pupil_id)
) WITHOUT ROWID;

-- Every change, in order. Each entry carries the SHA-256 of the one before it, so an edited,
-- removed or reordered entry breaks the chain.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    summary    TEXT NOT NULL,
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
