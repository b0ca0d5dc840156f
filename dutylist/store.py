"""The workspace: one SQLite file (WAL) that every stage reads and writes through these functions.

Only this module writes. Each write function is one short `BEGIN IMMEDIATE` transaction, retried while another
process holds the write lock, so several extractors and reviewers can share a workspace.

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     store.stats(conn)["items"]
"""

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from dutylist import config
from dutylist.errors import WorkspaceError
from dutylist.items import LABELS, Item
from dutylist.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
LOCK_RETRIES = 8
JSON_COLUMNS = ("section", "coop_depts", "flags", "probs", "evidence", "metrics")


class Workspace(sqlite3.Connection):
    """A connection that closes when its `with` block ends (sqlite3's own only commits)."""

    def __exit__(self, *exc: object) -> bool:
        self.close()
        return False


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open(  # noqa: A001 - mirrors pdfplumber.open
    path: str | Path | None = None, check_same_thread: bool = True
) -> Workspace:
    """Open (creating if needed) the workspace at `path` and apply pending migrations.

    `check_same_thread=False` lets one connection serve successive threads (a Streamlit session runs each
    rerun in a new thread); the caller must not use it from two threads at once.
    """
    path = Path(path or config.get("db"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path,
            factory=Workspace,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=check_same_thread,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            f"{path}: 不是可用的工作库（{exc}）。请用 --db 指定另一个文件，或移走该文件后重试。"
            f" / not a usable workspace database: {exc}"
        ) from exc
    except OSError as exc:
        raise WorkspaceError(
            f"{path}: 无法创建工作库（{exc.strerror}）。/ cannot create: {exc.strerror}"
        ) from exc
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        conn.close()
        raise WorkspaceError(
            f"{path}: 工作库版本 {version} 比本程序（{len(MIGRATIONS)}）新。请升级 dutylist。"
            f" / workspace schema {version} is newer than this program ({len(MIGRATIONS)}); upgrade dutylist"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript commits first, so the migration carries its own BEGIN/COMMIT to stay atomic.
        conn.executescript(f"BEGIN IMMEDIATE; {migration()} PRAGMA user_version = {number}; COMMIT;")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; waits and retries while another process holds the lock."""
    for attempt in range(LOCK_RETRIES):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _row(row: sqlite3.Row) -> dict:
    out = dict(row)
    for key in JSON_COLUMNS:
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


# Documents and items ------------------------------------------------------------------------------------------


def document(conn: sqlite3.Connection, sha256: str) -> dict | None:
    row = conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return dict(row) if row else None


def documents(conn: sqlite3.Connection) -> list[dict]:
    return [dict(row) for row in conn.execute("SELECT * FROM documents ORDER BY path")]


def save_document(conn: sqlite3.Connection, doc: dict, items: Iterable[Item]) -> int:
    """Store a document and its items in one transaction; return how many items were new.

    `doc` has sha256, path, township, format, pages, size, status, error, hint. A document read again replaces
    its row; items already stored (same id) are kept as they are, so reviews and proposals stay attached.
    """
    items = list(items)
    with transaction(conn):
        conn.execute(
            """INSERT INTO documents (sha256, path, township, format, pages, size, status, error, hint,
                                      item_count, extracted_at)
               VALUES (:sha256, :path, :township, :format, :pages, :size, :status, :error, :hint, :item_count, :at)
               ON CONFLICT(sha256) DO UPDATE SET path = excluded.path, township = excluded.township,
                   format = excluded.format, pages = excluded.pages, size = excluded.size,
                   status = excluded.status, error = excluded.error, hint = excluded.hint,
                   item_count = excluded.item_count, extracted_at = excluded.extracted_at""",
            {
                "format": None,
                "pages": None,
                "size": None,
                "error": None,
                "hint": None,
                "township": "",
                **doc,
                "item_count": len(items),
                "at": now(),
            },
        )
        before = conn.total_changes
        conn.executemany(
            """INSERT OR IGNORE INTO items (id, doc, seq, township, file, page, locator, section, text, detail,
                   lead_dept, coop_depts, basis, source_label, flags, created_at)
               VALUES (:id, :doc, :seq, :township, :file, :page, :locator, :section, :text, :detail,
                   :lead_dept, :coop_depts, :basis, :source_label, :flags, :at)""",
            [_item_params(item, seq, now()) for seq, item in enumerate(items)],
        )
        return conn.total_changes - before


def _item_params(item: Item, seq: int, at: str) -> dict:
    params = item.to_dict()
    for key in ("section", "coop_depts", "flags"):
        params[key] = json.dumps(params[key], ensure_ascii=False)
    return {**params, "seq": seq, "at": at}


def items(
    conn: sqlite3.Connection, township: str | None = None, ids: Iterable[str] | None = None
) -> list[dict]:
    """Items in document and source order, optionally of one township or with the given ids."""
    sql, params = "SELECT items.* FROM items JOIN documents ON documents.sha256 = items.doc", []
    where = []
    if township:
        where.append("items.township = ?")
        params.append(township)
    if ids is not None:
        ids = list(ids)
        where.append(f"items.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY documents.path, items.seq", params)
    return [_row(row) for row in rows]


def townships(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT DISTINCT township FROM items ORDER BY township")]


# Models and proposals -----------------------------------------------------------------------------------------


def add_model(conn: sqlite3.Connection, model_id: str, path: str, sha256: str, metrics: dict) -> None:
    """Record a model version (idempotent: the same id is recorded once)."""
    with transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO models (id, path, sha256, created_at, metrics) VALUES (?, ?, ?, ?, ?)",
            (model_id, path, sha256, now(), json.dumps(metrics, ensure_ascii=False)),
        )


def models(conn: sqlite3.Connection) -> list[dict]:
    return [_row(row) for row in conn.execute("SELECT * FROM models ORDER BY created_at")]


def add_proposals(conn: sqlite3.Connection, model_id: str, proposals: Iterable[dict]) -> int:
    """Store proposals ({item_id, label, confidence, probs, evidence, auto_accept}) of one model version."""
    rows = [
        (
            p["item_id"],
            model_id,
            p["label"],
            float(p["confidence"]),
            json.dumps(p["probs"]),
            json.dumps(p.get("evidence", []), ensure_ascii=False),
            int(bool(p.get("auto_accept"))),
            now(),
        )
        for p in proposals
    ]
    with transaction(conn):
        conn.executemany(
            """INSERT OR REPLACE INTO proposals (item_id, model_id, label, confidence, probs, evidence,
                   auto_accept, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
    return len(rows)


def items_without_proposal(conn: sqlite3.Connection, model_id: str) -> list[dict]:
    rows = conn.execute(
        """SELECT items.* FROM items WHERE NOT EXISTS
               (SELECT 1 FROM proposals WHERE proposals.item_id = items.id AND proposals.model_id = ?)
           ORDER BY items.doc, items.seq""",
        (model_id,),
    )
    return [_row(row) for row in rows]


# Item state: the latest proposal and the latest review of each item ------------------------------------------

_STATE_SQL = """
    SELECT items.*, documents.path AS doc_path,
           p.label AS proposed_label, p.confidence, p.probs, p.evidence, p.auto_accept, p.model_id,
           r.status AS status, r.new_label AS final_label, r.reviewer, r.at AS reviewed_at
    FROM items
    JOIN documents ON documents.sha256 = items.doc
    LEFT JOIN proposals p ON p.rowid = (
        SELECT rowid FROM proposals WHERE item_id = items.id ORDER BY created_at DESC, rowid DESC LIMIT 1)
    LEFT JOIN reviews r ON r.id = (SELECT MAX(id) FROM reviews WHERE item_id = items.id)
"""


def item_state(conn: sqlite3.Connection, item_id: str) -> dict | None:
    row = conn.execute(_STATE_SQL + " WHERE items.id = ?", (item_id,)).fetchone()
    return _with_status(_row(row)) if row else None


def _with_status(row: dict) -> dict:
    row["status"] = row.get("status") or "pending"
    return row


def review_queue(conn: sqlite3.Connection, township: str | None = None, limit: int = 50) -> list[dict]:
    """Pending items that have a proposal, least confident first (where a reviewer helps most)."""
    sql = _STATE_SQL + " WHERE p.label IS NOT NULL AND COALESCE(r.status, 'pending') = 'pending'"
    params: list = []
    if township:
        sql += " AND items.township = ?"
        params.append(township)
    sql += " ORDER BY p.confidence ASC, items.doc, items.seq LIMIT ?"
    return [_with_status(_row(row)) for row in conn.execute(sql, [*params, limit])]


def review_progress(conn: sqlite3.Connection, township: str | None = None) -> dict:
    """How many items have a proposal and how many of those a reviewer has decided (counted in SQL, so the
    review page stays fast on a large workspace).

    >>> store.review_progress(conn, "青石镇")  # doctest: +SKIP
    {'total': 120, 'reviewed': 45}
    """
    sql = """SELECT COUNT(*),
                    COALESCE(SUM((SELECT status FROM reviews WHERE item_id = items.id ORDER BY id DESC LIMIT 1)
                                 IN ('confirmed', 'rejected')), 0)
             FROM items WHERE EXISTS (SELECT 1 FROM proposals WHERE proposals.item_id = items.id)"""
    params: list = []
    if township:
        sql += " AND items.township = ?"
        params.append(township)
    total, reviewed = conn.execute(sql, params).fetchone()
    return {"total": total, "reviewed": reviewed}


def items_with_proposals(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """Every item that has a proposal, with its latest proposal and review state, in document order."""
    sql, params = _STATE_SQL + " WHERE p.label IS NOT NULL", []
    if township:
        sql += " AND items.township = ?"
        params.append(township)
    return [
        _with_status(_row(row)) for row in conn.execute(sql + " ORDER BY documents.path, items.seq", params)
    ]


def confirmed_items(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """Items whose latest review confirms a label, in document order; `label` is the confirmed one."""
    sql = _STATE_SQL + " WHERE r.status = 'confirmed'"
    params: list = []
    if township:
        sql += " AND items.township = ?"
        params.append(township)
    rows = [_row(row) for row in conn.execute(sql + " ORDER BY documents.path, items.seq", params)]
    for row in rows:
        row["label"] = row["final_label"]
    return rows


def add_review(
    conn: sqlite3.Connection,
    item_id: str,
    action: str,
    label: str | None = None,
    reviewer: str | None = None,
    note: str = "",
) -> dict:
    """Append one review event and return it.

    action: "confirm" (the proposal's label, or `label` if given), "relabel" (to `label`), "reject" (not a duty),
    "undo" (back to the state before the item's latest event), "import" (a published list's label).
    """
    reviewer = reviewer or config.get("reviewer")
    with transaction(conn):
        state = item_state(conn, item_id)
        if state is None:
            raise KeyError(f"no item {item_id!r} in this workspace")
        old = state["final_label"] if state["status"] == "confirmed" else state["proposed_label"]
        if action == "undo":
            status, new = _state_before_latest(conn, item_id)
        elif action == "reject":
            status, new = "rejected", None
        elif action in ("confirm", "relabel", "import"):
            status, new = "confirmed", label or state["proposed_label"]
            if new not in LABELS:
                raise ValueError(f"label must be one of {', '.join(LABELS)}, got {new!r}")
        else:
            raise ValueError(f"unknown review action {action!r}")
        cursor = conn.execute(
            """INSERT INTO reviews (item_id, reviewer, at, action, old_label, new_label, status, model_id,
                                    text, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (item_id, reviewer, now(), action, old, new, status, state["model_id"], state["text"], note),
        )
        return dict(conn.execute("SELECT * FROM reviews WHERE id = ?", (cursor.lastrowid,)).fetchone())


def _state_before_latest(conn: sqlite3.Connection, item_id: str) -> tuple[str, str | None]:
    """Status and label an item had before its latest event (undo of an undo restores the undone state)."""
    events = conn.execute(
        "SELECT status, new_label FROM reviews WHERE item_id = ? ORDER BY id DESC LIMIT 2", (item_id,)
    ).fetchall()
    if len(events) < 2:
        return "pending", None
    return events[1]["status"], events[1]["new_label"]


def reviews(conn: sqlite3.Connection, item_id: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM reviews", ()
    if item_id:
        sql, params = sql + " WHERE item_id = ?", (item_id,)
    return [dict(row) for row in conn.execute(sql + " ORDER BY id", params)]


def reviewed_labels(conn: sqlite3.Connection) -> list[dict]:
    """The latest confirmed label of every reviewed item, with its text (training data for `make train`)."""
    return [{**row, "label": row["final_label"]} for row in confirmed_items(conn)]


def stats(conn: sqlite3.Connection) -> dict:
    """Counts a user asks for: documents by status, items, proposals by label, reviews by status."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731 - a local shorthand
    states = [_with_status(_row(row)) for row in conn.execute(_STATE_SQL)]
    return {
        "documents": {
            row[0]: row[1] for row in conn.execute("SELECT status, COUNT(*) FROM documents GROUP BY 1")
        },
        "items": one("SELECT COUNT(*) FROM items"),
        "townships": {
            row[0]: row[1] for row in conn.execute("SELECT township, COUNT(*) FROM items GROUP BY 1")
        },
        "proposed": {label: sum(s["proposed_label"] == label for s in states) for label in LABELS},
        "status": {
            status: sum(s["status"] == status for s in states)
            for status in ("pending", "confirmed", "rejected")
        },
        "confirmed": {
            label: sum(s["final_label"] == label and s["status"] == "confirmed" for s in states)
            for label in LABELS
        },
        "models": one("SELECT COUNT(*) FROM models"),
        "reviews": one("SELECT COUNT(*) FROM reviews"),
    }
