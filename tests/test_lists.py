"""Importing published lists (`dutylist lists import`): every item confirmed with the list its heading names."""

import json
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from dutylist import store
from dutylist.cli import main
from dutylist.errors import BadInput, UnreadableDocument
from extract import tagger
from extract.published import import_list

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lists"))
import make_lists  # noqa: E402

A, B, C, D = make_lists.TOWNSHIPS


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return make_lists.make(tmp_path_factory.mktemp("lists"))


def run(*args, db):
    return CliRunner().invoke(main, ["--db", str(db), *map(str, args)])


def planted(township: str) -> Counter:
    return Counter(row.label for row in make_lists.entries(township))


@pytest.mark.parametrize("township", make_lists.TOWNSHIPS)
def test_each_published_list_is_confirmed_with_its_own_labels(conn, lists, township):
    summary = import_list(conn, lists[township], township)
    assert summary["unlabelled"] == []
    assert summary["labels"] == dict(planted(township))
    confirmed = store.confirmed_items(conn, township)
    assert Counter(row["label"] for row in confirmed) == planted(township)
    # The township's own wording is kept, with the list's lead department (its canonical name).
    wording = {(row.name, row.label, tagger.canonical(row.lead)) for row in make_lists.entries(township)}
    assert {(row["text"], row["label"], row["lead_dept"]) for row in confirmed} == wording


def test_the_audit_trail_shows_the_label_came_from_the_import(conn, lists):
    import_list(conn, lists[A], A)
    events = store.reviews(conn)
    assert len(events) == 46
    assert {(e["action"], e["reviewer"], e["status"]) for e in events} == {("import", "import", "confirmed")}
    assert all(Path(lists[A]).name in e["note"] for e in events)


def test_importing_the_same_list_again_adds_nothing(conn, lists):
    first = import_list(conn, lists[B], B)
    second = import_list(conn, lists[B], B)
    assert (first["new"], first["confirmed"]) == (45, 45)
    assert (second["new"], second["confirmed"], second["unchanged"]) == (0, 0, 45)
    assert len(store.reviews(conn)) == 45
    assert len(store.items(conn, B)) == 45


def test_a_reviewers_later_decision_survives_a_reimport(conn, lists):
    import_list(conn, lists[A], A)
    item = next(row for row in store.confirmed_items(conn, A) if row["text"] == "耕地保护日常巡查")
    store.add_review(conn, item["id"], "relabel", "cooperative", reviewer="王芳")
    again = import_list(conn, lists[A], A)
    assert again["kept"] == 1 and again["confirmed"] == 0
    assert store.item_state(conn, item["id"])["final_label"] == "cooperative"


def test_a_pdf_list_is_read_through_the_extract_readers(conn):
    pdf = ROOT / "samples" / "白沙乡" / "白沙乡履行职责事项清单.pdf"
    expected = [
        json.loads(line)
        for line in (ROOT / "samples" / "expected.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    wanted = Counter(row["source_label"] for row in expected if row["file"].endswith(pdf.name))
    summary = import_list(conn, pdf, "白沙乡")
    assert summary["format"] == "pdf"
    assert Counter(row["label"] for row in store.confirmed_items(conn, "白沙乡")) == wanted


def test_a_jsonl_list_takes_each_line_label_and_reports_lines_without_one(conn, tmp_path):
    path = tmp_path / "清单.jsonl"
    rows = [
        {"text": "农村低保初审", "label": "basic", "detail": "入户调查"},
        {"text": "配合开展森林防火巡查", "label": "配合履职事项", "lead_dept": "县林业局"},
        {"text": "食品经营许可", "label": "returned", "id": "copied-from-elsewhere"},
        {"text": "来历不明的一条", "label": ""},
    ]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    summary = import_list(conn, path, "东坪镇")
    assert summary["format"] == "jsonl"
    assert summary["unlabelled"] == ["来历不明的一条"]
    confirmed = {row["text"]: row for row in store.confirmed_items(conn, "东坪镇")}
    assert {text: row["label"] for text, row in confirmed.items()} == {
        "农村低保初审": "basic",
        "配合开展森林防火巡查": "cooperative",
        "食品经营许可": "returned",
    }
    assert confirmed["配合开展森林防火巡查"]["lead_dept"] == "县林业局"
    assert "copied-from-elsewhere" not in confirmed  # ids are this workspace's own keys


def test_a_jsonl_line_with_an_unknown_label_is_named(conn, tmp_path):
    path = tmp_path / "坏清单.jsonl"
    path.write_text('{"text": "农村低保初审", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(BadInput, match="坏清单.jsonl 第 1 行.*maybe"):
        import_list(conn, path, "东坪镇")


def test_items_under_no_list_heading_are_reported_not_guessed(conn, tmp_path):
    path = tmp_path / "没有标题的清单.docx"
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("序号", "事项名称", "具体内容"), strict=True):
        cell.text = text
    for number, (name, detail) in enumerate((("农村低保初审", "入户调查"), ("森林防火巡查", "巡山护林")), 1):
        for cell, text in zip(table.add_row().cells, (str(number), name, detail), strict=True):
            cell.text = text
    document.add_paragraph("")
    document.save(path)
    summary = import_list(conn, path, "东坪镇")
    assert summary["unlabelled"] == ["农村低保初审", "森林防火巡查"]
    assert summary["confirmed"] == 0
    assert store.confirmed_items(conn, "东坪镇") == []


def test_a_list_already_imported_for_another_township_is_refused(conn, lists):
    import_list(conn, lists[A], A)
    with pytest.raises(BadInput, match=f"已作为“{A}”的清单导入"):
        import_list(conn, lists[A], B)


def test_a_damaged_list_names_the_file(conn, tmp_path):
    path = tmp_path / "损坏的清单.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnreadableDocument, match="损坏的清单.docx"):
        import_list(conn, path, A)


def test_cli_import_prints_the_counts_and_lists_unlabelled_items(db_path, lists, tmp_path):
    result = run("lists", "import", lists[D], "--township", D, db=db_path)
    assert result.exit_code == 0, result.output
    assert "新确认 53 项" in result.output
    assert "基本履职事项 18，配合履职事项 11，上级部门收回事项 24" in result.output
    again = run("lists", "import", lists[D], "--township", D, db=db_path)
    assert "新确认 0 项" in again.output and "已确认未变 53 项" in again.output


def test_cli_import_needs_a_township_and_an_existing_file(db_path, lists, tmp_path):
    assert run("lists", "import", lists[A], db=db_path).exit_code == 2
    missing = run("lists", "import", tmp_path / "没有的清单.docx", "--township", A, db=db_path)
    assert missing.exit_code == 2 and "没有的清单.docx" in missing.output


def test_the_committed_expected_findings_match_the_generator():
    committed = json.loads((ROOT / "tests" / "lists" / "expected_findings.json").read_text(encoding="utf-8"))
    assert committed == make_lists.expected_findings()
