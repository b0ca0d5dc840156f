"""The workspace schema: one SQL text per migration, applied in order and recorded in PRAGMA user_version.

Each migration returns its SQL; only `store.open()` runs them, each in one transaction with the version bump.
Add a new `m00N_*` function for every change and append it to MIGRATIONS; never edit one that has shipped.
"""


def m001_initial() -> str:
    return """
        CREATE TABLE IF NOT EXISTS documents (
            sha256       TEXT PRIMARY KEY,
            path         TEXT NOT NULL,
            township     TEXT NOT NULL DEFAULT '',
            format       TEXT,
            pages        INTEGER,
            size         INTEGER,
            status       TEXT NOT NULL CHECK (status IN ('ok', 'empty', 'failed')),
            error        TEXT,
            hint         TEXT,
            item_count   INTEGER NOT NULL DEFAULT 0,
            extracted_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS items (
            id           TEXT PRIMARY KEY,
            doc          TEXT NOT NULL REFERENCES documents(sha256),
            seq          INTEGER NOT NULL,
            township     TEXT NOT NULL DEFAULT '',
            file         TEXT NOT NULL,
            page         INTEGER,
            locator      TEXT NOT NULL DEFAULT '',
            section      TEXT NOT NULL DEFAULT '[]',
            text         TEXT NOT NULL,
            detail       TEXT NOT NULL DEFAULT '',
            lead_dept    TEXT NOT NULL DEFAULT '',
            coop_depts   TEXT NOT NULL DEFAULT '[]',
            basis        TEXT NOT NULL DEFAULT '',
            source_label TEXT,
            flags        TEXT NOT NULL DEFAULT '[]',
            created_at   TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS items_doc ON items(doc, seq);
        CREATE INDEX IF NOT EXISTS items_township ON items(township);
        CREATE TABLE IF NOT EXISTS models (
            id         TEXT PRIMARY KEY,
            path       TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            created_at TEXT NOT NULL,
            metrics    TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE IF NOT EXISTS proposals (
            item_id     TEXT NOT NULL REFERENCES items(id),
            model_id    TEXT NOT NULL REFERENCES models(id),
            label       TEXT NOT NULL CHECK (label IN ('basic', 'cooperative', 'returned')),
            confidence  REAL NOT NULL,
            probs       TEXT NOT NULL,
            evidence    TEXT NOT NULL DEFAULT '[]',
            auto_accept INTEGER NOT NULL DEFAULT 0,
            created_at  TEXT NOT NULL,
            PRIMARY KEY (item_id, model_id)
        );
        CREATE TABLE IF NOT EXISTS reviews (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id   TEXT NOT NULL REFERENCES items(id),
            reviewer  TEXT NOT NULL,
            at        TEXT NOT NULL,
            action    TEXT NOT NULL CHECK (action IN ('confirm', 'relabel', 'reject', 'undo', 'import')),
            old_label TEXT,
            new_label TEXT CHECK (new_label IS NULL OR new_label IN ('basic', 'cooperative', 'returned')),
            status    TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected', 'pending')),
            model_id  TEXT,
            text      TEXT NOT NULL,
            note      TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS reviews_item ON reviews(item_id, id);
        -- The audit trail is append-only: an undo is a new event, never an edit or a deletion.
        CREATE TRIGGER IF NOT EXISTS reviews_no_update BEFORE UPDATE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS reviews_no_delete BEFORE DELETE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
    """


MIGRATIONS = (m001_initial,)
