"""What the review app relies on in the workspace: users, leases, the queue's modes and filters, edits,
flags, bulk batches, and the m002 migration of a workspace created before it (with rows in it)."""

import json
import sqlite3

import pytest
from appdata import ITEMS, QUEUE_ORDER

from dutylist import store
from dutylist.errors import SignInLocked, StaleItem
from dutylist.items import LABELS
from dutylist.schema import MIGRATIONS, m001_initial


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


# Sign-in limit: SIGNIN_LIMIT failures within SIGNIN_WINDOW_SECONDS lock a name; `at` stands in for the clock.
T0 = 1_800_000_000.0
WINDOW = store.SIGNIN_WINDOW_SECONDS


def fail(conn, name, times):
    """One wrong password for `name` at each of `times` (unix seconds); each must be refused as wrong."""
    for at in times:
        assert store.check_password(conn, name, "wrong-pass", at=at) is None


def test_five_wrong_passwords_lock_the_name_even_against_the_right_one(conn):
    store.add_user(conn, "张三", "admin", "长城-2026")
    fail(conn, "张三", [T0 + 60 * n for n in range(store.SIGNIN_LIMIT)])
    last = T0 + 60 * (store.SIGNIN_LIMIT - 1)
    with pytest.raises(SignInLocked) as locked:
        store.check_password(conn, "张三", "长城-2026", at=last + 1)
    message = str(locked.value)
    assert "已暂时锁定" in message and "请 15 分钟后再试" in message
    assert "dutylist user add 张三 --role" in message
    with pytest.raises(SignInLocked, match="请 1 分钟后再试"):
        store.check_password(conn, "张三", "长城-2026", at=last + WINDOW - 30)
    # The lock runs a window from the last failure; refused attempts do not extend it.
    assert store.check_password(conn, "张三", "长城-2026", at=last + WINDOW + 1)["name"] == "张三"


def test_failures_spread_over_more_than_the_window_do_not_lock(conn):
    store.add_user(conn, "张三", "admin", "长城-2026")
    # The first and the last of the failures are just over a window apart.
    step = WINDOW / (store.SIGNIN_LIMIT - 1) + 1
    fail(conn, "张三", [T0 + step * n for n in range(store.SIGNIN_LIMIT)])
    assert store.check_password(conn, "张三", "长城-2026", at=T0 + step * store.SIGNIN_LIMIT)


def test_a_successful_sign_in_clears_the_failures(conn):
    store.add_user(conn, "张三", "admin", "长城-2026")
    fail(conn, "张三", [T0 + n for n in range(store.SIGNIN_LIMIT - 1)])
    assert store.check_password(conn, "张三", "长城-2026", at=T0 + 10)
    fail(conn, "张三", [T0 + 20 + n for n in range(store.SIGNIN_LIMIT - 1)])  # 8 failures in all, 4 since
    assert store.check_password(conn, "张三", "长城-2026", at=T0 + 30)
    assert conn.execute("SELECT COUNT(*) FROM signin_failures").fetchone()[0] == 0


def test_an_unknown_name_locks_the_same_way_and_other_names_are_not_locked(conn):
    store.add_user(conn, "张三", "admin", "长城-2026")
    for name in ("张三", "赵敏"):
        fail(conn, name, [T0 + n for n in range(store.SIGNIN_LIMIT)])
    messages = {}
    for name in ("张三", "赵敏"):
        with pytest.raises(SignInLocked) as locked:
            store.check_password(conn, name, "长城-2026", at=T0 + 10)
        messages[name] = str(locked.value).replace(name, "NAME")
    assert messages["张三"] == messages["赵敏"]  # a lock does not tell which names exist
    store.add_user(conn, "李四", "reviewer", "secret-1")
    assert store.check_password(conn, "李四", "secret-1", at=T0 + 10)


def test_user_add_clears_the_failures_so_a_reset_password_works_at_once(db_path):
    from click.testing import CliRunner

    from dutylist.cli import main

    with store.open(db_path) as conn:
        store.add_user(conn, "张三", "admin", "长城-2026")
        fail(conn, "张三", [T0 + n for n in range(store.SIGNIN_LIMIT)])
        with pytest.raises(SignInLocked):
            store.check_password(conn, "张三", "长城-2026", at=T0 + 10)
    reset = CliRunner().invoke(
        main,
        ["--db", str(db_path), "user", "add", "张三", "--role", "admin", "--password-stdin"],
        input="新密码-123\n",
    )
    assert reset.exit_code == 0, reset.output
    with store.open(db_path) as conn:
        assert store.check_password(conn, "张三", "新密码-123", at=T0 + 11)["role"] == "admin"


def test_the_lock_is_shared_by_connections_and_survives_reopening(db_path):
    with store.open(db_path) as first, store.open(db_path) as second:
        store.add_user(first, "张三", "admin", "长城-2026")
        fail(first, "张三", [T0, T0 + 1, T0 + 2])
        fail(second, "张三", [T0 + 3, T0 + 4])  # two app processes, one count
        for conn in (first, second):
            with pytest.raises(SignInLocked):
                store.check_password(conn, "张三", "长城-2026", at=T0 + 5)
    with store.open(db_path) as reopened:
        with pytest.raises(SignInLocked):
            store.check_password(reopened, "张三", "长城-2026", at=T0 + 6)


def test_old_failures_are_deleted_when_a_new_one_is_recorded(conn):
    names = [f"用户{n}" for n in range(8)]
    for name in names:
        fail(conn, name, [T0 + n for n in range(3)])
    assert conn.execute("SELECT COUNT(*) FROM signin_failures").fetchone()[0] == 24
    fail(conn, names[0], [T0 + WINDOW + 10])  # its own older failures go; the others' may still count
    assert conn.execute("SELECT COUNT(*) FROM signin_failures WHERE name = ?", (names[0],)).fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM signin_failures").fetchone()[0] == 22
    fail(conn, "王五", [T0 + 2 * WINDOW + 10])  # two windows on, the first failures can hold no lock any more
    left = conn.execute("SELECT name, at FROM signin_failures ORDER BY at").fetchall()
    assert [tuple(row) for row in left] == [(names[0], T0 + WINDOW + 10), ("王五", T0 + 2 * WINDOW + 10)]


def test_m003_adds_the_sign_in_limit_to_a_version_2_workspace_and_keeps_its_users(tmp_path):
    path = tmp_path / "v2.db"
    m001_workspace(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.executescript(f"BEGIN; {MIGRATIONS[1]()} PRAGMA user_version = 2; COMMIT;")
    raw.execute(
        "INSERT INTO users VALUES ('张三', 'admin', ?, ?, 't')",
        ("00" * 16, store._password_hash("长城-2026", b"\0" * 16)),
    )
    raw.close()
    with store.open(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3
        assert store.check_password(conn, "张三", "长城-2026") == {"name": "张三", "role": "admin"}
        fail(conn, "张三", [T0 + n for n in range(store.SIGNIN_LIMIT)])
        with pytest.raises(SignInLocked):
            store.check_password(conn, "张三", "长城-2026", at=T0 + 10)


def test_a_decision_on_an_item_that_changed_since_it_was_shown_writes_nothing(conn, ids):
    item = ids[0]
    store.add_review(conn, item, "confirm", shown="pending")
    with pytest.raises(StaleItem):
        store.add_review(conn, item, "reject", shown="pending")
    assert [event["action"] for event in store.reviews(conn, item)] == ["confirm"]
