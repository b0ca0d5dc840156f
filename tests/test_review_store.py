"""What the review app relies on in the workspace: users, leases, the queue's modes and filters, edits,
flags, bulk batches, and the m002 migration of a workspace created before it (with rows in it)."""

import json
import sqlite3

import pytest
from test_app import ITEMS, QUEUE_ORDER, fill_workspace

from dutylist import store
from dutylist.items import LABELS
from dutylist.schema import MIGRATIONS, m001_initial


@pytest.fixture
def ids(db_path):
    return fill_workspace(db_path)


def texts(conn, item_ids):
    return [store.item_state(conn, item_id)["text"] for item_id in item_ids]


def test_a_password_is_stored_hashed_and_only_the_right_one_signs_in(conn):
    store.add_user(conn, "张三", "admin", "长城-2026")
    row = dict(conn.execute("SELECT * FROM users").fetchone())
    assert "长城-2026" not in json.dumps(row, ensure_ascii=False) and len(row["password_hash"]) == 64
    assert store.check_password(conn, "张三", "长城-2026") == {"name": "张三", "role": "admin"}
    assert store.check_password(conn, "张三", "长城-2025") is None
    assert store.check_password(conn, "李四", "长城-2026") is None
    store.add_user(conn, "李四", "reviewer", "长城-2026")  # same password, different salt
    hashes = [row[0] for row in conn.execute("SELECT password_hash FROM users")]
    assert len(set(hashes)) == 2
    store.add_user(conn, "张三", "reviewer", "新密码-123")  # re-adding resets password and role
    assert store.check_password(conn, "张三", "长城-2026") is None
    assert store.check_password(conn, "张三", "新密码-123")["role"] == "reviewer"


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        (" ", "admin", "secret1", "用户名"),
        ("王五", "boss", "secret1", "角色"),
        ("王五", "admin", "12345", "至少 6"),
    ],
)
def test_bad_users_are_refused_with_a_reason(conn, name, role, password, message):
    with pytest.raises(ValueError, match=message):
        store.add_user(conn, name, role, password)
    assert store.users(conn) == []


def test_a_leased_item_is_not_served_to_another_reviewer_until_released(ids, conn):
    queue = store.QueueFilter()
    first = store.take_item(conn, "甲", queue)
    second = store.take_item(conn, "乙", queue)
    assert first["id"] == ids[QUEUE_ORDER[0]] and second["id"] == ids[QUEUE_ORDER[1]]
    assert store.take_item(conn, "甲", queue, current=first["id"])["id"] == first["id"]  # a refresh keeps it
    store.add_review(conn, first["id"], "confirm", reviewer="甲")
    assert {lease["reviewer"] for lease in store.leases(conn)} == {"乙"}
    third = store.take_item(conn, "甲", queue, current=first["id"])
    assert third["id"] == ids[QUEUE_ORDER[2]]
    store.release(conn, "乙")
    assert store.take_item(conn, "丙", queue)["id"] == second["id"]


def test_an_expired_lease_frees_the_item(ids, conn):
    queue = store.QueueFilter()
    held = store.take_item(conn, "甲", queue, ttl=-1)
    assert store.take_item(conn, "乙", queue)["id"] == held["id"]


def test_next_and_previous_follow_the_queue_order(ids, conn):
    queue = store.QueueFilter()
    first = store.take_item(conn, "甲", queue)
    second = store.take_item(conn, "甲", queue, current=first["id"], step=1)
    assert second["id"] == ids[QUEUE_ORDER[1]]
    assert store.take_item(conn, "甲", queue, current=second["id"], step=-1)["id"] == first["id"]
    assert store.take_item(conn, "甲", queue, current=first["id"], step=-1)["id"] == first["id"]
    assert [lease["item_id"] for lease in store.leases(conn)] == [first["id"]]


def test_uncertain_mode_orders_by_the_margin_between_the_top_two_labels(ids, conn):
    store.add_proposals(  # confident label but two close runners-up: a small margin would be wrong here
        conn,
        "test-model",
        [
            {
                "item_id": ids[2],
                "label": "returned",
                "confidence": 0.5,
                "probs": {"returned": 0.5, "basic": 0.49},
            },
        ],
    )
    assert store.queue_ids(conn, store.QueueFilter())[0] == ids[2]


def test_document_mode_is_source_order_and_audit_mode_only_auto_accepted(ids, conn):
    in_order = store.queue_ids(conn, store.QueueFilter(mode="document"))
    assert texts(conn, in_order) == [ITEMS[4][1], *[item[1] for item in ITEMS[:4]]]
    assert store.queue_ids(conn, store.QueueFilter(mode="audit")) == []
    store.add_proposals(
        conn,
        "test-model",
        [{"item_id": ids[2], "label": "returned", "confidence": 0.91, "probs": {}, "auto_accept": True}],
    )
    assert store.queue_ids(conn, store.QueueFilter(mode="audit")) == [ids[2]]


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        (store.QueueFilter(search="最低生活保障"), [0]),
        (store.QueueFilter(search="劝阻野外用火"), [1]),  # found in 事项内容
        (store.QueueFilter(search="河道"), [4]),  # two characters: below the trigram size
        (store.QueueFilter(label="basic"), [0, 3, 4]),
        (store.QueueFilter(township="白沙乡"), [4]),
        (store.QueueFilter(min_confidence=0.6, max_confidence=0.8), [3, 4]),
        (store.QueueFilter(section="民生服务", label="returned"), [2]),
        (store.QueueFilter(doc="1" * 64), [4]),
    ],
)
def test_filters_select_the_items_a_reviewer_asks_for(ids, conn, queue, expected):
    assert sorted(ids.index(item_id) for item_id in store.queue_ids(conn, queue)) == expected
    assert store.queue_count(conn, queue) == len(expected)


def test_status_reviewer_and_flag_filters(ids, conn):
    store.add_review(conn, ids[0], "confirm", reviewer="甲")
    store.add_review(conn, ids[1], "flag", reviewer="乙", note="事项被截断")
    assert store.queue_ids(conn, store.QueueFilter(status="confirmed")) == [ids[0]]
    assert store.queue_ids(conn, store.QueueFilter(status=None, reviewer="乙")) == [ids[1]]
    assert store.queue_ids(conn, store.QueueFilter(status=None, flagged=True)) == [ids[1]]
    assert ids[1] not in store.queue_ids(conn, store.QueueFilter())
    assert store.queue_progress(conn) == {"total": 5, "reviewed": 2}
    (flag,) = [row for row in store.reviews(conn) if row["action"] == "flag"]
    assert (flag["status"], flag["note"]) == ("flagged", "事项被截断")


def test_an_edit_is_recorded_with_the_old_values_and_undone(ids, conn):
    event = store.edit_item(
        conn,
        ids[1],
        {"text": "配合开展森林防火巡查", "coop_depts": ["县林业局"]},
        reviewer="甲",
        note="去掉重复",
    )
    assert event["action"] == "edit" and event["text"] == ITEMS[1][1]
    assert json.loads(event["changes"])["coop_depts"] == [["县民政局", "县财政局"], ["县林业局"]]
    state = store.item_state(conn, ids[1])
    assert (state["text"], state["coop_depts"], state["status"]) == (
        "配合开展森林防火巡查",
        ["县林业局"],
        "pending",
    )
    assert store.queue_ids(conn, store.QueueFilter(search="火巡查", status=None)) == [ids[1]]
    assert store.edit_item(conn, ids[1], {"text": "配合开展森林防火巡查"}, reviewer="甲") is None
    store.add_review(conn, ids[1], "undo", reviewer="甲")
    state = store.item_state(conn, ids[1])
    assert (state["text"], state["coop_depts"]) == (ITEMS[1][1], ["县民政局", "县财政局"])
    assert store.queue_ids(conn, store.QueueFilter(search="配合开展森林防火巡查和")) == [ids[1]]
    with pytest.raises(ValueError, match="cannot edit"):
        store.edit_item(conn, ids[1], {"township": "白沙乡"}, reviewer="甲")


def test_bulk_confirm_previews_the_count_and_is_undone_as_one_batch(ids, conn):
    queue = store.QueueFilter(township="青石镇")
    store.take_item(conn, "乙", store.QueueFilter(min_confidence=0.9))  # 乙 holds the 0.91 item
    store.add_review(conn, ids[3], "reject", reviewer="乙")  # already decided: not touched
    preview = store.queue_count(conn, store.bulk_filter(queue, 0.5), "甲")
    batch, count = store.bulk_confirm(conn, queue, 0.5, "甲")
    assert preview == count == 1
    assert store.item_state(conn, ids[0])["status"] == "confirmed"
    assert store.item_state(conn, ids[2])["status"] == "pending"
    assert store.undo_batch(conn, batch, "甲") == 1
    assert store.item_state(conn, ids[0])["status"] == "pending"
    assert store.item_state(conn, ids[3])["status"] == "rejected"
    assert [row["action"] for row in store.reviews(conn) if row["batch"] == batch] == ["confirm", "undo"]


def test_flagged_items_and_confirmed_counts(ids, conn):
    store.add_review(conn, ids[1], "flag", reviewer="乙", note="边界错误：与下一条连在一起")
    store.add_review(conn, ids[0], "confirm", reviewer="甲")
    store.add_review(conn, ids[4], "relabel", "returned", reviewer="甲")
    (flagged,) = store.flagged_items(conn)
    assert (flagged["text"], flagged["flag_note"], flagged["flag_reviewer"]) == (
        ITEMS[1][1],
        "边界错误：与下一条连在一起",
        "乙",
    )
    assert flagged["section"] == ["一、基本履职事项", "（三）民生服务"]
    assert store.flagged_items(conn, "白沙乡") == []
    assert store.confirmed_counts(conn) == {"basic": 1, "cooperative": 0, "returned": 1}
    assert store.confirmed_counts(conn, "白沙乡") == {"basic": 0, "cooperative": 0, "returned": 1}
    expected = {label: sum(row["label"] == label for row in store.confirmed_items(conn)) for label in LABELS}
    assert store.confirmed_counts(conn) == expected


def test_dashboard_figures_count_in_sql(ids, conn):
    store.add_review(conn, ids[0], "confirm", reviewer="甲")
    store.add_review(conn, ids[1], "confirm", reviewer="甲")
    store.add_review(conn, ids[1], "undo", reviewer="甲")
    figures = store.dashboard(conn)
    assert sum(row["n"] for row in figures["labels"]) == 5
    assert {(row["reviewer"], row["n"]) for row in figures["throughput"]} == {("甲", 2)}
    assert sum(row["n"] for row in figures["confidence"]) == 5
    assert sum(row["n"] for row in store.dashboard(conn, "白沙乡")["documents"]) == 1


def m001_workspace(path):
    """A workspace as version 1 wrote it, with an item, a proposal and two review events."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.executescript(f"BEGIN; {m001_initial()} PRAGMA user_version = 1; COMMIT;")
    raw.execute(
        "INSERT INTO documents VALUES ('d', 'a.docx', '青石镇', 'docx', 1, 10, 'ok', NULL, NULL, 1, 't')"
    )
    raw.execute(
        """INSERT INTO items (id, doc, seq, township, file, text, detail, created_at)
           VALUES ('i1', 'd', 0, '青石镇', 'a.docx', '农村低保动态管理', '入户核查', 't')"""
    )
    raw.execute("INSERT INTO models VALUES ('m', 'm.joblib', 'x', 't', '{}')")
    raw.execute(
        """INSERT INTO proposals VALUES ('i1', 'm', 'basic', 0.7,
           '{"basic": 0.7, "cooperative": 0.2, "returned": 0.1}', '[]', 0, 't')"""
    )
    for action, status in (("confirm", "confirmed"), ("undo", "pending")):
        raw.execute(
            """INSERT INTO reviews (item_id, reviewer, at, action, old_label, new_label, status, model_id, text)
               VALUES ('i1', '张三', 't', ?, 'basic', 'basic', ?, 'm', '农村低保动态管理')""",
            (action, status),
        )
    raw.close()


def test_m002_migrates_a_version_1_workspace_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    m001_workspace(path)
    with store.open(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        old = store.reviews(conn)
        assert [(row["id"], row["action"], row["reviewer"]) for row in old] == [
            (1, "confirm", "张三"),
            (2, "undo", "张三"),
        ]
        assert store.queue_ids(conn, store.QueueFilter(search="低保动态")) == ["i1"]
        assert store.queue_progress(conn) == {"total": 1, "reviewed": 0}
        assert conn.execute("SELECT margin FROM review_state").fetchone()[0] == pytest.approx(0.5)
        store.add_review(conn, "i1", "flag", reviewer="李四", note="乱码")
        assert store.reviews(conn)[-1]["id"] == 3
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE reviews SET reviewer = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM reviews")


def test_cli_user_add_with_a_confirmed_prompt_or_stdin(db_path):
    from click.testing import CliRunner

    from dutylist.cli import main

    runner = CliRunner()
    added = runner.invoke(
        main, ["--db", str(db_path), "user", "add", "张三", "--role", "admin"], input="长城-2026\n长城-2026\n"
    )
    assert added.exit_code == 0, added.output
    assert "已添加" in added.output and "长城-2026" not in added.output
    mismatch = runner.invoke(
        main,
        ["--db", str(db_path), "user", "add", "李四", "--role", "reviewer"],
        input="secret-1\nsecret-2\n" * 3,
    )
    assert mismatch.exit_code != 0
    piped = runner.invoke(
        main,
        ["--db", str(db_path), "user", "add", "李四", "--role", "reviewer", "--password-stdin"],
        input="secret-1\n",
    )
    assert piped.exit_code == 0, piped.output
    short = runner.invoke(
        main,
        ["--db", str(db_path), "user", "add", "王五", "--role", "reviewer", "--password-stdin"],
        input="123\n",
    )
    assert short.exit_code == 1 and "至少 6" in short.output
    bad_role = runner.invoke(
        main, ["--db", str(db_path), "user", "add", "王五", "--role", "boss", "--password-stdin"]
    )
    assert bad_role.exit_code == 2
    with store.open(db_path) as conn:
        assert [(user["name"], user["role"]) for user in store.users(conn)] == [
            ("张三", "admin"),
            ("李四", "reviewer"),
        ]
        assert store.check_password(conn, "张三", "长城-2026") and store.check_password(
            conn, "李四", "secret-1"
        )
