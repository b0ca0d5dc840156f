"""`dutylist corpus import`: another township's published list becomes proposals a reviewer confirms, and only
confirmed items become training data."""

import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from classify.corpus_import import SOURCE_MODEL, import_corpus_list
from classify.train import REVIEW_WEIGHT, training_data
from dutylist import store
from dutylist.cli import main
from dutylist.errors import UnreadableDocument

sys.path.insert(0, str(Path(__file__).resolve().parent / "lists"))
import make_lists  # noqa: E402

A, B, C, D = make_lists.TOWNSHIPS


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return make_lists.make(tmp_path_factory.mktemp("lists"))


def planted(township: str) -> Counter:
    return Counter(row.label for row in make_lists.entries(township))


@pytest.mark.parametrize("township", [A, B])  # a Word list and an Excel list
def test_each_item_is_proposed_with_its_list_heading_and_nothing_is_confirmed(conn, lists, township):
    summary = import_corpus_list(conn, lists[township])
    assert summary["township"] == township  # taken from the file name
    assert summary["labels"] == {label: planted(township)[label] for label in summary["labels"]}
    states = store.items_with_proposals(conn, township)
    assert len(states) == summary["proposed"] == sum(planted(township).values())
    assert {state["model_id"] for state in states} == {SOURCE_MODEL}
    assert not any(state["auto_accept"] for state in states)
    assert all(state["status"] == "pending" for state in states)
    assert store.reviewed_labels(conn) == []


def test_confirmed_items_become_training_data_and_pending_ones_do_not(conn, lists):
    import_corpus_list(conn, lists[D], "北山镇")
    states = store.items_with_proposals(conn, D)
    returned = next(state for state in states if state["proposed_label"] == "returned")
    corrected = next(state for state in states if state["proposed_label"] == "basic")
    store.add_review(conn, returned["id"], "confirm", reviewer="张三")
    store.add_review(conn, corrected["id"], "relabel", "cooperative", reviewer="张三")
    data = training_data(conn=conn)
    reviewed = {
        row["text"]: (str(label), float(weight))
        for row, label, weight in zip(data["rows"], data["y"], data["weights"], strict=True)
        if weight == REVIEW_WEIGHT
    }
    assert data["counts"]["reviewed"] == 2
    assert reviewed[returned["text"]] == ("returned", REVIEW_WEIGHT)
    assert reviewed[corrected["text"]] == ("cooperative", REVIEW_WEIGHT)


def test_importing_again_adds_nothing_and_keeps_a_later_model_proposal_on_top(conn, lists):
    first = import_corpus_list(conn, lists[C])
    item = store.items_with_proposals(conn, C)[0]
    store.add_model(conn, "m-later", "", "", {})
    store.add_proposals(
        conn,
        "m-later",
        [{"item_id": item["id"], "label": "returned", "confidence": 0.6, "probs": {"returned": 0.6}}],
    )
    again = import_corpus_list(conn, lists[C])
    assert first["proposed"] > 0 and again["proposed"] == 0 and again["new"] == 0
    assert store.item_state(conn, item["id"])["model_id"] == "m-later"


def test_items_under_no_list_heading_are_reported_without_a_proposal(conn, tmp_path):
    import docx

    path = tmp_path / "无标题清单.docx"
    document = docx.Document()
    document.add_paragraph("一、配合履职事项")
    document.add_paragraph("1. 配合县林业局开展松材线虫病疫木清理")
    document.save(path)
    plain = tmp_path / "白沙乡通知.docx"
    document = docx.Document()
    document.add_paragraph("1. 组织开展农村人居环境整治")
    document.save(plain)
    summary = import_corpus_list(conn, path, "白沙乡")
    assert summary["labels"]["cooperative"] == 1 and summary["unlabelled"] == []
    bare = import_corpus_list(conn, plain)
    assert bare["township"] == "白沙乡" and bare["proposed"] == 0
    assert bare["unlabelled"] == ["组织开展农村人居环境整治"]


def test_a_damaged_list_names_the_file(conn, tmp_path):
    path = tmp_path / "损坏的清单.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnreadableDocument, match="损坏的清单.docx"):
        import_corpus_list(conn, path)


def test_cli_prints_the_proposals_and_asks_for_review(db_path, lists):
    result = CliRunner().invoke(main, ["--db", str(db_path), "corpus", "import", str(lists[B])])
    assert result.exit_code == 0, result.output
    counts = planted(B)
    assert f"新增建议 {sum(counts.values())} 项" in result.output
    assert f"配合履职事项 {counts['cooperative']}" in result.output and "dutylist review" in result.output
    again = CliRunner().invoke(
        main, ["--db", str(db_path), "corpus", "import", str(lists[B]), "--township", B]
    )
    assert "新增建议 0 项" in again.output
    help_text = CliRunner().invoke(main, ["corpus", "import", "--help"]).output
    assert "lists import" in help_text


def test_an_item_jsonl_is_read_as_lists_import_reads_it(conn, tmp_path):
    path = tmp_path / "南坪镇清单.jsonl"
    path.write_text(
        '{"text": "农村低保申请受理", "label": "basic"}\n{"text": "林木采伐许可", "label": "上级部门收回事项"}\n',
        encoding="utf-8",
    )
    summary = import_corpus_list(conn, path)
    assert summary["township"] == "南坪镇" and summary["format"] == "jsonl"
    assert summary["labels"] == {"basic": 1, "cooperative": 0, "returned": 1}
