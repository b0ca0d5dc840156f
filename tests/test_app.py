"""The review app's logic through streamlit.testing.v1.AppTest on a real workspace file.

The workspace is filled through dutylist.store (documents, items, a model, proposals), so no trained model is
needed; every assertion on a decision reads the reviews table back.
"""

from pathlib import Path

import pytest
from appdata import ITEMS, QUEUE_ORDER, USERS, add_users, make_pdf
from streamlit.testing.v1 import AppTest

from dutylist import store
from dutylist.items import Item

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "review_app" / "app.py")


@pytest.fixture
def app(db_path, monkeypatch):
    """The app on the workspace, with the two USERS created and nobody signed in yet."""
    add_users(db_path)
    monkeypatch.setenv("DUTYLIST_DB", str(db_path))
    monkeypatch.delenv("DUTYLIST_REVIEWER", raising=False)
    test = AppTest.from_file(APP, default_timeout=30)
    yield test
    if "workspace" in test.session_state:
        test.session_state["workspace"].close()


def sign_in(app: AppTest, name: str = "李红", password: str | None = None) -> AppTest:
    """Run the app and sign in through its form (the right password unless one is given)."""
    app.run()
    app.text_input(key="sign_in_name").input(name)
    app.text_input(key="sign_in_password").input(password or USERS[name][1])
    app.button[0].click().run()
    return app


@pytest.fixture
def signed(app):
    return sign_in(app)


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


def test_nothing_is_shown_before_sign_in_and_a_wrong_password_is_refused(app, ids, db_path):
    app.run()
    assert not app.exception
    assert [block.value for block in app.markdown if 'class="dl-text"' in block.value] == []
    assert len(app.sidebar.selectbox) == 0
    sign_in(app, "李红", "wrong-password")
    assert "用户名或密码不对" in app.error[0].value
    assert app.text_input(key="sign_in_password").value == ""
    sign_in(app, "赵敏", "李红-pass-1")  # unknown name, someone's password
    assert "用户名或密码不对" in app.error[0].value
    sign_in(app, "李红")
    assert not app.error
    assert ITEMS[QUEUE_ORDER[0]][1] in shown(app)
    assert any("**李红**（管理员）" in block.value for block in app.sidebar.markdown)


def test_five_wrong_passwords_lock_the_name_and_the_form_says_what_to_do(app, db_path):
    for _ in range(store.SIGNIN_LIMIT):
        sign_in(app, "王强", "wrong-password")
        assert "用户名或密码不对" in app.error[0].value
    sign_in(app, "王强")  # the right password, refused while the name is locked
    assert "已暂时锁定" in app.error[0].value and "dutylist user add 王强" in app.error[0].value
    assert "user" not in app.session_state and len(app.text_input) == 2
    sign_in(app, "李红")  # another name is not locked
    assert not app.error and any("**李红**" in block.value for block in app.sidebar.markdown)


def test_a_workspace_without_users_says_how_to_add_one(db_path, monkeypatch):
    monkeypatch.setenv("DUTYLIST_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert "dutylist user add 张三 --role admin" in app.info[0].value
    assert len(app.text_input) == 0
    app.session_state["workspace"].close()


def test_reviewers_do_not_see_the_export_page_admins_do(app, ids):
    sign_in(app, "王强")
    assert not app.exception
    with pytest.raises(Exception, match="export"):
        app.switch_page("views/export.py").run()
    app.button(key="sign_out").click().run()
    assert len(app.text_input) == 2  # the sign-in form again
    sign_in(app, "李红")
    app.switch_page("views/export.py").run()
    assert not app.exception and app.title[0].value == "导出"


def test_queue_shows_the_least_confident_item_with_its_context(ids, signed):
    app = signed
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


def test_confirm_writes_a_review_row_by_the_signed_in_user_and_moves_on(ids, signed, db_path):
    app = signed
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
    assert "reviewer" not in app.query_params
    assert "已审核 1 / 共 5 条" in app.get("progress")[0].proto.text
    assert any(
        f"上一步：「{ITEMS[first][1]}」确认为配合履职事项（审核人 李红）" in block.value
        for block in app.markdown
    )


def test_a_label_button_relabels_or_confirms_when_it_equals_the_proposal(ids, signed, db_path):
    app = signed
    app.button(key="returned").click().run()  # proposal: cooperative
    app.button(key="basic").click().run()  # proposal: basic
    first, second = QUEUE_ORDER[:2]
    assert [(r["item_id"], r["action"], r["old_label"], r["new_label"]) for r in reviews(db_path)] == [
        (ids[first], "relabel", "cooperative", "returned"),
        (ids[second], "confirm", "basic", "basic"),
    ]


def test_reject_marks_the_item_as_not_a_duty(ids, signed, db_path):
    app = signed
    app.button(key="reject").click().run()
    (row,) = reviews(db_path)
    assert (row["action"], row["status"], row["new_label"]) == ("reject", "rejected", None)
    assert ITEMS[QUEUE_ORDER[0]][1] not in shown(app)


def test_undo_restores_the_item_to_pending_and_shows_it_again(ids, signed, db_path):
    app = signed
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
    sign_in(app)
    assert ITEMS[QUEUE_ORDER[-1]][1] in shown(app)

    with store.open(db_path) as conn:  # another reviewer decides it meanwhile
        store.add_review(conn, last, "confirm", reviewer="王强")
    app.run()
    assert ITEMS[QUEUE_ORDER[0]][1] in shown(app)
    assert app.query_params["item"] == ids[QUEUE_ORDER[0]]


def test_an_item_decided_elsewhere_is_not_decided_twice(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]
    with store.open(db_path) as conn:
        store.add_review(conn, first, "reject", reviewer="王强")
    app.button(key="confirm").click().run()
    assert [(row["action"], row["reviewer"]) for row in reviews(db_path)] == [("reject", "王强")]
    assert app.toast[0].value.startswith("这条事项已经审核过")
    assert ITEMS[QUEUE_ORDER[1]][1] in shown(app)


def test_the_item_shown_is_leased_and_another_reviewer_gets_a_different_one(ids, signed, db_path):
    first = ids[QUEUE_ORDER[0]]
    with store.open(db_path) as conn:
        assert [(lease["item_id"], lease["reviewer"]) for lease in store.leases(conn)] == [(first, "李红")]
        other = store.take_item(conn, "王强", store.QueueFilter())
    assert other["id"] == ids[QUEUE_ORDER[1]]
    signed.button(key="confirm").click().run()
    assert ITEMS[QUEUE_ORDER[2]][1] in shown(signed)  # 王强's item is skipped


def test_township_filter_limits_the_queue_and_progress(ids, signed):
    app = signed
    app.sidebar.selectbox(key="township").select("白沙乡").run()
    assert "河道日常巡查和保洁" in shown(app)
    assert "已审核 0 / 共 1 条" in app.get("progress")[0].proto.text
    assert app.query_params["township"] == "白沙乡"


def test_queue_modes_and_filters_are_kept_in_the_url(ids, signed):
    app = signed
    app.sidebar.radio(key="f_mode").set_value("document").run()
    assert ITEMS[4][1] in shown(app)  # 白沙乡's file sorts first, then source order
    assert app.query_params["mode"] == "document"
    app.sidebar.selectbox(key="f_label").select("returned").run()
    assert ITEMS[2][1] in shown(app)
    app.sidebar.selectbox(key="f_label").select("").run()
    app.sidebar.text_input(key="f_q").input("养老保险参保").run()
    assert ITEMS[3][1] in shown(app)
    assert app.query_params["q"] == "养老保险参保"
    app.sidebar.text_input(key="f_q").input("没有这个词组").run()
    assert "当前筛选下没有可审核的事项" in app.info[0].value


def test_filters_come_back_from_the_url(app, ids):
    app.query_params["band"] = "top"
    app.query_params["mode"] = "document"
    sign_in(app)
    assert app.sidebar.selectbox(key="f_band").value == "top"
    assert ITEMS[2][1] in shown(app)


def test_j_and_k_move_through_the_queue(ids, signed, db_path):
    app = signed
    app.button(key="next").click().run()
    assert ITEMS[QUEUE_ORDER[1]][1] in shown(app)
    app.button(key="next").click().run()
    assert ITEMS[QUEUE_ORDER[2]][1] in shown(app)
    app.button(key="previous").click().run()
    assert ITEMS[QUEUE_ORDER[1]][1] in shown(app)
    assert reviews(db_path) == []
    assert app.button(key="next").proto.shortcut == "j" and app.button(key="previous").proto.shortcut == "k"


def test_shortcuts_are_declared_on_the_buttons(ids, signed):
    app = signed
    keys = {
        key: app.button(key=key).proto.shortcut for key in ("confirm", "basic", "cooperative", "returned")
    }
    assert keys == {"confirm": "enter", "basic": "1", "cooperative": "2", "returned": "3"}
    assert app.button(key="reject").proto.shortcut == "x"
    assert app.button(key="undo").proto.shortcut == "u"
    assert any("<kbd>Enter</kbd> 确认建议" in block.value for block in app.markdown)


def test_the_item_history_is_shown_and_downloadable(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]
    app.button(key="confirm").click().run()
    app.button(key="undo").click().run()
    history = app.dataframe[0].value
    assert list(history["操作"]) == ["确认", "撤销"] and list(history["审核人"]) == ["李红", "李红"]
    download = app.get("download_button")
    assert any(button.proto.label == "下载审核记录（CSV）" for button in download)
    assert app.query_params["item"] == first


def test_neighbours_in_the_same_document_are_shown_as_context(ids, signed):
    context = next(block.value for block in signed.markdown if 'class="dl-context' in block.value)
    assert "当前事项" in context
    for index in (0, 1, 2, 3):  # 青石镇's four items, the current one in the middle
        assert ITEMS[index][1] in context
    assert ITEMS[4][1] not in context


def queue_pdf_item(db_path: Path, pdf: Path, text: str, page: int) -> None:
    """A workspace holding one proposed item of `pdf`, so the queue shows its page."""
    with store.open(db_path) as conn:
        item = Item(doc="p" * 64, file=str(pdf), text=text, page=page, locator="table 1 row 2")
        store.save_document(conn, {"sha256": "p" * 64, "path": str(pdf), "status": "ok"}, [item])
        store.add_model(conn, "m", "m.joblib", "0" * 64, {})
        store.add_proposals(
            conn, "m", [{"item_id": item.id, "label": "basic", "confidence": 0.6, "probs": {}}]
        )


def test_a_pdf_item_shows_its_page_image(app, db_path, tmp_path):
    pdf = make_pdf(tmp_path / "清单.pdf", ["村规民约", "河道日常巡查和保洁"])
    queue_pdf_item(db_path, pdf, "河道日常巡查和保洁", page=2)
    sign_in(app)
    (image,) = app.get("image")
    assert image.captions == [f"{pdf} 第 2 页，红框为该事项所在位置"]


def test_a_pdf_item_whose_text_is_not_on_the_page_shows_the_whole_page(app, db_path, tmp_path):
    pdf = make_pdf(tmp_path / "清单.pdf", ["村规民约"])
    queue_pdf_item(db_path, pdf, "森林防火巡查", page=1)
    sign_in(app)
    (image,) = app.get("image")
    assert image.captions == [f"{pdf} 第 1 页"]
    assert any("没有找到该事项" in caption.value for caption in app.caption)


def test_the_region_of_a_sample_list_row_is_its_table_row():
    from review_app.detail import item_region

    pdf = ROOT / "samples" / "白沙乡" / "白沙乡履行职责事项清单.pdf"
    x0, top, x1, bottom = item_region(pdf, 3, "高龄津贴发放")
    assert x1 - x0 > 600 and 20 < bottom - top < 120, "the whole row, wrapped cells included"
    assert item_region(pdf, 3, "不在这一页上的事项文字") is None
    assert item_region(pdf, 99, "高龄津贴发放") is None


def test_edit_changes_the_item_and_undo_puts_it_back(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]
    app.text_input(key=f"edit_lead_dept_{first}").input("县林业局")
    app.text_input(key=f"edit_coop_depts_{first}").input("县应急管理局，县消防救援大队")
    app.button(key=f"FormSubmitter:edit-{first}-保存修改").click().run()
    assert not app.exception
    with store.open(db_path) as conn:
        state = store.item_state(conn, first)
    assert (state["lead_dept"], state["coop_depts"]) == ("县林业局", ["县应急管理局", "县消防救援大队"])
    assert "县林业局" in shown(app)  # still the same item, now edited
    (event,) = reviews(db_path)
    assert (event["action"], event["reviewer"], event["status"]) == ("edit", "李红", "pending")
    app.button(key="undo").click().run()
    with store.open(db_path) as conn:
        assert store.item_state(conn, first)["lead_dept"] == "社会事务办公室"


def test_flag_an_extraction_error_with_a_note(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]
    app.radio(key=f"flag_reason_{first}").set_value("边界错误（被截断或两条连在一起）")
    app.text_input(key=f"flag_note_{first}").input("与下一条连在一起")
    app.button(key=f"FormSubmitter:flag-{first}-标记为抽取错误").click().run()
    (event,) = reviews(db_path)
    assert (event["action"], event["status"]) == ("flag", "flagged")
    assert event["note"] == "边界错误（被截断或两条连在一起）：与下一条连在一起"
    assert ITEMS[QUEUE_ORDER[1]][1] in shown(app)
    app.sidebar.checkbox(key="f_flagged").check().run()
    app.sidebar.selectbox(key="f_status").select("any").run()
    assert ITEMS[QUEUE_ORDER[0]][1] in shown(app)


def test_bulk_confirm_previews_the_count_and_undoes_as_one(ids, signed, db_path):
    app = signed
    app.slider(key="bulk_minimum").set_value(0.6).run()
    assert not [button for button in app.button if button.key == "bulk_confirm"]  # no count, no confirm
    app.button(key="bulk_preview").click().run()
    assert app.button(key="bulk_confirm").label == "确认这 3 条"  # 0.66, 0.78, 0.91
    assert reviews(db_path) == []
    app.button(key="bulk_confirm").click().run()
    assert not app.exception
    assert sorted(row["item_id"] for row in reviews(db_path)) == sorted(ids[index] for index in (2, 3, 4))
    assert len({row["batch"] for row in reviews(db_path)}) == 1
    assert "已审核 3 / 共 5 条" in app.get("progress")[0].proto.text
    app.button(key="bulk_undo").click().run()
    assert [status(db_path, ids[index]) for index in (2, 3, 4)] == ["pending"] * 3
    assert "已审核 0 / 共 5 条" in app.get("progress")[0].proto.text


def test_empty_workspace_says_what_to_run(signed, db_path):
    app = signed
    assert not app.exception
    assert "dutylist extract" in app.info[0].value and "dutylist classify" in app.info[0].value
    assert app.get("progress") == []


def test_when_everything_is_reviewed_the_queue_says_so(ids, signed):
    app = signed
    for _ in ids:
        app.button(key="confirm").click().run()
    assert not app.exception
    assert "都已审核完毕" in app.success[0].value
    assert "item" not in app.query_params


def test_dashboard_shows_the_workspace_counts(ids, signed):
    app = signed
    app.button(key="confirm").click().run()
    app.switch_page("views/dashboard.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["待审核"] == "4" and metrics["已确认"] == "1" and metrics["事项"] == "5"
    assert len(app.get("vega_lite_chart")) >= 5


def test_export_page_offers_downloads_once_items_are_confirmed(ids, signed):
    app = signed
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
    keys = [f"export-{fmt}" for fmt in ("xlsx", "docx", "csv", "jsonl")]
    assert [button.key for button in buttons] == [*keys, "export-flagged"]
    # Enabled and generated on click (the browser test downloads one and reads it back).
    assert all(not button.disabled and button.proto.deferred_file_id for button in buttons[:4])
    assert buttons[4].disabled  # nothing flagged yet


def test_export_page_offers_the_flagged_extraction_errors(ids, signed, db_path):
    with store.open(db_path) as conn:
        store.add_review(conn, ids[4], "flag", reviewer="王强", note="乱码或错字：河道两字缺失")
    signed.switch_page("views/export.py").run()
    assert any("抽取错误的事项 1 条" in caption.value for caption in signed.caption)
    assert not signed.get("download_button")[4].disabled


def test_a_file_that_is_not_a_workspace_is_reported_not_raised(tmp_path, monkeypatch):
    bad = tmp_path / "notes.db"
    bad.write_text("这不是数据库 / not a database\n" * 100, encoding="utf-8")
    monkeypatch.setenv("DUTYLIST_DB", str(bad))
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "无法打开工作库" in app.error[0].value and str(bad) in app.error[0].value


def test_backspace_is_a_second_undo_key(ids, signed, db_path):
    app = signed
    assert app.button(key="undo_backspace").proto.shortcut == "backspace"
    first = ids[QUEUE_ORDER[0]]
    app.button(key="reject").click().run()
    app.button(key="undo_backspace").click().run()
    assert status(db_path, first) == "pending"
    assert [row["action"] for row in reviews(db_path)] == ["reject", "undo"]
    assert any("<kbd>U / Backspace</kbd> 撤销上一步" in block.value for block in app.markdown)


def test_split_queues_two_new_items_and_undo_restores_the_original(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]  # 配合开展森林防火巡查和野外火源管控
    app.text_input(key=f"split_1_{first}").input("配合开展森林防火巡查")
    app.text_input(key=f"split_2_{first}").input("野外火源管控")
    app.button(key=f"FormSubmitter:split-{first}-拆分为两条").click().run()
    assert not app.exception
    assert status(db_path, first) == "rejected"
    assert "配合开展森林防火巡查" in shown(app) and app.query_params["item"] != first
    with store.open(db_path) as conn:
        new = [row for row in store.items_with_proposals(conn) if "split" in row["locator"]]
    assert [row["text"] for row in new] == ["配合开展森林防火巡查", "野外火源管控"]
    assert {row["proposed_label"] for row in new} == {"cooperative"}
    assert any("已拆分为两条" in block.value for block in app.markdown)
    app.button(key="undo").click().run()
    assert status(db_path, first) == "pending"
    assert {status(db_path, row["id"]) for row in new} == {"rejected"}
    assert app.query_params["item"] == first


def test_merge_with_the_next_item_of_the_document(ids, signed, db_path):
    app = signed
    first = ids[QUEUE_ORDER[0]]  # the next one in its document is 食品生产许可证核发
    merged = "配合开展森林防火巡查和野外火源管控、食品生产许可证核发"
    app.text_input(key=f"merge_text_{first}").input(merged)
    app.button(key=f"FormSubmitter:merge-{first}-与下一条合并").click().run()
    assert not app.exception
    assert status(db_path, first) == "rejected" and status(db_path, ids[2]) == "rejected"
    assert merged in shown(app)
    app.button(key="confirm").click().run()
    with store.open(db_path) as conn:
        (row,) = [row for row in store.confirmed_items(conn) if "merged" in row["locator"]]
    assert (row["text"], row["label"]) == (merged, "cooperative")


def test_a_double_review_item_goes_blind_to_a_second_reviewer(app, ids, db_path, monkeypatch):
    monkeypatch.setenv("DUTYLIST_OVERLAP", "1")  # every item is reviewed twice
    first = ids[QUEUE_ORDER[0]]
    with store.open(db_path) as conn:
        store.add_review(conn, first, "confirm", reviewer="李红")
    sign_in(app, "王强")
    assert app.query_params["item"] == first and ITEMS[QUEUE_ORDER[0]][1] in shown(app)
    assert "双人审核：请独立判断" in shown(app) and "李红" not in shown(app)
    app.button(key="returned").click().run()
    assert [(row["reviewer"], row["new_label"]) for row in reviews(db_path)] == [
        ("李红", "cooperative"),
        ("王强", "returned"),
    ]
    assert app.query_params["item"] != first  # two opinions: it leaves the queue


def test_dashboard_shows_agreement_and_an_admin_adjudicates_a_disagreement(app, ids, db_path):
    with store.open(db_path) as conn:
        for item, (a, b) in zip(ids, [("basic", "basic"), ("basic", "returned")], strict=False):
            store.add_review(conn, item, "relabel", a, reviewer="甲")
            store.add_review(conn, item, "relabel", b, reviewer="乙")
    sign_in(app, "王强")
    app.switch_page("views/dashboard.py").run()
    assert not app.exception
    pairs = app.dataframe[0].value  # the reviewer-pair table comes first
    assert pairs.to_dict("records") == [{"审核人": "乙 / 甲", "事项数": 2, "一致": 1, "不一致": 1, "κ": 0.0}]
    with pytest.raises(ValueError, match="navigation page"):  # a reviewer has no adjudication page
        app.switch_page("views/adjudicate.py")

    admin = AppTest.from_file(APP, default_timeout=30)
    sign_in(admin, "李红")
    admin.switch_page("views/adjudicate.py").run()
    assert not admin.exception
    assert any("待裁决 **1** 条" in block.value for block in admin.markdown)
    admin.radio(key=f"verdict_{ids[1]}").set_value("rejected")
    admin.button(key=f"adjudicate_{ids[1]}").click().run()
    assert status(db_path, ids[1]) == "rejected"
    assert (reviews(db_path)[-1]["reviewer"], reviews(db_path)[-1]["note"]) == ("李红", "裁决")
    assert any("没有待裁决的分歧" in block.value for block in admin.success)
    admin.session_state["workspace"].close()
