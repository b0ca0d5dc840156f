"""Admission check (`dutylist check`): county notices checked sentence by sentence against a township's lists.

The workspace holds the four sample lists of tests/lists; the notices and the decision every duty sentence
should get are in tests/notices (expected.jsonl).
"""

import json
import shutil
import sys
import textwrap
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from classify import admission
from dutylist import store
from dutylist.cli import main
from dutylist.errors import NoConfirmedList
from dutylist.items import Item

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "notices"))
import evaluate  # noqa: E402

A, B, C, D = evaluate.make_lists.TOWNSHIPS
FOOD = "县市场监管局_集体聚餐和校园周边食品安全专项整治.txt"
FLOOD = "县防指办_主汛期防汛和地质灾害防御.docx"
HOUSING = "县农业农村局等_规范农村村民住宅建设.txt"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The four lists imported, and the notices beside; the database is closed so tests can copy it."""
    folder = tmp_path_factory.mktemp("admission")
    conn, notices = evaluate.workspace(folder)
    conn.close()
    return folder / "ws.db", notices


@pytest.fixture
def db(workspace, tmp_path):
    """A private copy of the filled workspace."""
    path = tmp_path / "ws.db"
    shutil.copy(workspace[0], path)
    return path


@pytest.fixture
def notices(workspace):
    return workspace[1]


def run(*args, db):
    return CliRunner().invoke(main, ["--db", str(db), *map(str, args)])


def decisions(db: Path, notice: Path, township: str) -> dict[str, admission.Check]:
    with store.open(db) as conn:
        return {check.sentence: check for check in admission.check_notices(conn, [notice], township).checks}


# Decisions ----------------------------------------------------------------------------------------------------


def test_every_decision_is_found_with_the_precision_and_recall_measured(db, notices):
    with store.open(db) as conn:
        found = evaluate.outcomes(conn, notices)
    table = evaluate.scores(found, "calibration")
    # Floors a little under what bench/admission_bench.py measures, so a regression fails here. The held-out
    # notices are only measured (by the bench), never used to tune anything.
    floors = {
        "basic": (0.95, 0.85),
        "cooperative_ok": (0.95, 0.9),
        "cooperative_lead_shift": (0.75, 0.75),
        "returned_pushdown": (0.8, 0.95),
        "not_listed": (0.6, 0.7),
    }
    for decision, (precision, recall) in floors.items():
        assert table[decision]["precision"] >= precision, (decision, table[decision])
        assert table[decision]["recall"] >= recall, (decision, table[decision])


def test_a_notice_gets_the_decisions_a_clerk_would_give(db, notices):
    got = {sentence: check.decision for sentence, check in decisions(db, notices / FOOD, A).items()}
    assert got == {
        "配合县市场监管局开展农村集体聚餐食品安全宣传，指导村（社区）做好聚餐备案，发现隐患及时报告": "cooperative_ok",
        "各乡镇牵头组织校园周边小餐馆、小卖部食品安全隐患排查整治，县市场监管局做好业务指导": "cooperative_lead_shift",
        "配合县农业农村局对农贸市场销售的食用农产品开展食品安全隐患巡查": "cooperative_lead_shift",
        "各乡镇负责对辖区内食品小作坊办理食品生产许可证，并开展许可后的日常监督检查": "returned_pushdown",
        "各乡镇负责辖区内电梯、锅炉、压力容器的定期检验，检验结果报县市场监管局汇总": "returned_pushdown",
        "组织网格员对辖区小作坊、小餐饮开展日常安全巡查，发现问题督促整改并上报": "basic",
        "各乡镇要对辖区农贸市场经营户使用的电子秤开展计量检定": "not_listed",
    }


def test_the_evidence_names_the_matched_item_and_the_department(db, notices):
    checks = decisions(db, notices / FOOD, A)
    shifted = checks["配合县农业农村局对农贸市场销售的食用农产品开展食品安全隐患巡查"]
    assert shifted.lead_dept == "县农业农村局"
    assert (shifted.match_text, shifted.match_label, shifted.match_lead) == (
        "食品安全协管",
        "cooperative",
        "县市场监督管理局",
    )
    with store.open(db) as conn:
        ids = {row["id"]: row["text"] for row in store.confirmed_items(conn, A)}
    assert ids[shifted.matches[0]] == "食品安全协管"
    assert shifted.similarity >= admission.THRESHOLD


def test_the_same_duty_is_judged_by_each_townships_own_list(db, notices):
    sentence = "各乡镇（街道）要依法受理农村村民建房申请，组织审核后批准宅基地，并到现场丈量批放"
    assert decisions(db, notices / HOUSING, A)[sentence].decision == "basic"
    assert decisions(db, notices / HOUSING, C)[sentence].decision == "returned_pushdown"


def test_finding_and_reporting_in_an_enforcement_field_is_not_a_push_down():
    items = [
        {"id": "r1", "text": "非法捕捞行政处罚", "detail": "对电鱼、毒鱼、炸鱼等非法捕捞行为实施行政处罚",
         "label": "returned", "lead_dept": "县农业农村局"},
    ]  # fmt: skip
    enforce, report = admission.check_sentences(
        items,
        [
            "各乡镇要对辖区河道电鱼、毒鱼等非法捕捞行为依法实施行政处罚",
            "河道巡查中发现电鱼、毒鱼行为的，要及时劝阻并报告",
        ],
    )
    assert enforce.decision == "returned_pushdown"
    assert report.decision == "not_listed" and report.matches == []


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("各乡镇牵头组织校园周边食品安全排查整治，县市场监管局做好业务指导", "lead"),
        ("由各乡镇牵头负责辍学学生的摸排和劝返，学校予以配合", "lead"),
        ("配合县自然资源局开展地质灾害隐患点巡查，发现险情立即报告", "assist"),
        ("开展禁毒宣传进村入户，协助排查非法种植罂粟线索", "assist"),
        ("由县水利局负责小型水库安全鉴定", ""),
        ("持续开展村庄清洁行动", ""),
    ],
)
def test_the_townships_role_is_read_clause_by_clause(sentence, role):
    assert admission.township_role(sentence) == role


def test_sentences_that_assign_nothing_to_the_township_are_set_aside(db, tmp_path):
    notice = tmp_path / "通知.txt"
    notice.write_text(
        textwrap.dedent(
            """\
            县应急管理局
            关于做好森林防火工作的通知
            一、组织护林员加强巡山护林，严格管控野外用火。
            二、县应急管理局负责森林防火物资的统一采购和调配，县林业局负责专业扑火队伍建设。
            三、各乡镇要高度重视，切实加强组织领导，确保各项措施落到实处。
            请各乡镇于11月30日前将工作开展情况报送县应急管理局。
            """
        ),
        encoding="utf-8",
    )
    with store.open(db) as conn:
        report = admission.check_notices(conn, [notice], A)
    assert [(c.sentence, c.decision) for c in report.checks] == [
        ("组织护林员加强巡山护林，严格管控野外用火", "basic")
    ]
    assert sorted(skip.reason for skip in report.skipped) == ["exhortation", "other_body", "progress_report"]


# CLI, JSONL and report ----------------------------------------------------------------------------------------


def test_check_writes_the_jsonl_contract(db, notices, tmp_path):
    out = tmp_path / "check.jsonl"
    result = run("check", notices / FLOOD, notices / FOOD, "--township", A, "--jsonl", out, db=db)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7 + 7  # the flood notice's exhortation is set aside
    with store.open(db) as conn:
        confirmed = {row["id"] for row in store.confirmed_items(conn, A)}
    for line in lines:
        assert list(line) == ["file", "sentence", "decision", "matches", "similarity", "lead_dept"]
        assert line["decision"] in admission.DECISIONS
        assert set(line["matches"]) <= confirmed
        assert isinstance(line["similarity"], float) and round(line["similarity"], 3) == line["similarity"]
        assert (line["decision"] == "not_listed") == (line["matches"] == [])
    assert {line["file"] for line in lines} == {str(notices / FLOOD), str(notices / FOOD)}
    pushdown = next(line for line in lines if line["sentence"].startswith("由各乡镇组织对辖区内汛期受损房屋"))
    assert pushdown["lead_dept"] == "县住房和城乡建设局"


def test_check_prints_a_table_with_decisions_in_chinese(db, notices):
    result = run("check", notices / FOOD, "--township", A, db=db)
    assert result.exit_code == 0, result.output
    assert "收回下派" in result.output and "改为牵头" in result.output
    assert "特种设备安全监督检验" in result.output
    assert (
        "东坪镇：1 个文件，7 个履职语句（基本事项 1，配合事项 1，改为牵头 2，收回下派 2，清单以外 1）"
        in result.output
    )


def test_the_docx_report_is_ready_to_attach(db, notices, tmp_path):
    out = tmp_path / "准入审查.docx"
    result = run("check", notices / FOOD, "--township", A, "--report", out, db=db)
    assert result.exit_code == 0, result.output
    document = docx.Document(out)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert (
        "职责准入审查报告" in text
        and "乡镇（街道）：东坪镇" in text
        and FOOD in text
        and "审查日期：" in text
    )
    summary, rows = document.tables
    assert [cell.text for cell in summary.rows[4].cells] == [
        admission.DECISION_NAMES["returned_pushdown"],
        "2",
    ]
    assert summary.rows[-1].cells[1].text == "7"
    assert len(rows.rows) == 1 + 7
    flagged = [
        row for row in rows.rows[1:] if row.cells[3].text == admission.DECISION_NAMES["returned_pushdown"]
    ]
    assert len(flagged) == 2
    assert all(row.cells[0]._tc.xpath(".//w:shd/@w:fill") == ["F8CBAD"] for row in flagged)
    assert "食品经营许可（上级部门收回事项）" in [row.cells[4].text for row in flagged]


def test_the_xlsx_report_highlights_push_downs_and_lead_shifts(db, notices, tmp_path):
    out = tmp_path / "准入审查.xlsx"
    assert run("check", notices / FOOD, "--township", A, "--report", out, db=db).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["审查结果", "汇总"]
    sheet = book["审查结果"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).isdigit()]
    assert len(rows) == 7
    fills = {
        sheet.cell(r, 4).value: sheet.cell(r, 1).fill.fgColor.rgb
        for r in range(1, sheet.max_row + 1)
        if str(sheet.cell(r, 1).value).isdigit()
    }
    assert fills[admission.DECISION_NAMES["returned_pushdown"]].endswith("F8CBAD")
    assert fills[admission.DECISION_NAMES["cooperative_lead_shift"]].endswith("FFE699")
    assert dict(book["汇总"].iter_rows(min_row=2, values_only=True))["合计"] == 7


def test_a_report_in_another_format_is_a_usage_error(db, notices, tmp_path):
    result = run("check", notices / FOOD, "--township", A, "--report", tmp_path / "报告.pdf", db=db)
    assert result.exit_code == 2 and ".docx" in result.output


# Bad input ----------------------------------------------------------------------------------------------------


def test_an_empty_notice_is_named_and_the_others_are_still_checked(db, notices, tmp_path):
    empty = tmp_path / "空白通知.docx"
    empty.write_bytes(b"")
    out = tmp_path / "check.jsonl"
    result = run("check", empty, notices / FOOD, "--township", A, "--jsonl", out, db=db)
    assert result.exit_code == 0
    assert "空白通知.docx" in result.output and "空的" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7


def test_an_unreadable_notice_is_named_and_the_others_are_still_checked(db, notices, tmp_path):
    broken = tmp_path / "损坏的通知.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with store.open(db) as conn:
        report = admission.check_notices(conn, [broken, notices / FOOD], A)
    ((path, reason),) = report.failures
    assert path == str(broken) and "损坏" in reason
    assert report.files == [str(notices / FOOD)] and len(report.checks) == 7


def test_when_no_notice_can_be_read_the_command_fails(db, tmp_path):
    empty = tmp_path / "空白通知.txt"
    empty.write_bytes(b"")
    result = run("check", empty, "--township", A, db=db)
    assert result.exit_code == 1
    assert "空白通知.txt" in result.output and "没有能读取的通知文件" in result.output


def test_a_notice_without_duty_sentences_is_reported(db, tmp_path):
    notice = tmp_path / "会议通知.txt"
    notice.write_text("关于召开年度总结会议的通知\n会议时间：12月20日上午9时。\n", encoding="utf-8")
    result = run("check", notice, "--township", A, db=db)
    assert result.exit_code == 0
    assert "会议通知.txt: 未找到履职语句" in result.output


def test_a_township_without_a_confirmed_list_says_how_to_fix_it(db_path, notices):
    with store.open(db_path) as conn:
        sha = "f" * 64
        item = Item(
            doc=sha, file="清单.docx", text="农村低保初审", township="青石镇", locator="table 1 row 2"
        )
        store.save_document(
            conn, {"sha256": sha, "path": "清单.docx", "township": "青石镇", "status": "ok"}, [item]
        )
        with pytest.raises(NoConfirmedList) as error:
            admission.check_notices(conn, [notices / FOOD], "青石镇")
    message = str(error.value)
    assert "还没有已确认的清单" in message
    assert "dutylist lists import 清单文件 --township 青石镇" in message and "dutylist review" in message
    result = run("check", notices / FOOD, "--township", "青石镇", db=db_path)
    assert result.exit_code == 1 and "dutylist lists import" in result.output


def test_an_unknown_township_lists_the_known_ones(db, notices):
    result = run("check", notices / FOOD, "--township", "东坪乡", db=db)
    assert result.exit_code == 1
    assert "没有乡镇（街道）“东坪乡”" in result.output
    assert all(name in result.output for name in (A, B, C, D))


def test_a_workspace_with_no_lists_at_all_says_to_import_one(db_path, notices):
    result = run("check", notices / FOOD, "--township", A, db=db_path)
    assert result.exit_code == 1
    assert (
        "已有：（无）" in result.output and f"dutylist lists import 清单文件 --township {A}" in result.output
    )


# The app page -------------------------------------------------------------------------------------------------

HOST = """
import streamlit as st
from review_app import session
session.start()
page = st.navigation([st.Page({page!r}, title="页")], position="hidden")
with session.locked():
    page.run()
"""


@pytest.fixture
def page(db, tmp_path, monkeypatch):
    """The admission page inside a one-page app, on the filled workspace."""
    script = tmp_path / "host.py"
    script.write_text(HOST.format(page=str(ROOT / "review_app" / "views" / "admission.py")), encoding="utf-8")
    monkeypatch.setenv("DUTYLIST_DB", str(db))
    app = AppTest.from_file(str(script), default_timeout=60)
    yield app
    if "workspace" in app.session_state:
        app.session_state["workspace"].close()


def test_the_page_checks_pasted_text_sentence_by_sentence(page):
    page.run()
    assert not page.exception
    page.selectbox(key="admission-township").set_value(A)
    page.text_area(key="admission-text").set_value(
        "县市场监督管理局关于加强特种设备安全工作的通知\n各乡镇人民政府：\n"
        "一、各乡镇负责辖区内电梯、锅炉、压力容器的定期检验，检验结果报县市场监管局汇总。\n"
        "二、组织网格员对辖区小作坊开展日常安全巡查，发现问题督促整改并上报。\n"
    )
    page.button(key="admission-run").click().run()
    assert not page.exception
    metrics = {metric.label: metric.value for metric in page.metric}
    assert metrics["收回下派"] == "1" and metrics["基本事项"] == "1"
    table = page.dataframe[0].value
    assert list(table["结论"]) == [
        admission.DECISION_NAMES["returned_pushdown"],
        admission.DECISION_NAMES["basic"],
    ]
    assert any("需要纠正" in error.value for error in page.error)


def test_the_page_asks_for_a_notice_before_checking(page):
    page.run()
    page.button(key="admission-run").click().run()
    assert not page.exception
    assert any("请先粘贴通知正文或上传通知文件" in warning.value for warning in page.warning)
