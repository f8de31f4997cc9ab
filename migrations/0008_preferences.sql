-- Keyholder schema, version 8. Never edit this file once it has landed.

-- How the window is drawn for each person (the high-contrast theme, the text size), so the next
-- sign-in on the shared office PC looks the way they left it. A person without a row sees the
-- standard theme at the standard size.
CREATE TABLE display_preferences (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    high_contrast INTEGER NOT NULL DEFAULT 0 CHECK (high_contrast IN (0, 1)),
    text_percent  INTEGER NOT NULL DEFAULT 100
);
