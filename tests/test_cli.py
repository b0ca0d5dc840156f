"""The command line as a clerk meets it: usage errors, clear messages, files written."""

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from dutylist import store
from dutylist.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args, db=None):
    prefix = ["--db", str(db)] if db else []
    return CliRunner().invoke(main, [*prefix, *map(str, args)])


def test_a_missing_path_is_a_usage_error(db_path, tmp_path):
    result = run("extract", tmp_path / "没有这个文件夹", db=db_path)
    assert result.exit_code == 2
    assert "没有这个文件夹" in result.output and "does not exist" in result.output


def test_an_unknown_flag_is_a_usage_error(db_path):
    result = run("export", "--colour", "red", db=db_path)
    assert result.exit_code == 2
    assert "--colour" in result.output


def test_an_unknown_export_format_lists_the_choices(db_path, tmp_path):
    result = run("export", "--format", "pdf", "-o", tmp_path / "x.pdf", db=db_path)
    assert result.exit_code == 2
    assert "xlsx" in result.output and "docx" in result.output


def test_scheduler_without_dask_backend_is_refused(db_path, tmp_path):
    result = run("extract", tmp_path, "--scheduler", "tcp://127.0.0.1:8786", db=db_path)
    assert result.exit_code == 2
    assert "--backend dask" in result.output


def test_a_damaged_workspace_file_is_named_in_the_error(tmp_path):
    bad = tmp_path / "坏的工作库.db"
    bad.write_bytes(b"\x00garbage" * 500)
    result = run("stats", db=bad)
    assert result.exit_code == 1
    assert "坏的工作库.db" in result.output and "Traceback" not in result.output


def test_export_with_nothing_confirmed_says_what_to_do_and_writes_empty_lists(db_path, tmp_path):
    out = tmp_path / "清单.xlsx"
    result = run("export", "--format", "xlsx", "-o", out, db=db_path)
    assert result.exit_code == 0
    assert "dutylist review" in result.output
    assert load_workbook(out).sheetnames == ["基本履职事项", "配合履职事项", "上级部门收回事项"]


def test_classify_in_skips_bad_lines_naming_them_and_keeps_the_good_ones(db_path, tmp_path, trained_models):
    bad = tmp_path / "items.jsonl"
    good = json.dumps({"id": "1", "text": "负责低保初审"}, ensure_ascii=False)
    bad.write_text(f'{good}\n{{oops\n{{"id": "3", "text": "  "}}\n', encoding="utf-8")
    result = run("classify", "--in", bad, db=db_path)
    assert result.exit_code == 0, result.output
    assert "第 2 行" in result.output and "第 3 行" in result.output and "items.jsonl" in result.output
    proposals = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["id"] for row in proposals] == ["1"]


def test_classify_in_with_no_usable_line_is_an_error(db_path, tmp_path, trained_models):
    bad = tmp_path / "items.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    result = run("classify", "--in", bad, db=db_path)
    assert result.exit_code == 1 and "没有可用的行" in result.output


def test_stats_on_a_new_workspace(db_path):
    result = run("stats", db=db_path)
    assert result.exit_code == 0
    assert "事项 items: 0" in result.output


def test_without_a_model_classify_says_to_train(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYLIST_MODELS", str(tmp_path / "no-models"))
    result = run("classify", db=db_path)
    assert result.exit_code == 1
    assert "make train" in result.output and "Traceback" not in result.output


def test_extract_classify_export_on_the_samples(db_path, tmp_path, trained_models):
    """The main job end to end on the bundled samples, as `make demo` runs it, then a review and an export."""
    samples = [ROOT / "samples" / "青石镇", ROOT / "samples" / "白沙乡"]
    items_out = tmp_path / "items.jsonl"
    first = run("extract", *samples, "--jsonl", items_out, db=db_path)
    assert first.exit_code == 0, first.output
    assert (
        "失败 failed 1" in first.output
        and "扫描件_村规民约备案表.pdf" in first.output
        and "OCR" in first.output
    )
    expected = [
        json.loads(line) for line in (ROOT / "samples" / "expected.jsonl").read_text("utf-8").splitlines()
    ]
    lines = [json.loads(line) for line in items_out.read_text("utf-8").splitlines()]
    assert len(lines) == len(expected)
    assert set(lines[0]) == {
        "id",
        "doc",
        "file",
        "township",
        "page",
        "locator",
        "section",
        "text",
        "detail",
        "lead_dept",
        "coop_depts",
        "basis",
        "source_label",
        "flags",
    }
    assert {line["township"] for line in lines} == {"青石镇", "白沙乡"}

    again = run("extract", *samples, db=db_path)
    assert "新增 new 0" in again.output and "未变跳过 unchanged 4" in again.output

    proposals_out = tmp_path / "proposals.jsonl"
    classified = run("classify", "--jsonl", proposals_out, db=db_path)
    assert classified.exit_code == 0, classified.output
    proposals = [json.loads(line) for line in proposals_out.read_text("utf-8").splitlines()]
    assert len(proposals) == len(expected)
    assert {"label", "confidence", "probs", "evidence", "model", "auto_accept"} <= set(proposals[0])

    with store.open(db_path) as conn:
        for item_id in store.queue_ids(conn, store.QueueFilter(township="青石镇"), limit=5):
            store.add_review(conn, item_id, "confirm", reviewer="王五")
    out = tmp_path / "青石镇.xlsx"
    exported = run("export", "--format", "xlsx", "-o", out, "--township", "青石镇", db=db_path)
    assert "exported 5" in exported.output
    rows = [
        row
        for sheet in load_workbook(out)
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if isinstance(row[0], int)
    ]
    assert len(rows) == 5


def test_classify_in_reads_any_jsonl_with_id_and_text(tmp_path, trained_models):
    lines = [
        {
            "id": "a",
            "text": "对未取得食品经营许可从事食品经营活动的行政处罚",
            "lead_dept": "县市场监管局",
            "extra": 1,
        },
        {"id": "b", "text": "组织开展村（社区）党组织书记培训", "section": ["党的建设"]},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = run("classify", "--in", source, "--jsonl", out)
    assert result.exit_code == 0, result.output
    labelled = {row["id"]: row for row in map(json.loads, out.read_text("utf-8").splitlines())}
    assert labelled["a"]["label"] == "returned" and labelled["b"]["label"] == "basic"
    assert labelled["a"]["extra"] == 1 and 0 < labelled["a"]["confidence"] <= 1
