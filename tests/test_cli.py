"""The command line as a clerk meets it: usage errors, clear messages, files written."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from dutylist.cli import main


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


def test_classify_in_reports_the_bad_line(db_path, tmp_path, trained_models):
    bad = tmp_path / "items.jsonl"
    bad.write_text(json.dumps({"id": "1", "text": "负责低保初审"}, ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    result = run("classify", "--in", bad, db=db_path)
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "items.jsonl" in result.output


def test_stats_on_a_new_workspace(db_path):
    result = run("stats", db=db_path)
    assert result.exit_code == 0
    assert "事项 items: 0" in result.output
