"""The workspace file: migrations, idempotent items, append-only reviews, undo, and damaged files."""

import sqlite3

import pytest

from dutylist import store
from dutylist.errors import WorkspaceError
from dutylist.items import Item
from dutylist.schema import MIGRATIONS

DOC = "d" * 64


def save(conn, texts, doc=DOC, township="青石镇"):
    items = [
        Item(doc=doc, file="清单.docx", text=text, township=township, locator=f"table 1 row {n}")
        for n, text in enumerate(texts, 1)
    ]
    return store.save_document(
        conn, {"sha256": doc, "path": "清单.docx", "township": township, "status": "ok"}, items
    )


def propose(conn, label="basic", confidence=0.7):
    store.add_model(conn, "m-test", "models/model.joblib", "0" * 64, {})
    store.add_proposals(
        conn,
        "m-test",
        [
            {"item_id": row["id"], "label": label, "confidence": confidence, "probs": {label: confidence}}
            for row in store.items(conn)
        ],
    )


def test_new_workspace_is_wal_and_versioned(db_path):
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_saving_the_same_document_twice_adds_nothing_and_loses_nothing(conn):
    assert save(conn, ["农村低保对象动态管理", "网格员日常巡查"]) == 2
    first = store.items(conn)
    assert save(conn, ["农村低保对象动态管理", "网格员日常巡查"]) == 0
    assert store.items(conn) == first


def test_reviews_survive_reopening_and_confirmed_items_carry_the_label(db_path):
    with store.open(db_path) as conn:
        save(conn, ["农村低保对象动态管理", "对违法排污企业的行政处罚"])
        propose(conn)
        first, second = store.items(conn)
        store.add_review(conn, first["id"], "confirm", reviewer="张三")
        store.add_review(conn, second["id"], "relabel", "returned", reviewer="张三")
    with store.open(db_path) as conn:
        confirmed = {row["text"]: row["label"] for row in store.confirmed_items(conn)}
    assert confirmed == {"农村低保对象动态管理": "basic", "对违法排污企业的行政处罚": "returned"}


def test_undo_is_a_new_event_and_restores_the_previous_state(conn):
    save(conn, ["农村低保对象动态管理"])
    propose(conn)
    item = store.items(conn)[0]["id"]
    store.add_review(conn, item, "confirm")
    store.add_review(conn, item, "relabel", "cooperative")
    store.add_review(conn, item, "undo")
    assert store.item_state(conn, item)["final_label"] == "basic"
    store.add_review(conn, item, "undo")
    assert store.item_state(conn, item)["final_label"] == "cooperative"
    assert [event["action"] for event in store.reviews(conn, item)] == ["confirm", "relabel", "undo", "undo"]


def test_undo_of_the_only_decision_puts_the_item_back_in_the_queue(conn):
    save(conn, ["农村低保对象动态管理"])
    propose(conn)
    item = store.items(conn)[0]["id"]
    store.add_review(conn, item, "reject")
    assert store.queue_ids(conn, store.QueueFilter()) == []
    store.add_review(conn, item, "undo")
    assert store.queue_ids(conn, store.QueueFilter()) == [item]


def test_the_audit_trail_cannot_be_edited_or_deleted(conn):
    save(conn, ["农村低保对象动态管理"])
    propose(conn)
    store.add_review(conn, store.items(conn)[0]["id"], "confirm")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE reviews SET new_label = 'returned'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM reviews")


def test_queue_is_most_uncertain_first(conn):
    save(conn, ["甲事项", "乙事项", "丙事项"])
    store.add_model(conn, "m-test", "p", "0" * 64, {})
    rows = store.items(conn)
    store.add_proposals(
        conn,
        "m-test",
        [
            {
                "item_id": row["id"],
                "label": "basic",
                "confidence": c,
                "probs": {"basic": c, "cooperative": 1 - c},
            }
            for row, c in zip(rows, (0.9, 0.55, 0.7), strict=True)
        ],
    )
    texts = {row["id"]: row["text"] for row in rows}
    # The smallest margin between the two most probable labels comes first.
    assert [texts[i] for i in store.queue_ids(conn, store.QueueFilter())] == ["乙事项", "丙事项", "甲事项"]


def test_an_unknown_label_is_refused_and_nothing_is_written(conn):
    save(conn, ["农村低保对象动态管理"])
    propose(conn)
    with pytest.raises(ValueError, match="basic, cooperative, returned"):
        store.add_review(conn, store.items(conn)[0]["id"], "relabel", "other")
    assert store.reviews(conn) == []


def test_a_file_that_is_not_a_database_is_refused_with_the_path(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(WorkspaceError, match="notes.db"):
        store.open(path)
    assert path.read_text(encoding="utf-8").startswith("这不是数据库")


def test_a_workspace_from_a_newer_program_is_refused_untouched(db_path):
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    raw.close()
    with pytest.raises(WorkspaceError, match="升级"):
        store.open(db_path)
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 5


def test_confirmed_townships_are_those_with_a_confirmed_item(conn):
    save(conn, ["农村低保对象动态管理"], doc="a" * 64, township="青石镇")
    save(conn, ["网格员日常巡查"], doc="b" * 64, township="白沙乡")
    propose(conn)
    assert store.confirmed_townships(conn) == []
    qingshi = next(row["id"] for row in store.items(conn) if row["township"] == "青石镇")
    store.add_review(conn, qingshi, "confirm")
    assert store.confirmed_townships(conn) == ["青石镇"]
    store.add_review(conn, qingshi, "reject")
    assert store.confirmed_townships(conn) == []


def test_stats_count_every_item_once_by_its_latest_decision(conn):
    save(conn, ["农村低保对象动态管理", "网格员日常巡查", "对无证经营的行政处罚", "耕地保护巡查"])
    save(conn, ["一条尚未分类的事项"], doc="e" * 64, township="白沙乡")
    store.add_model(conn, "m-test", "models/model.joblib", "0" * 64, {})
    first, second, third, fourth = [row["id"] for row in store.items(conn) if row["doc"] == DOC]
    store.add_proposals(
        conn,
        "m-test",
        [
            {"item_id": item, "label": label, "confidence": 0.8, "probs": {label: 0.8}}
            for item, label in ((first, "basic"), (second, "basic"), (third, "returned"), (fourth, "basic"))
        ],
    )
    store.add_review(conn, first, "confirm")
    store.add_review(conn, third, "relabel", "cooperative")
    store.add_review(conn, fourth, "reject")
    store.add_review(conn, fourth, "undo")
    counts = store.stats(conn)
    assert counts["items"] == 5 and counts["townships"] == {"青石镇": 4, "白沙乡": 1}
    assert counts["proposed"] == {"basic": 3, "cooperative": 0, "returned": 1}
    assert counts["status"] == {"pending": 3, "confirmed": 2, "rejected": 0, "flagged": 0}
    assert counts["confirmed"] == {"basic": 1, "cooperative": 1, "returned": 0}
    assert counts["reviews"] == 4 and counts["models"] == 1
