"""The review app's logic through streamlit.testing.v1.AppTest on a real workspace file.

The workspace is filled through dutylist.store (documents, items, a model, proposals), so no trained model is
needed; every assertion on a decision reads the reviews table back.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dutylist import store
from dutylist.items import Item

APP = str(Path(__file__).resolve().parents[1] / "review_app" / "app.py")

# (township, text, detail, proposed label, confidence): the queue serves the least confident first.
ITEMS = (
    (
        "青石镇",
        "农村最低生活保障申请受理、初审和动态管理",
        "受理低保申请，入户调查核实家庭经济状况，提出初审意见并公示。",
        "basic",
        0.55,
    ),
    (
        "青石镇",
        "配合开展森林防火巡查和野外火源管控",
        "在防火期组织巡查，劝阻野外用火，发现火情及时报告。",
        "cooperative",
        0.42,
    ),
    ("青石镇", "食品生产许可证核发", "", "returned", 0.91),
    ("青石镇", "城乡居民基本养老保险参保登记", "为辖区居民办理参保登记和信息变更。", "basic", 0.78),
    ("白沙乡", "河道日常巡查和保洁", "落实河长制，组织保洁员清理河面垃圾。", "basic", 0.66),
)
QUEUE_ORDER = sorted(range(len(ITEMS)), key=lambda index: ITEMS[index][4])


def fill_workspace(path: Path) -> list[str]:
    """Two documents (one per township) with ITEMS and a proposal each; return the item ids in ITEMS order."""
    ids = []
    with store.open(path) as conn:
        store.add_model(conn, "test-model", "models/test.joblib", "0" * 64, {})
        for number, township in enumerate(("青石镇", "白沙乡")):
            sha = f"{number}" * 64
            file = f"samples/{township}/{township}履行职责事项清单.{'docx' if number == 0 else 'pdf'}"
            items = [
                Item(
                    doc=sha,
                    file=file,
                    text=text,
                    township=township,
                    page=None if number == 0 else row + 1,
                    locator=f"table 1 row {row + 2}",
                    section=["一、基本履职事项", "（三）民生服务"],
                    detail=detail,
                    lead_dept="社会事务办公室",
                    coop_depts=["县民政局", "县财政局"],
                    basis="《社会救助暂行办法》",
                )
                for row, (name, text, detail, _, _) in enumerate(ITEMS)
                if name == township
            ]
            store.save_document(
                conn, {"sha256": sha, "path": file, "township": township, "status": "ok"}, items
            )
            ids.extend(item.id for item in items)
        proposals = []
        for item_id, (*_, label, confidence) in zip(ids, ITEMS, strict=True):
            rest = (1 - confidence) / 2
            probs = {
                name: confidence if name == label else rest for name in ("basic", "cooperative", "returned")
            }
            proposals.append(
                {
                    "item_id": item_id,
                    "label": label,
                    "confidence": confidence,
                    "probs": probs,
                    "evidence": ["受理"],
                }
            )
        store.add_proposals(conn, "test-model", proposals)
    return ids


@pytest.fixture
def ids(db_path):
    return fill_workspace(db_path)


@pytest.fixture
def app(db_path, monkeypatch):
    monkeypatch.setenv("DUTYLIST_DB", str(db_path))
    monkeypatch.delenv("DUTYLIST_REVIEWER", raising=False)
    test = AppTest.from_file(APP, default_timeout=30)
    yield test
    if "workspace" in test.session_state:
        test.session_state["workspace"].close()


def shown(app: AppTest) -> str:
    """The item text on screen (the card is HTML; its text div carries the class dl-text)."""
    cards = [block.value for block in app.markdown if 'class="dl-text"' in block.value]
    assert len(cards) == 1, "exactly one item card is shown"
    return cards[0]


def reviews(db_path: Path) -> list[dict]:
    with store.open(db_path) as conn:
        return store.reviews(conn)


def status(db_path: Path, item_id: str) -> str:
    with store.open(db_path) as conn:
        return store.item_state(conn, item_id)["status"]


def test_queue_shows_the_least_confident_item_with_its_context(app, ids):
    app.run()
    assert not app.exception
    first = QUEUE_ORDER[0]
    card = shown(app)
    assert ITEMS[first][1] in card
    assert "一、基本履职事项 › （三）民生服务" in card
    assert ITEMS[first][2] in card
    assert "社会事务办公室" in card and "县民政局、县财政局" in card and "《社会救助暂行办法》" in card
    assert "青石镇履行职责事项清单.docx" in card and "表 1 第 3 行" in card
    proposal = next(block.value for block in app.markdown if "模型建议" in block.value)
    assert "配合履职事项" in proposal and "置信度 42%" in proposal and "受理" in proposal
    assert app.query_params["item"] == ids[first]
    assert "已审核 0 / 共 5 条" in app.get("progress")[0].proto.text
    assert app.button(key="confirm").label == "确认建议：配合履职事项"


def test_confirm_writes_a_review_row_and_moves_to_the_next_item(app, ids, db_path):
    app.run()
    app.sidebar.text_input(key="reviewer").set_value("李红").run()
    app.button(key="confirm").click().run()
    assert not app.exception
    (row,) = reviews(db_path)
    first, second = QUEUE_ORDER[:2]
    assert (row["item_id"], row["action"], row["new_label"], row["reviewer"]) == (
        ids[first],
        "confirm",
        "cooperative",
        "李红",
    )
    assert ITEMS[second][1] in shown(app)
    assert app.query_params["item"] == ids[second]
    assert app.query_params["reviewer"] == "李红"
    assert "已审核 1 / 共 5 条" in app.get("progress")[0].proto.text
    assert any(
        f"上一步：「{ITEMS[first][1]}」确认为配合履职事项（审核人 李红）" in block.value
        for block in app.markdown
    )


def test_a_label_button_relabels_or_confirms_when_it_equals_the_proposal(app, ids, db_path):
    app.run()
    app.button(key="returned").click().run()  # proposal: cooperative
    app.button(key="basic").click().run()  # proposal: basic
    first, second = QUEUE_ORDER[:2]
    assert [(r["item_id"], r["action"], r["old_label"], r["new_label"]) for r in reviews(db_path)] == [
        (ids[first], "relabel", "cooperative", "returned"),
        (ids[second], "confirm", "basic", "basic"),
    ]


def test_reject_marks_the_item_as_not_a_duty(app, ids, db_path):
    app.run()
    app.button(key="reject").click().run()
    (row,) = reviews(db_path)
    assert (row["action"], row["status"], row["new_label"]) == ("reject", "rejected", None)
    assert ITEMS[QUEUE_ORDER[0]][1] not in shown(app)


def test_undo_restores_the_item_to_pending_and_shows_it_again(app, ids, db_path):
    app.run()
    assert app.button(key="undo").disabled
    first = ids[QUEUE_ORDER[0]]
    app.button(key="confirm").click().run()
    assert status(db_path, first) == "confirmed"
    app.button(key="undo").click().run()
    assert not app.exception
    assert status(db_path, first) == "pending"
    assert [row["action"] for row in reviews(db_path)] == ["confirm", "undo"]
    assert "已审核 0 / 共 5 条" in app.get("progress")[0].proto.text
    assert ITEMS[QUEUE_ORDER[0]][1] in shown(app)
    assert app.query_params["item"] == first
    assert app.button(key="undo").disabled


def test_the_url_keeps_the_place_and_a_decided_item_gives_way(app, ids, db_path):
    last = ids[QUEUE_ORDER[-1]]
    app.query_params["item"] = last
    app.run()
    assert ITEMS[QUEUE_ORDER[-1]][1] in shown(app)

    with store.open(db_path) as conn:  # another reviewer decides it meanwhile
        store.add_review(conn, last, "confirm", reviewer="王强")
    app.run()
    assert ITEMS[QUEUE_ORDER[0]][1] in shown(app)
    assert app.query_params["item"] == ids[QUEUE_ORDER[0]]


def test_an_item_decided_elsewhere_is_not_decided_twice(app, ids, db_path):
    app.run()
    first = ids[QUEUE_ORDER[0]]
    with store.open(db_path) as conn:
        store.add_review(conn, first, "reject", reviewer="王强")
    app.button(key="confirm").click().run()
    assert [(row["action"], row["reviewer"]) for row in reviews(db_path)] == [("reject", "王强")]
    assert app.toast[0].value.startswith("这条事项已经审核过")
    assert ITEMS[QUEUE_ORDER[1]][1] in shown(app)


def test_township_filter_limits_the_queue_and_progress(app, ids):
    app.run()
    app.sidebar.selectbox(key="township").select("白沙乡").run()
    assert "河道日常巡查和保洁" in shown(app)
    assert "已审核 0 / 共 1 条" in app.get("progress")[0].proto.text
    assert app.query_params["township"] == "白沙乡"


def test_reviewer_comes_from_the_url_and_a_blank_name_blocks_decisions(app, ids, db_path):
    app.query_params["reviewer"] = "赵敏"
    app.run()
    assert app.sidebar.text_input(key="reviewer").value == "赵敏"
    app.sidebar.text_input(key="reviewer").set_value("  ").run()
    assert app.button(key="confirm").disabled and app.button(key="basic").disabled
    assert "请先填写审核人姓名" in app.sidebar.warning[0].value
    assert reviews(db_path) == []


def test_shortcuts_are_declared_on_the_buttons(app, ids):
    app.run()
    keys = {
        key: app.button(key=key).proto.shortcut for key in ("confirm", "basic", "cooperative", "returned")
    }
    assert keys == {"confirm": "enter", "basic": "1", "cooperative": "2", "returned": "3"}
    assert app.button(key="reject").proto.shortcut == "x"
    assert app.button(key="undo").proto.shortcut == "u"
    assert any("<kbd>Enter</kbd> 确认建议" in block.value for block in app.markdown)


def test_empty_workspace_says_what_to_run(app, db_path):
    app.run()
    assert not app.exception
    assert "dutylist extract" in app.info[0].value and "dutylist classify" in app.info[0].value
    assert len(app.button) == 0


def test_when_everything_is_reviewed_the_queue_says_so(app, ids):
    app.run()
    for _ in ids:
        app.button(key="confirm").click().run()
    assert not app.exception
    assert "都已审核完毕" in app.success[0].value
    assert "item" not in app.query_params


def test_dashboard_shows_the_workspace_counts(app, ids):
    app.run()
    app.button(key="confirm").click().run()
    app.switch_page("views/dashboard.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {"文件": "2", "事项": "5", "待审核": "4", "已确认": "1", "已剔除": "0"}
    assert len(app.get("vega_lite_chart")) == 1


def test_export_page_offers_downloads_once_items_are_confirmed(app, ids):
    app.switch_page("views/export.py").run()
    assert not app.exception
    assert "还没有已确认的事项" in app.info[0].value
    assert all(button.disabled for button in app.get("download_button"))

    app.switch_page("views/queue.py").run()
    app.button(key="confirm").click().run()
    app.switch_page("views/export.py").run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {"基本履职事项": "0", "配合履职事项": "1", "上级部门收回事项": "0"}
    buttons = app.get("download_button")
    assert [button.key for button in buttons] == [f"export-{fmt}" for fmt in ("xlsx", "docx", "csv", "jsonl")]
    # Enabled and generated on click (the browser test downloads one and reads it back).
    assert all(not button.disabled and button.proto.deferred_file_id for button in buttons)


def test_a_file_that_is_not_a_workspace_is_reported_not_raised(tmp_path, monkeypatch):
    bad = tmp_path / "notes.db"
    bad.write_text("这不是数据库 / not a database\n" * 100, encoding="utf-8")
    monkeypatch.setenv("DUTYLIST_DB", str(bad))
    monkeypatch.delenv("DUTYLIST_REVIEWER", raising=False)
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "无法打开工作库" in app.error[0].value and str(bad) in app.error[0].value
    assert app.sidebar.text_input(key="reviewer").value == "reviewer"
