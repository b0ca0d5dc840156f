"""The workspace: one SQLite file (WAL) that every stage reads and writes through these functions.

Only this module writes. Each write function is one short `BEGIN IMMEDIATE` transaction, retried while another
process holds the write lock, so several extractors and reviewers can share a workspace.

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     store.stats(conn)["items"]
"""

import hashlib
import hmac
import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from dutylist import config
from dutylist.errors import SignInLocked, StaleItem, WorkspaceError
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


def documents(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """The workspace's documents by path, optionally of one township."""
    sql, params = "SELECT * FROM documents", ()
    if township:
        sql, params = sql + " WHERE township = ?", (township,)
    return [dict(row) for row in conn.execute(sql + " ORDER BY path", params)]


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
        # rowcount, not total_changes: the search index triggers (m002) change rows too.
        inserted = conn.executemany(
            """INSERT OR IGNORE INTO items (id, doc, seq, township, file, page, locator, section, text, detail,
                   lead_dept, coop_depts, basis, source_label, flags, created_at)
               VALUES (:id, :doc, :seq, :township, :file, :page, :locator, :section, :text, :detail,
                   :lead_dept, :coop_depts, :basis, :source_label, :flags, :at)""",
            [_item_params(item, seq, now()) for seq, item in enumerate(items)],
        )
        return inserted.rowcount


def _item_params(item: Item, seq: int, at: str) -> dict:
    params = item.to_dict()
    for key in ("section", "coop_depts", "flags"):
        params[key] = json.dumps(params[key], ensure_ascii=False)
    return {**params, "seq": seq, "at": at}


def items(
    conn: sqlite3.Connection,
    township: str | None = None,
    ids: Iterable[str] | None = None,
    docs: Iterable[str] | None = None,
) -> list[dict]:
    """Items in document and source order, optionally of one township, with the given ids or of the given
    documents (SHA-256)."""
    sql, params = "SELECT items.* FROM items JOIN documents ON documents.sha256 = items.doc", []
    where = []
    if township:
        where.append("items.township = ?")
        params.append(township)
    for column, values in (("items.id", ids), ("items.doc", docs)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY documents.path, items.seq", params)
    return [_row(row) for row in rows]


def townships(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT DISTINCT township FROM items ORDER BY township")]


def confirmed_townships(conn: sqlite3.Connection) -> list[str]:
    """Townships (named) with at least one confirmed item: those an admission check or comparison can use."""
    rows = conn.execute(
        """SELECT DISTINCT items.township FROM review_state JOIN items ON items.id = review_state.item_id
           WHERE review_state.status = 'confirmed' AND items.township != '' ORDER BY items.township"""
    )
    return [row[0] for row in rows]


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
    batch: str | None = None,
    shown: str | None = None,
) -> dict:
    """Append one review event and return it; the item's lease (if any) is released.

    action: "confirm" (the proposal's label, or `label` if given), "relabel" (to `label`), "reject" (not a duty),
    "undo" (back to the state before the item's latest event, reverting an edit's fields), "import" (a published
    list's label), "flag" (an extraction error, `note` says what). Edits go through `edit_item`. With `shown` (the
    status the reviewer saw), `StaleItem` is raised and nothing written if the item's status is no longer that:
    a double key press, or another reviewer who decided first; checked inside the write transaction.
    """
    reviewer = reviewer or config.get("reviewer")
    with transaction(conn):
        return _append_review(conn, item_id, action, label, reviewer, note, batch, shown=shown)


def _append_review(
    conn: sqlite3.Connection,
    item_id: str,
    action: str,
    label: str | None,
    reviewer: str,
    note: str = "",
    batch: str | None = None,
    changes: dict | None = None,
    shown: str | None = None,
) -> dict:
    """Insert one review event inside the caller's transaction."""
    state = item_state(conn, item_id)
    if state is None:
        raise KeyError(f"no item {item_id!r} in this workspace")
    if shown is not None and state["status"] != shown:
        raise StaleItem(f"item {item_id} is {state['status']}, not {shown} as shown")
    old = state["final_label"] if state["status"] == "confirmed" else state["proposed_label"]
    if action == "undo":
        status, new = _state_before_latest(conn, item_id)
        changes = _revert_edit(conn, item_id)
    elif action == "reject":
        status, new = "rejected", None
    elif action == "flag":
        status, new = "flagged", None
    elif action == "edit":
        status, new = state["status"], state["final_label"]
    elif action in ("confirm", "relabel", "import"):
        status, new = "confirmed", label or state["proposed_label"]
        if new not in LABELS:
            raise ValueError(f"label must be one of {', '.join(LABELS)}, got {new!r}")
    else:
        raise ValueError(f"unknown review action {action!r}")
    text = (changes or {}).get("text", [state["text"]])[0]
    cursor = conn.execute(
        """INSERT INTO reviews (item_id, reviewer, at, action, old_label, new_label, status, model_id,
                                text, note, batch, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            item_id,
            reviewer,
            now(),
            action,
            old,
            new,
            status,
            state["model_id"],
            text,
            note,
            batch,
            json.dumps(changes or {}, ensure_ascii=False),
        ),
    )
    conn.execute("DELETE FROM leases WHERE item_id = ?", (item_id,))
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
    return confirmed_items(conn)


def stats(conn: sqlite3.Connection) -> dict:
    """Counts a user asks for: documents by status, items, proposals by label, reviews by status.

    Counted in SQL from review_state (kept by triggers): items with neither proposal nor review have no row
    there and count as pending.
    """
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731 - a local shorthand
    grouped = lambda sql: dict(conn.execute(sql).fetchall())  # noqa: E731
    items = one("SELECT COUNT(*) FROM items")
    decided = grouped("SELECT status, COUNT(*) FROM review_state WHERE status != 'pending' GROUP BY 1")
    proposed = grouped("SELECT proposed_label, COUNT(*) FROM review_state GROUP BY 1")
    confirmed = grouped(
        "SELECT final_label, COUNT(*) FROM review_state WHERE status = 'confirmed' GROUP BY 1"
    )
    return {
        "documents": grouped("SELECT status, COUNT(*) FROM documents GROUP BY 1"),
        "items": items,
        "townships": grouped("SELECT township, COUNT(*) FROM items GROUP BY 1"),
        "proposed": {label: proposed.get(label, 0) for label in LABELS},
        "status": {
            "pending": items - sum(decided.values()),
            **{status: decided.get(status, 0) for status in ("confirmed", "rejected", "flagged")},
        },
        "confirmed": {label: confirmed.get(label, 0) for label in LABELS},
        "models": one("SELECT COUNT(*) FROM models"),
        "reviews": one("SELECT COUNT(*) FROM reviews"),
    }


# Review app: users, queue with leases, edits, bulk decisions, dashboard figures -----------------------------

ROLES = ("reviewer", "admin")
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
LEASE_SECONDS = 600
# SIGNIN_LIMIT failed sign-ins for one name within SIGNIN_WINDOW_SECONDS lock it for that long after the last one.
SIGNIN_LIMIT = 5
SIGNIN_WINDOW_SECONDS = 15 * 60
EDITABLE = ("text", "detail", "lead_dept", "coop_depts", "basis")
QUEUE_MODES = ("uncertain", "document", "audit")


def _password_hash(password: str, salt: bytes) -> str:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT).hex()


def add_user(conn: sqlite3.Connection, name: str, role: str, password: str) -> None:
    """Create a user, or give an existing one a new role and password; the name's failed sign-ins are cleared,
    so a reset password works at once even while the name is locked.

    >>> store.add_user(conn, "张三", "admin", "s3cret-pass")  # doctest: +SKIP
    """
    name = name.strip()
    if not name:
        raise ValueError("用户名不能为空 / the name is empty")
    if role not in ROLES:
        raise ValueError(
            f"角色只能是 {' / '.join(ROLES)} / role must be one of {', '.join(ROLES)}, got {role!r}"
        )
    if len(password) < 6:
        raise ValueError("密码至少 6 个字符 / the password needs at least 6 characters")
    salt = os.urandom(16)
    with transaction(conn):
        conn.execute(
            """INSERT INTO users (name, role, salt, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET role = excluded.role, salt = excluded.salt,
                   password_hash = excluded.password_hash""",
            (name, role, salt.hex(), _password_hash(password, salt), now()),
        )
        conn.execute("DELETE FROM signin_failures WHERE name = ?", (name,))


def check_password(
    conn: sqlite3.Connection, name: str, password: str, at: float | None = None
) -> dict | None:
    """The user ({name, role}) if `password` is theirs, else None (an unknown name costs the same time).

    After SIGNIN_LIMIT failures for one name (known or not, so a lock tells nothing about which names exist)
    within SIGNIN_WINDOW_SECONDS, the name is locked until a window after its last failure: `SignInLocked` is
    raised without checking the password. A success clears the name's failures. `at` is the attempt's unix
    time (default: now).

    >>> store.check_password(conn, "张三", "s3cret-pass")  # doctest: +SKIP
    {'name': '张三', 'role': 'admin'}
    """
    name = name.strip()
    at = time.time() if at is None else at
    # The attempt is recorded as a failure before the slow hash runs, so attempts made in parallel (several
    # sessions or processes) cannot get more than SIGNIN_LIMIT passwords checked.
    with transaction(conn):
        lock_end = _signin_lock_end(conn, name)
        if lock_end > at:
            raise SignInLocked(_locked_message(name, lock_end - at))
        # This name's older failures can no longer join a lock; anyone's failures two windows old cannot hold one.
        conn.execute(
            "DELETE FROM signin_failures WHERE at <= :at - :window AND (name = :name OR at <= :at - 2 * :window)",
            {"at": at, "window": SIGNIN_WINDOW_SECONDS, "name": name},
        )
        conn.execute("INSERT INTO signin_failures (name, at) VALUES (?, ?)", (name, at))
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    salt = bytes.fromhex(row["salt"]) if row else b"\0" * 16
    digest = _password_hash(password, salt)
    if row and hmac.compare_digest(digest, row["password_hash"]):
        with transaction(conn):
            conn.execute("DELETE FROM signin_failures WHERE name = ?", (name,))
        return {"name": row["name"], "role": row["role"]}
    return None


def _signin_lock_end(conn: sqlite3.Connection, name: str) -> float:
    """Unix time the name's sign-in lock ends (0 if not locked): a window after its latest failure once it has
    SIGNIN_LIMIT. They all lie within one window, as recording a failure deletes the name's older ones."""
    count, latest = conn.execute(
        "SELECT COUNT(*), MAX(at) FROM signin_failures WHERE name = ?", (name,)
    ).fetchone()
    return latest + SIGNIN_WINDOW_SECONDS if count >= SIGNIN_LIMIT else 0.0


def _locked_message(name: str, seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    return (
        f"登录失败次数过多，账号「{name}」已暂时锁定，请 {minutes} 分钟后再试；如忘记密码，请管理员运行"
        f" dutylist user add {name} --role reviewer（管理员账号用 --role admin）重设密码。"
        f" / too many failed sign-ins: try again in {minutes} min, or ask an admin to reset the password"
    )


def users(conn: sqlite3.Connection) -> list[dict]:
    return [dict(row) for row in conn.execute("SELECT name, role, created_at FROM users ORDER BY name")]


@dataclass(frozen=True)
class QueueFilter:
    """Which items the review queue serves, and in which order.

    mode: "uncertain" (smallest margin between the two most probable labels first), "document" (document by
    document, in source order) or "audit" (a fixed random sample of auto-accepted items). status None means any.
    overlap: the fraction of items reviewed twice (`in_double_review`); with status "pending" the queue also
    serves those decided once, to everyone but the first reviewer, until a second reviewer decides.

    >>> store.QueueFilter(mode="document", label="returned", search="行政处罚")  # doctest: +SKIP
    """

    mode: str = "uncertain"
    township: str | None = None
    doc: str | None = None
    section: str = ""
    label: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    status: str | None = "pending"
    reviewer: str | None = None
    flagged: bool = False
    search: str = ""
    overlap: float = 0.0


_QUEUE_JOINS = """
    LEFT JOIN leases l ON l.item_id = s.item_id AND l.expires > :now AND l.reviewer != :me
"""
# Per mode: the tables in the order SQLite should walk them (CROSS JOIN fixes the order, so "by document" reads
# documents by path and items by (doc, seq) from their indexes instead of sorting 50,000 rows), and the sort key.
# The item id (unique) ends every key, so keyset paging (next / previous) is exact.
_QUEUE_FROM = {
    "uncertain": "FROM review_state s JOIN items i ON i.id = s.item_id JOIN documents d ON d.sha256 = i.doc",
    "document": "FROM documents d CROSS JOIN items i ON i.doc = d.sha256 CROSS JOIN review_state s ON s.item_id = i.id",
    "audit": "FROM review_state s JOIN items i ON i.id = s.item_id JOIN documents d ON d.sha256 = i.doc",
}
_ORDER_KEYS = {
    "uncertain": ("s.margin", "s.item_id"),
    "document": ("d.path", "i.doc", "i.seq"),
    # An item id is a SHA-256 prefix: ordering by it is a random sample that stays the same for everyone.
    "audit": ("s.item_id",),
}


# A double-review item decided by exactly one reviewer waits for a second, different one. A decision counts while
# the item's next event is not an undo; imports and adjudications are not opinions.
_DECISIONS = "('confirm', 'relabel', 'reject')"
_STANDING = f"""SELECT r.reviewer FROM reviews r WHERE r.item_id = s.item_id AND r.action IN {_DECISIONS}
    AND r.note NOT LIKE '裁决%' AND COALESCE((SELECT n.action FROM reviews n WHERE n.item_id = r.item_id
    AND n.id > r.id ORDER BY n.id LIMIT 1), '') != 'undo'"""
_SECOND_OPINION = f"""(s.item_id < :overlap_cut AND s.status IN ('confirmed', 'rejected')
    AND NOT EXISTS (SELECT 1 FROM reviews a WHERE a.item_id = s.item_id AND a.note LIKE '裁决%')
    AND NOT EXISTS ({_STANDING} AND r.reviewer = :me)
    AND (SELECT COUNT(DISTINCT reviewer) FROM ({_STANDING})) = 1)"""


def _overlap_cut(fraction: float) -> str:
    """Item ids are hex SHA-256 prefixes: ids below this string are a fixed `fraction` of all items."""
    return "g" if fraction >= 1 else format(int(fraction * 16**8), "08x")  # "g" sorts after every hex id


def in_double_review(item_id: str, fraction: float) -> bool:
    """Whether an item is one of the `fraction` reviewed by two reviewers (fixed by its id, same for everyone).

    >>> store.in_double_review("0a3f9c2e11d2b7aa", 0.1)
    True
    """
    return fraction > 0 and item_id < _overlap_cut(fraction)


def _from(f: QueueFilter) -> str:
    return _QUEUE_FROM[f.mode] + _QUEUE_JOINS


def _second_opinions(f: QueueFilter) -> bool:
    return f.status == "pending" and f.overlap > 0


def _queue_where(f: QueueFilter, reviewer: str | None, part: str = "both") -> tuple[list[str], dict]:
    """The WHERE clauses and parameters of `f`; with double review, `part` "pending" or "second" selects only
    the undecided items or only those waiting for a second opinion ("both": either)."""
    if f.mode not in QUEUE_MODES:
        raise ValueError(f"queue mode must be one of {', '.join(QUEUE_MODES)}, got {f.mode!r}")
    where = ["s.proposed_label IS NOT NULL", "l.item_id IS NULL"]
    params: dict = {"now": time.time(), "me": reviewer or ""}
    status = "+s.status = :status" if f.mode == "audit" else "s.status = :status"
    if _second_opinions(f) and part != "pending":
        status = _SECOND_OPINION if part == "second" else f"({status} OR {_SECOND_OPINION})"
    checks = (
        (f.township, "i.township = :township"),
        (f.doc, "i.doc = :doc"),
        (f.section, "i.section LIKE '%' || :section || '%'"),
        (f.label, "s.proposed_label = :label"),
        (f.min_confidence is not None, "s.confidence >= :min_confidence"),
        (f.max_confidence is not None, "s.confidence < :max_confidence"),
        # Audit walks the items in id order; "+" keeps SQLite from using the status index instead.
        (f.status, status),
        (f.reviewer, "s.reviewer = :reviewer"),
        (f.flagged, "(s.status = 'flagged' OR i.flags != '[]')"),
        (f.mode == "audit", "s.auto_accept = 1"),
    )
    where += [clause for wanted, clause in checks if wanted]
    params.update({key: value for key, value in vars(f).items() if key != "search"})
    if _second_opinions(f):
        params["overlap_cut"] = _overlap_cut(f.overlap)
    search = f.search.strip()
    if len(search) >= 3:
        where.append("s.item_id IN (SELECT item_id FROM items_fts WHERE items_fts MATCH :search)")
        params["search"] = '"' + search.replace('"', '""') + '"'
    elif search:  # the trigram index needs three characters; two-character words are scanned
        where.append("(i.text LIKE :like OR i.detail LIKE :like)")
        params["like"] = f"%{search}%"
    return where, params


def queue_ids(
    conn: sqlite3.Connection,
    f: QueueFilter,
    reviewer: str | None = None,
    limit: int = 50,
    after: str | None = None,
    backwards: bool = False,
) -> list[str]:
    """Ids of the items `f` selects, in its mode's order, skipping items another reviewer holds a lease on.

    after: an item id; only items after it (before it when `backwards`) in that order are returned.
    """
    if not _second_opinions(f):
        return [row[-1] for row in _queue_rows(conn, f, reviewer, limit, after, backwards, "both")]
    # Undecided items come from the (status, margin) index; an OR with the few second opinions would lose it.
    rows = [
        row
        for part in ("pending", "second")
        for row in _queue_rows(conn, f, reviewer, limit, after, backwards, part)
    ]
    rows.sort(key=lambda row: tuple(row), reverse=backwards)
    return [row[-1] for row in rows][: limit if limit >= 0 else None]


def _queue_rows(
    conn: sqlite3.Connection,
    f: QueueFilter,
    reviewer: str | None,
    limit: int,
    after: str | None,
    backwards: bool,
    part: str,
) -> list[sqlite3.Row]:
    """The order key and id of the items of `f` (or of one `part` of it) in order."""
    where, params = _queue_where(f, reviewer, part)
    keys = _ORDER_KEYS[f.mode]
    if after is not None:
        key = conn.execute(
            f"SELECT {', '.join(keys)} {_from(f)} WHERE s.item_id = :after", {**params, "after": after}
        ).fetchone()
        if key is None:
            raise KeyError(f"no item {after!r} with a proposal in this workspace")
        marks = ", ".join(f":key{n}" for n in range(len(keys)))
        where.append(f"({', '.join(keys)}) {'<' if backwards else '>'} ({marks})")
        params.update({f"key{n}": value for n, value in enumerate(key)})
    direction = " DESC" if backwards else ""
    sql = (
        f"SELECT {', '.join(keys)}, s.item_id {_from(f)} WHERE {' AND '.join(where)}"
        f" ORDER BY {', '.join(k + direction for k in keys)} LIMIT :limit"
    )
    return conn.execute(sql, {**params, "limit": limit}).fetchall()


def queue_count(conn: sqlite3.Connection, f: QueueFilter, reviewer: str | None = None) -> int:
    """How many items `f` selects (items leased by another reviewer than `reviewer` not counted)."""
    where, params = _queue_where(f, reviewer)
    return conn.execute(f"SELECT COUNT(*) {_from(f)} WHERE {' AND '.join(where)}", params).fetchone()[0]


def take_item(
    conn: sqlite3.Connection,
    reviewer: str,
    f: QueueFilter,
    current: str | None = None,
    step: int = 0,
    ttl: float = LEASE_SECONDS,
) -> dict | None:
    """Lease the item a reviewer should see now and return its state (None when `f` selects nothing free).

    step 0: `current` again if `f` still selects it, else the next item after it (after a decision);
    step 1 / -1: the next / previous item after `current` in the queue's order. The reviewer's other leases
    are released, so a reviewer holds one item at a time; nobody else is served it until it expires.

    >>> item = store.take_item(conn, "张三", store.QueueFilter(township="青石镇"))  # doctest: +SKIP
    """
    with transaction(conn):
        chosen = None
        if current and step == 0:
            where, params = _queue_where(f, reviewer)
            sql = f"SELECT s.item_id {_from(f)} WHERE {' AND '.join(where)} AND s.item_id = :current"
            found = conn.execute(sql, {**params, "current": current}).fetchone()
            chosen = found[0] if found else None
        if chosen is None and current and _has_proposal(conn, current):
            ids = queue_ids(conn, f, reviewer, limit=1, after=current, backwards=step < 0)
            chosen = ids[0] if ids else None
        if chosen is None and step >= 0:
            ids = queue_ids(conn, f, reviewer, limit=1)
            chosen = ids[0] if ids else None
        if chosen is None and step < 0:
            chosen = current  # nothing before the first item: stay
        conn.execute("DELETE FROM leases WHERE reviewer = ?", (reviewer,))
        if chosen is None:
            return None
        conn.execute(
            "INSERT OR REPLACE INTO leases (item_id, reviewer, expires) VALUES (?, ?, ?)",
            (chosen, reviewer, time.time() + ttl),
        )
        return item_state(conn, chosen)


def _has_proposal(conn: sqlite3.Connection, item_id: str) -> bool:
    sql = "SELECT 1 FROM review_state WHERE item_id = ? AND proposed_label IS NOT NULL"
    return conn.execute(sql, (item_id,)).fetchone() is not None


def release(conn: sqlite3.Connection, reviewer: str) -> None:
    """Give back every lease `reviewer` holds (signing out, closing the queue)."""
    with transaction(conn):
        conn.execute("DELETE FROM leases WHERE reviewer = ?", (reviewer,))


def reviewers(conn: sqlite3.Connection) -> list[str]:
    """Everyone who has written a review event, by name."""
    return [row[0] for row in conn.execute("SELECT DISTINCT reviewer FROM reviews ORDER BY 1")]


def leases(conn: sqlite3.Connection) -> list[dict]:
    return [dict(row) for row in conn.execute("SELECT * FROM leases WHERE expires > ?", (time.time(),))]


def queue_progress(conn: sqlite3.Connection, township: str | None = None) -> dict:
    """Items with a proposal and how many are decided (confirmed, rejected or flagged), from the queue state.

    >>> store.queue_progress(conn, "青石镇")  # doctest: +SKIP
    {'total': 120, 'reviewed': 45}
    """
    sql = """SELECT COUNT(*), COALESCE(SUM(s.status != 'pending'), 0) FROM review_state s
             WHERE s.proposed_label IS NOT NULL"""
    params: list = []
    if township:
        sql += " AND s.item_id IN (SELECT id FROM items WHERE township = ?)"
        params.append(township)
    total, reviewed = conn.execute(sql, params).fetchone()
    return {"total": total, "reviewed": reviewed}


def neighbours(conn: sqlite3.Connection, item_id: str, span: int = 2) -> list[dict]:
    """The item and up to `span` items before and after it in its document, in source order, with status."""
    sql = (
        _STATE_SQL
        + """ WHERE items.doc = (SELECT doc FROM items WHERE id = :id)
        AND items.seq BETWEEN (SELECT seq FROM items WHERE id = :id) - :span
                          AND (SELECT seq FROM items WHERE id = :id) + :span ORDER BY items.seq"""
    )
    return [_with_status(_row(row)) for row in conn.execute(sql, {"id": item_id, "span": span})]


def edit_item(
    conn: sqlite3.Connection, item_id: str, changes: dict, reviewer: str, note: str = ""
) -> dict | None:
    """Change an item's text, detail, departments or basis; the old values go into an `edit` review event.

    Returns the event, or None when nothing differs. Undo (`add_review(..., "undo")`) puts the old values back.

    >>> store.edit_item(conn, item_id, {"lead_dept": "县应急管理局"}, reviewer="张三")  # doctest: +SKIP
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}")
    with transaction(conn):
        current = _item_row(conn, item_id)
        diff = {key: [current[key], value] for key, value in changes.items() if current[key] != value}
        if not diff:
            return None
        _set_fields(conn, item_id, {key: new for key, (_, new) in diff.items()})
        return _append_review(conn, item_id, "edit", None, reviewer, note, changes=diff)


def _set_fields(conn: sqlite3.Connection, item_id: str, values: dict) -> None:
    if "text" in values and not str(values["text"]).strip():
        raise ValueError("事项名称不能为空 / the item text cannot be empty")
    encoded = {
        key: json.dumps(v, ensure_ascii=False) if key == "coop_depts" else v for key, v in values.items()
    }
    assignments = ", ".join(f"{key} = :{key}" for key in encoded if key in EDITABLE)
    conn.execute(f"UPDATE items SET {assignments} WHERE id = :item_id", {**encoded, "item_id": item_id})


def _revert_edit(conn: sqlite3.Connection, item_id: str) -> dict:
    """If the item's latest event changed fields, put the old values back; return the reverse changes."""
    latest = conn.execute(
        "SELECT changes FROM reviews WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)
    ).fetchone()
    changes = json.loads(latest["changes"]) if latest else {}
    if changes:
        _set_fields(conn, item_id, {key: old for key, (old, _) in changes.items()})
    return {key: [new, old] for key, (old, new) in changes.items()}


def bulk_confirm(
    conn: sqlite3.Connection, f: QueueFilter, min_confidence: float, reviewer: str
) -> tuple[str, int]:
    """Confirm the proposal of every pending item `f` selects with confidence >= `min_confidence`, in one
    transaction; return the batch id (for `undo_batch`) and how many were confirmed.

    Preview the count first with `queue_count(conn, bulk_filter(f, min_confidence), reviewer)`.
    """
    batch = uuid.uuid4().hex
    with transaction(conn):
        ids = queue_ids(conn, bulk_filter(f, min_confidence), reviewer, limit=-1)
        for item_id in ids:
            _append_review(conn, item_id, "confirm", None, reviewer, "批量确认", batch)
    return batch, len(ids)


def bulk_filter(f: QueueFilter, min_confidence: float) -> QueueFilter:
    """The items a bulk confirm would touch: `f`, pending only, confidence at least `min_confidence`."""
    low = max(min_confidence, f.min_confidence or 0.0)
    return replace(f, status="pending", min_confidence=low, overlap=0.0)


def undo_batch(conn: sqlite3.Connection, batch: str, reviewer: str) -> int:
    """Undo every decision of a bulk batch that is still its item's latest event; return how many."""
    with transaction(conn):
        ids = [
            row[0]
            for row in conn.execute(
                """SELECT r.item_id FROM reviews r JOIN review_state s ON s.review_id = r.id
                   WHERE r.batch = ?""",
                (batch,),
            )
        ]
        for item_id in ids:
            _append_review(conn, item_id, "undo", None, reviewer, "撤销批量确认", batch)
    return len(ids)


def confirmed_counts(conn: sqlite3.Connection, township: str | None = None) -> dict[str, int]:
    """How many items are confirmed in each list (from the queue state: no per-item work on a large workspace)."""
    sql = "SELECT final_label, COUNT(*) FROM review_state s WHERE s.status = 'confirmed'"
    params: list = []
    if township:
        sql += " AND s.item_id IN (SELECT id FROM items WHERE township = ?)"
        params.append(township)
    counts = dict(conn.execute(sql + " GROUP BY 1", params).fetchall())
    return {label: counts.get(label, 0) for label in LABELS}


def flagged_items(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """Items a reviewer flagged as extraction errors, in document order, with the flag's note, reviewer and time
    (`flag_note`, `flag_reviewer`, `flag_at`): material for extraction test cases."""
    sql = """SELECT items.*, r.note AS flag_note, r.reviewer AS flag_reviewer, r.at AS flag_at
             FROM review_state s JOIN items ON items.id = s.item_id JOIN reviews r ON r.id = s.review_id
             WHERE s.status = 'flagged'"""
    params: list = []
    if township:
        sql += " AND items.township = ?"
        params.append(township)
    return [_row(row) for row in conn.execute(sql + " ORDER BY items.doc, items.seq", params)]


def dashboard(conn: sqlite3.Connection, township: str | None = None) -> dict:
    """Figures for the dashboard charts, each a list of rows (counted in SQL, fast on a large workspace).

    documents: {file, status, n}; labels: {label, status, n}; confidence: {bin (lower edge), n};
    throughput: {reviewer, day, n} (decisions, not undos); auto_accept: {auto_accept, status, n}.
    """
    scope, params = ("AND i.township = :township", {"township": township}) if township else ("", {})
    base = f"""FROM review_state s JOIN items i ON i.id = s.item_id JOIN documents d ON d.sha256 = i.doc
               WHERE s.proposed_label IS NOT NULL {scope}"""
    queries = {
        "documents": f"SELECT d.path AS file, s.status, COUNT(*) AS n {base} GROUP BY 1, 2",
        "labels": f"SELECT s.proposed_label AS label, s.status, COUNT(*) AS n {base} GROUP BY 1, 2",
        "confidence": f"SELECT MIN(CAST(s.confidence * 20 AS INTEGER), 19) / 20.0 AS bin, COUNT(*) AS n {base}"
        " GROUP BY 1",
        "auto_accept": f"SELECT s.auto_accept, s.status, COUNT(*) AS n {base} GROUP BY 1, 2",
        "throughput": f"""SELECT r.reviewer, substr(r.at, 1, 10) AS day, COUNT(*) AS n FROM reviews r
                          JOIN items i ON i.id = r.item_id WHERE r.action NOT IN ('undo', 'import') {scope}
                          GROUP BY 1, 2""",
    }
    return {name: [dict(row) for row in conn.execute(sql, params)] for name, sql in queries.items()}


# Split and merge: the original item stays (rejected, with the reason); new items enter the queue ---------------


def split_item(conn: sqlite3.Connection, item_id: str, texts: list[str], reviewer: str) -> dict:
    """Split a candidate into one new item per text, placed right after it in its document, with its proposal.

    The original gets a `reject` event noting the split; each new item gets an `edit` event saying where it came
    from; all share one batch id, which `undo_restructure` takes. Returns {"batch", "ids"}.

    >>> store.split_item(conn, item_id, ["农村低保申请受理", "低保动态管理"], reviewer="张三")  # doctest: +SKIP
    """
    texts = [text.strip() for text in texts]
    if len(texts) < 2 or not all(texts):
        raise ValueError("拆分需要至少两条非空的事项名称 / a split needs two or more non-empty texts")
    batch = uuid.uuid4().hex
    with transaction(conn):
        original = _item_row(conn, item_id)
        count = len(texts)
        new = [
            {**original, "text": text, "locator": f"{original['locator']} (split {n}/{count})".strip()}
            for n, text in enumerate(texts, 1)
        ]
        ids = _insert_after(conn, original, new, batch)
        _append_review(conn, item_id, "reject", None, reviewer, "拆分为：" + "；".join(texts), batch)
        for new_id in ids:
            _append_review(conn, new_id, "edit", None, reviewer, f"由「{original['text']}」拆分而来", batch)
    return {"batch": batch, "ids": ids}


def next_in_document(conn: sqlite3.Connection, item_id: str) -> dict | None:
    """The item after `item_id` in its document's source order that is not rejected (what a merge joins)."""
    row = conn.execute(
        """SELECT n.* FROM items i JOIN items n ON n.doc = i.doc AND n.seq > i.seq
           LEFT JOIN review_state s ON s.item_id = n.id
           WHERE i.id = ? AND COALESCE(s.status, 'pending') != 'rejected' ORDER BY n.seq LIMIT 1""",
        (item_id,),
    ).fetchone()
    return _row(row) if row else None


def merge_with_next(conn: sqlite3.Connection, item_id: str, reviewer: str, text: str | None = None) -> dict:
    """Merge an item with the next one of its document into a new item (text `text`, else both texts joined).

    Both originals get a `reject` event noting the merge; the new item takes the first one's place, fields and
    proposal. Returns {"batch", "ids"} (the new item's id); `undo_restructure(batch)` takes it back.
    """
    batch = uuid.uuid4().hex
    with transaction(conn):
        first = _item_row(conn, item_id)
        second = next_in_document(conn, item_id)
        if second is None:
            raise ValueError("这是本文件的最后一条事项，没有下一条可合并 / no next item in this document")
        merged = {
            **first,
            "text": (text or first["text"] + second["text"]).strip(),
            "detail": "".join(part for part in (first["detail"], second["detail"]) if part),
            "coop_depts": list(dict.fromkeys(first["coop_depts"] + second["coop_depts"])),
            "basis": first["basis"] or second["basis"],
            "locator": f"{first['locator']} + {second['locator']} (merged)",
        }
        ids = _insert_after(conn, first, [merged], batch)
        for old in (first, second):
            _append_review(conn, old["id"], "reject", None, reviewer, f"合并为：{merged['text']}", batch)
        _append_review(
            conn, ids[0], "edit", None, reviewer, f"由「{first['text']}」和「{second['text']}」合并", batch
        )
    return {"batch": batch, "ids": ids}


def undo_restructure(conn: sqlite3.Connection, batch: str, reviewer: str) -> int:
    """Undo a split or merge: the originals get their state back, the new items are withdrawn (rejected).

    An original decided again since is left as it is. Returns how many events were written.
    """
    with transaction(conn):
        events = conn.execute(
            """SELECT r.item_id, r.action, s.review_id = r.id AS latest FROM reviews r
               JOIN review_state s ON s.item_id = r.item_id WHERE r.batch = ? AND r.action IN ('reject', 'edit')
               ORDER BY r.id""",
            (batch,),
        ).fetchall()
        written = 0
        for event in events:
            if event["action"] == "reject" and event["latest"]:
                _append_review(conn, event["item_id"], "undo", None, reviewer, "撤销拆分/合并", batch)
            elif event["action"] == "edit":
                _append_review(
                    conn, event["item_id"], "reject", None, reviewer, "撤销拆分/合并，撤回此条", batch
                )
            else:
                continue
            written += 1
    return written


def _item_row(conn: sqlite3.Connection, item_id: str) -> dict:
    row = conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise KeyError(f"no item {item_id!r} in this workspace")
    return _row(row)


def _insert_after(conn: sqlite3.Connection, original: dict, rows: list[dict], batch: str) -> list[str]:
    """Insert items right after `original` in its document (later items move down) with its latest proposal."""
    conn.execute(
        "UPDATE items SET seq = seq + ? WHERE doc = ? AND seq > ?",
        (len(rows), original["doc"], original["seq"]),
    )
    fields = {name: value for name, value in original.items() if name not in ("id", "seq", "created_at")}
    ids = []
    for offset, row in enumerate(rows, 1):
        # The batch is part of the identity, so splitting again after an undo makes fresh items.
        new = Item(**{**fields, **{k: row[k] for k in fields}, "id": ""})
        new.id = hashlib.sha256(f"{new.id}\x1f{batch}".encode()).hexdigest()[:16]
        params = _item_params(new, original["seq"] + offset, now())
        conn.execute(
            """INSERT INTO items (id, doc, seq, township, file, page, locator, section, text, detail, lead_dept,
                   coop_depts, basis, source_label, flags, created_at)
               VALUES (:id, :doc, :seq, :township, :file, :page, :locator, :section, :text, :detail, :lead_dept,
                   :coop_depts, :basis, :source_label, :flags, :at)""",
            params,
        )
        conn.execute(
            """INSERT INTO proposals (item_id, model_id, label, confidence, probs, evidence, auto_accept, created_at)
               SELECT ?, model_id, label, confidence, probs, evidence, auto_accept, ? FROM proposals
               WHERE item_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1""",
            (new.id, now(), original["id"]),
        )
        ids.append(new.id)
    return ids


# Double review: agreement between two reviewers of one item, and the admin's adjudication of disagreements -----

ADJUDICATION_NOTE = "裁决"
VERDICTS = (*LABELS, "rejected")


def opinions(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """Items decided by two different reviewers: {item_id, text, first, second (reviewer names), labels
    (each one's verdict: a label or "rejected"), adjudicated (the admin's verdict or None)}.

    A reviewer's verdict is their latest decision on the item that was not undone right after; imports and
    adjudications are not opinions. Only the first two reviewers of an item count.
    """
    sql = """SELECT r.item_id, r.reviewer, r.action, r.status, r.new_label, r.note, i.text FROM reviews r
             JOIN items i ON i.id = r.item_id
             WHERE r.item_id IN (SELECT item_id FROM reviews WHERE action IN ('confirm', 'relabel', 'reject')
                                 GROUP BY item_id HAVING COUNT(DISTINCT reviewer) > 1)"""
    params: list = []
    if township:
        sql += " AND i.township = ?"
        params.append(township)
    events: dict[str, list] = {}
    for row in conn.execute(sql + " ORDER BY r.id", params):
        events.setdefault(row["item_id"], []).append(dict(row))
    found = []
    for item_id, rows in events.items():
        verdicts: dict[str, str] = {}
        adjudicated = None
        for n, row in enumerate(rows):
            undone = n + 1 < len(rows) and rows[n + 1]["action"] == "undo"
            if undone or row["action"] not in ("confirm", "relabel", "reject"):
                continue
            verdict = row["new_label"] if row["status"] == "confirmed" else "rejected"
            if row["note"].startswith(ADJUDICATION_NOTE):
                adjudicated = verdict
            elif row["reviewer"] in verdicts or len(verdicts) < 2:
                verdicts[row["reviewer"]] = verdict
        if len(verdicts) == 2:
            (first, a), (second, b) = verdicts.items()
            found.append(
                {
                    "item_id": item_id,
                    "text": rows[0]["text"],
                    "first": first,
                    "second": second,
                    "labels": (a, b),
                    "adjudicated": adjudicated,
                }
            )
    return found


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's κ of two raters' verdicts: (observed - chance agreement) / (1 - chance); None without pairs.

    >>> store.cohen_kappa([("basic", "basic"), ("returned", "returned"), ("basic", "returned")])
    0.4
    """
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    values = {value for pair in pairs for value in pair}
    chance = sum(sum(a == v for a, _ in pairs) * sum(b == v for _, b in pairs) for v in values) / n**2
    return 1.0 if chance == 1 else round((observed - chance) / (1 - chance), 4)


def agreement(conn: sqlite3.Connection, township: str | None = None) -> dict:
    """Agreement of double-reviewed items: per reviewer pair {pair, items, agree, disagree, kappa} and per
    verdict, one against the rest over all pairs {label, items, agree, disagree, kappa}.

    >>> store.agreement(conn)["pairs"]  # doctest: +SKIP
    [{'pair': '张三 / 李四', 'items': 40, 'agree': 35, 'disagree': 5, 'kappa': 0.78}]
    """
    by_pair: dict[str, list] = {}
    for row in opinions(conn, township):
        pair = " / ".join(sorted((row["first"], row["second"])))
        by_pair.setdefault(pair, []).append(row["labels"])
    everything = [labels for rows in by_pair.values() for labels in rows]

    def figures(pairs: list[tuple[str, str]]) -> dict:
        agree = sum(a == b for a, b in pairs)
        return {
            "items": len(pairs),
            "agree": agree,
            "disagree": len(pairs) - agree,
            "kappa": cohen_kappa(pairs),
        }

    return {
        "pairs": [{"pair": pair, **figures(rows)} for pair, rows in sorted(by_pair.items())],
        "labels": [
            {"label": v, **figures([(a == v, b == v) for a, b in everything])} for v in VERDICTS if everything
        ],
    }


def disagreements(conn: sqlite3.Connection, township: str | None = None) -> list[dict]:
    """Double-reviewed items whose two reviewers disagree and that no admin has adjudicated yet."""
    return [
        row
        for row in opinions(conn, township)
        if row["labels"][0] != row["labels"][1] and not row["adjudicated"]
    ]


def adjudicate(conn: sqlite3.Connection, item_id: str, verdict: str, admin: str) -> dict:
    """Record an admin's final verdict (a label, or "rejected") on a disagreement as a review event.

    >>> store.adjudicate(conn, item_id, "returned", admin="王主任")  # doctest: +SKIP
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    if verdict == "rejected":
        return add_review(conn, item_id, "reject", reviewer=admin, note=ADJUDICATION_NOTE)
    return add_review(conn, item_id, "relabel", verdict, reviewer=admin, note=ADJUDICATION_NOTE)
