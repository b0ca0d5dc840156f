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


def _margin(probs: str) -> str:
    """SQL for the gap between the two highest of the three probabilities in the JSON `probs`.

    With a >= b >= c: a - b = 2 * max + min - (a + b + c).
    """
    values = [
        f"COALESCE(json_extract({probs}, '$.{label}'), 0)" for label in ("basic", "cooperative", "returned")
    ]
    return f"(2 * max({', '.join(values)}) + min({', '.join(values)}) - ({' + '.join(values)}))"


def m002_review() -> str:
    """Sign-in, leases, queue state, full-text search, and review events for edit / flag / bulk batches.

    reviews gets new actions (edit, flag), a new status (flagged), a batch id and the fields an edit changed, so
    the table is rebuilt the SQLite way (new table, copy, drop, rename) and its append-only triggers recreated.
    """
    return f"""
        CREATE TABLE users (
            name          TEXT PRIMARY KEY,
            role          TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            salt          TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        -- An item shown to a reviewer is theirs until the lease expires (unix seconds) or a decision releases it.
        CREATE TABLE leases (
            item_id  TEXT PRIMARY KEY REFERENCES items(id),
            reviewer TEXT NOT NULL,
            expires  REAL NOT NULL
        );
        CREATE INDEX leases_reviewer ON leases(reviewer);
        CREATE INDEX documents_path ON documents(path, sha256);

        CREATE TABLE reviews_m002 (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id   TEXT NOT NULL REFERENCES items(id),
            reviewer  TEXT NOT NULL,
            at        TEXT NOT NULL,
            action    TEXT NOT NULL CHECK (action IN ('confirm', 'relabel', 'reject', 'undo', 'import', 'edit',
                                                      'flag')),
            old_label TEXT,
            new_label TEXT CHECK (new_label IS NULL OR new_label IN ('basic', 'cooperative', 'returned')),
            status    TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected', 'pending', 'flagged')),
            model_id  TEXT,
            text      TEXT NOT NULL,
            note      TEXT NOT NULL DEFAULT '',
            batch     TEXT,
            changes   TEXT NOT NULL DEFAULT '{{}}'
        );
        INSERT INTO reviews_m002 (id, item_id, reviewer, at, action, old_label, new_label, status, model_id, text,
                                  note)
            SELECT id, item_id, reviewer, at, action, old_label, new_label, status, model_id, text, note
            FROM reviews ORDER BY id;
        DROP TABLE reviews;
        ALTER TABLE reviews_m002 RENAME TO reviews;
        CREATE INDEX reviews_item ON reviews(item_id, id);
        CREATE INDEX reviews_batch ON reviews(batch) WHERE batch IS NOT NULL;
        CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;

        -- Latest proposal and latest review of each item, kept by triggers, so the queue is one indexed query.
        CREATE TABLE review_state (
            item_id        TEXT PRIMARY KEY REFERENCES items(id),
            proposed_label TEXT,
            confidence     REAL,
            margin         REAL,
            auto_accept    INTEGER NOT NULL DEFAULT 0,
            status         TEXT NOT NULL DEFAULT 'pending',
            final_label    TEXT,
            reviewer       TEXT,
            review_id      INTEGER
        );
        CREATE INDEX review_state_queue ON review_state(status, margin);
        INSERT INTO review_state (item_id, proposed_label, confidence, margin, auto_accept)
            SELECT p.item_id, p.label, p.confidence, {_margin("p.probs")}, p.auto_accept FROM proposals p
            WHERE p.rowid = (SELECT rowid FROM proposals WHERE item_id = p.item_id
                             ORDER BY created_at DESC, rowid DESC LIMIT 1);
        INSERT INTO review_state (item_id, status, final_label, reviewer, review_id)
            SELECT r.item_id, r.status, r.new_label, r.reviewer, r.id FROM reviews r
            WHERE r.id = (SELECT MAX(id) FROM reviews WHERE item_id = r.item_id)
            ON CONFLICT(item_id) DO UPDATE SET status = excluded.status, final_label = excluded.final_label,
                reviewer = excluded.reviewer, review_id = excluded.review_id;
        CREATE TRIGGER proposals_state AFTER INSERT ON proposals BEGIN
            INSERT INTO review_state (item_id, proposed_label, confidence, margin, auto_accept)
            VALUES (NEW.item_id, NEW.label, NEW.confidence, {_margin("NEW.probs")}, NEW.auto_accept)
            ON CONFLICT(item_id) DO UPDATE SET proposed_label = excluded.proposed_label,
                confidence = excluded.confidence, margin = excluded.margin, auto_accept = excluded.auto_accept;
        END;
        CREATE TRIGGER reviews_state AFTER INSERT ON reviews BEGIN
            INSERT INTO review_state (item_id, status, final_label, reviewer, review_id)
            VALUES (NEW.item_id, NEW.status, NEW.new_label, NEW.reviewer, NEW.id)
            ON CONFLICT(item_id) DO UPDATE SET status = excluded.status, final_label = excluded.final_label,
                reviewer = excluded.reviewer, review_id = excluded.review_id;
        END;

        -- Chinese full-text search: trigram tokens need no word segmentation (queries of 3+ characters).
        CREATE VIRTUAL TABLE items_fts USING fts5(item_id UNINDEXED, text, detail, tokenize = 'trigram');
        INSERT INTO items_fts (item_id, text, detail) SELECT id, text, detail FROM items;
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
            INSERT INTO items_fts (item_id, text, detail) VALUES (NEW.id, NEW.text, NEW.detail);
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE OF text, detail ON items BEGIN
            DELETE FROM items_fts WHERE item_id = OLD.id;
            INSERT INTO items_fts (item_id, text, detail) VALUES (NEW.id, NEW.text, NEW.detail);
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE item_id = OLD.id;
        END;
    """


def m003_signin() -> str:
    """Failed sign-ins, so that five wrong passwords for one name lock it for a while in every app process."""
    return """
        -- One row per failed sign-in, for any name typed, known or not; `at` is unix seconds. An attempt is
        -- recorded before its password is checked; a success deletes the name's rows. store.py deletes rows too
        -- old to count whenever it records a new one.
        CREATE TABLE signin_failures (
            name TEXT NOT NULL,
            at   REAL NOT NULL
        );
        CREATE INDEX signin_failures_name ON signin_failures(name, at);
    """


MIGRATIONS = (m001_initial, m002_review, m003_signin)
