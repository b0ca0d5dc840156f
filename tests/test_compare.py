"""Cross-township comparison (`dutylist compare`) on four sample lists with planted differences.

tests/lists/make_lists.py writes the lists and, independently of the comparer, the findings they must give.
"""

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from classify import compare
from classify.match import MatchIndex
from dutylist import store
from dutylist.cli import main
from dutylist.errors import NoConfirmedList
from dutylist.items import LABEL_NAMES
from extract.published import import_list

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lists"))
import make_lists  # noqa: E402

A, B, C, D = make_lists.TOWNSHIPS


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    path = folder / "ws.db"
    with store.open(path) as conn:
        for township, file in make_lists.make(folder / "lists").items():
            import_list(conn, file, township)
    return path


@pytest.fixture
def db(filled, tmp_path):
    path = tmp_path / "ws.db"
    shutil.copy(filled, path)
    return path


@pytest.fixture(scope="module")
def result(filled):
    with store.open(filled) as conn:
        return compare.compare(conn)


@pytest.fixture(scope="module")
def expected():
    return make_lists.expected_findings()


def keys_of(expected: dict) -> dict[tuple[str, str], str]:
    """(township, item text) -> the planted duty key."""
    return {(t, cell["text"]): key for key, where in expected["duties"].items() for t, cell in where.items()}


def duty_key(duty: compare.Duty, expected: dict) -> str:
    keys = {keys_of(expected)[township, item["text"]] for township, item in duty.items.items()}
    assert len(keys) == 1, f"different duties aligned as one: {keys}"
    return keys.pop()


def test_items_worded_differently_are_aligned_as_the_planted_duties(result, expected):
    aligned = {duty_key(duty, expected): set(duty.items) for duty in result.duties}
    assert len(aligned) == len(result.duties), "a planted duty was split"
    assert aligned == {key: set(where) for key, where in expected["duties"].items()}


def test_every_planted_difference_is_found_and_nothing_else(result, expected):
    by_kind: dict[str, list] = {kind: [] for kind in compare.FINDING_NAMES}
    for finding in result.findings:
        key = duty_key(result.duties[finding.duty], expected) if finding.duty is not None else None
        by_kind[finding.kind].append((key, finding))
    assert {key: f.labels for key, f in by_kind["label_conflict"]} == {
        row["duty"]: row["labels"] for row in expected["label_conflicts"]
    }
    assert {(key, tuple(f.townships)) for key, f in by_kind["missing_in_one"]} == {
        (row["duty"], (row["missing"],)) for row in expected["missing_in_one"]
    }
    assert {(key, f.townships[0]) for key, f in by_kind["unique"]} == {
        (row["duty"], row["township"]) for row in expected["unique"]
    }
    assert {(f.townships[0], f.label, f.direction) for _, f in by_kind["size_outlier"]} == {
        (row["township"], row["label"], row["direction"]) for row in expected["size_outliers"]
    }
    assert result.sizes == expected["sizes"]


def test_no_two_unaligned_items_are_mutual_best_matches_above_the_threshold(result):
    """What 'nothing else above the stated similarity' means for the alignment."""
    entries = [(township, item) for duty in result.duties for township, item in duty.items.items()]
    owner = {item["id"]: number for number, duty in enumerate(result.duties) for item in duty.items.values()}
    index = MatchIndex(
        [f"{item['text']} {item['detail']}" for _, item in entries], [i["id"] for _, i in entries]
    )
    scores = index.pairwise()
    towns = [township for township, _ in entries]

    def best(i: int, township: str) -> int:
        return max((j for j in range(len(entries)) if towns[j] == township), key=lambda j: scores[i, j])

    for i, (town_i, item_i) in enumerate(entries):
        for town_j in result.townships:
            if town_j == town_i:
                continue
            j = best(i, town_j)
            if scores[i, j] >= compare.THRESHOLD and best(j, town_i) == i:
                assert owner[item_i["id"]] == owner[entries[j][1]["id"]], (
                    item_i["text"],
                    entries[j][1]["text"],
                )


def test_two_townships_compare_only_with_each_other(db, expected):
    with store.open(db) as conn:
        pair = compare.compare(conn, [A, B])
    kinds = {(f.kind, f.name) for f in pair.findings}
    assert kinds == {
        ("label_conflict", "耕地保护日常巡查"),
        ("unique", "茶产业发展服务"),
        ("unique", "传统村落保护利用"),
        ("unique", "小水电站安全度汛"),
    }
    assert pair.townships == [A, B]


def test_the_xlsx_has_the_matrix_the_findings_and_the_sizes(result, tmp_path):
    out = tmp_path / "对照.xlsx"
    compare.write_xlsx(result, out)
    book = load_workbook(out)
    assert book.sheetnames == ["事项对照", "差异", "清单规模"]
    matrix = list(book["事项对照"].iter_rows(values_only=True))
    assert matrix[0] == ("序号", "事项", *result.townships, "差异")
    assert len(matrix) == 1 + len(result.duties)
    farmland = next(row for row in matrix if row[1] == "耕地保护日常巡查")
    cells = dict(zip(result.townships, farmland[2:-1], strict=True))
    assert cells == {A: "基本履职事项", B: "配合履职事项", C: "基本履职事项", D: "基本履职事项"}
    assert "同一事项归属不同清单" in farmland[-1]
    conscription = next(row for row in matrix if row[1] == "兵役登记和征兵")
    assert dict(zip(result.townships, conscription[2:-1], strict=True))[D] == "未列入"
    findings = list(book["差异"].iter_rows(min_row=2, values_only=True))
    assert len(findings) == len(result.findings)
    sizes = {row[0]: row[1:] for row in book["清单规模"].iter_rows(min_row=2, max_row=5, values_only=True)}
    assert sizes[D] == (18, 11, 24, 53)


def test_cli_prints_the_findings_and_writes_the_xlsx(db, tmp_path):
    out = tmp_path / "清单对照.xlsx"
    result = CliRunner().invoke(main, ["--db", str(db), "compare", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "对齐为 58 个事项" in result.output
    assert "同一事项归属不同清单（8）" in result.output
    assert "兵役登记和征兵：北山镇未列入" in result.output
    assert "北山镇上级部门收回事项24项，占45%" in result.output
    assert out.exists()


def test_cli_takes_a_comma_separated_subset(db):
    result = CliRunner().invoke(main, ["--db", str(db), "compare", "--townships", f"{A}，{C}"])
    assert result.exit_code == 0, result.output
    assert f"比较 2 个乡镇（街道）：{A}、{C}" in result.output
    assert "农村宅基地审批" in result.output


def test_cli_refuses_an_output_that_is_not_xlsx(db, tmp_path):
    result = CliRunner().invoke(main, ["--db", str(db), "compare", "-o", str(tmp_path / "对照.csv")])
    assert result.exit_code == 2 and ".xlsx" in result.output


def test_an_unknown_township_lists_the_known_ones(db):
    with store.open(db) as conn, pytest.raises(NoConfirmedList) as error:
        compare.compare(conn, [A, "不存在镇"])
    assert "不存在镇" in str(error.value) and all(name in str(error.value) for name in (A, B, C, D))


def test_fewer_than_two_confirmed_lists_say_what_to_do(db_path):
    result = CliRunner().invoke(main, ["--db", str(db_path), "compare"])
    assert result.exit_code == 1
    assert "至少需要两个" in result.output and "dutylist lists import" in result.output


# The app page -------------------------------------------------------------------------------------------------

HOST = """
import streamlit as st
from review_app import session
session.start()
page = st.navigation([st.Page({page!r}, title="页")], position="hidden")
with session.locked():
    page.run()
"""


def test_the_page_shows_the_matrix_and_the_findings(db, tmp_path, monkeypatch):
    script = tmp_path / "host.py"
    script.write_text(HOST.format(page=str(ROOT / "review_app" / "views" / "compare.py")), encoding="utf-8")
    monkeypatch.setenv("DUTYLIST_DB", str(db))
    app = AppTest.from_file(str(script), default_timeout=60)
    app.run()
    try:
        assert not app.exception
        metrics = {metric.label: metric.value for metric in app.metric}
        assert metrics["对齐后的事项"] == "58"
        assert metrics[compare.FINDING_NAMES["label_conflict"]] == "8"
        findings = app.dataframe[0].value
        assert len(findings) == 25
        assert "北山镇" in set(findings["涉及乡镇"])
        app.multiselect(key="compare-townships").set_value([A, B]).run()
        assert not app.exception
        assert {metric.label: metric.value for metric in app.metric}[compare.FINDING_NAMES["unique"]] == "3"
        charts = app.get("vega_lite_chart")
        spec = json.loads(charts[0].proto.spec)
        assert len(charts) == 2 and spec["mark"]["type"] == "rect"
        assert spec["encoding"]["color"]["scale"]["domain"][:3] == [LABEL_NAMES[k] for k in LABEL_NAMES]
    finally:
        app.session_state["workspace"].close()
