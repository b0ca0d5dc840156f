"""The batch runner: folders walked, township defaults, idempotence, parallel workers, item ids for --jsonl."""

import csv
import importlib.util
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutylist import store
from dutylist.errors import DutylistError
from extract import batch

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
QINGSHI = SAMPLES / "青石镇"
NOTICE_PDF = SAMPLES / "白沙乡" / "县民政局关于做好农村低收入人口动态监测工作的通知.pdf"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the 青石镇 sample folder (two files, 61 items)."""
    target = tmp_path / "青石镇"
    shutil.copytree(QINGSHI, target)
    return target


def test_extracts_a_folder_and_stores_items_with_provenance(folder, conn):
    summary = batch.run([str(folder)], conn, progress=False)
    assert (summary.files_ok, summary.files_skipped, summary.files_failed) == (2, 0, [])
    assert summary.items_found == summary.items_new == 61
    rows = store.items(conn)
    assert len(rows) == 61 and sorted(summary.item_ids) == sorted(row["id"] for row in rows)
    assert {row["township"] for row in rows} == {"青石镇"}
    assert {row["file"] for row in rows} == {str(path) for path in folder.iterdir()}
    docs = {Path(doc["path"]).name: doc for doc in store.documents(conn)}
    assert docs["青石镇履行职责事项清单.docx"]["format"] == "docx"
    assert docs["青石镇履行职责事项清单.docx"]["item_count"] == 44
    assert set(summary.seconds) == {doc["path"] for doc in docs.values()}


def test_running_twice_adds_nothing_and_loses_nothing(folder, conn):
    first = batch.run([str(folder)], conn, progress=False)
    before = store.items(conn)
    second = batch.run([str(folder)], conn, progress=False)
    assert (second.files_ok, second.files_skipped, second.items_new) == (0, 2, 0)
    assert sorted(second.item_ids) == sorted(
        first.item_ids
    )  # --jsonl still gets every item of the given paths
    assert second.items_found == 61
    assert store.items(conn) == before


def test_changed_file_is_read_again_and_old_items_stay(folder, tmp_path, conn):
    batch.run([str(folder)], conn, progress=False)
    notice = folder / "县应急管理局关于做好汛期安全防范工作的通知.docx"
    shutil.copy(NOTICE_PDF, notice)  # same path, other bytes
    summary = batch.run([str(folder)], conn, progress=False)
    assert (summary.files_ok, summary.files_skipped, summary.items_new) == (1, 1, 12)
    assert len(store.items(conn)) == 61 + 12


def test_township_defaults_to_the_folder_given_or_the_files_folder(folder, tmp_path, conn):
    nested = folder / "2024年" / "汛期"
    nested.mkdir(parents=True)
    shutil.copy(NOTICE_PDF, nested / "notice.pdf")
    batch.run([str(folder)], conn, progress=False)
    assert set(store.townships(conn)) == {"青石镇"}  # files in sub-folders belong to the folder given

    other = tmp_path / "白沙乡"
    other.mkdir()
    shutil.copy(NOTICE_PDF, other / "copy.pdf")
    (other / "copy.pdf").write_bytes((other / "copy.pdf").read_bytes() + b"\n")  # other bytes, same content
    batch.run([str(other / "copy.pdf")], conn, progress=False)
    assert "白沙乡" in store.townships(conn)


def test_explicit_township_wins(folder, conn):
    batch.run([str(folder)], conn, township="石门街道", progress=False)
    assert store.townships(conn) == ["石门街道"]


def test_walk_skips_hidden_and_lock_files_and_survives_symlink_loops(folder):
    (folder / ".hidden.docx").write_bytes(b"x")
    (folder / "~$清单.docx").write_bytes(b"x")
    (folder / ".git").mkdir()
    (folder / ".git" / "a.pdf").write_bytes(b"x")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    sub = folder / "sub"
    sub.mkdir()
    (sub / "back").symlink_to(folder, target_is_directory=True)
    found = [Path(path).name for path, township in batch.walk([str(folder)])]
    assert sorted(found) == sorted(path.name for path in QINGSHI.iterdir())
    assert {township for _, township in batch.walk([str(folder)])} == {"青石镇"}


def test_parallel_workers_give_the_same_items(folder, tmp_path):
    results = {}
    for jobs in (1, 2):
        with store.open(tmp_path / f"ws{jobs}.db") as conn:
            summary = batch.run([str(folder), str(NOTICE_PDF)], conn, jobs=jobs, progress=False)
            assert summary.files_ok == 3
            results[jobs] = sorted((row["id"], row["text"], row["lead_dept"]) for row in store.items(conn))
    assert results[1] == results[2] and len(results[1]) == 73


def test_dask_backend_without_dask_says_how_to_install_it(folder, conn, monkeypatch):
    # A None entry in sys.modules makes `import` fail as on a machine without dask.
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DutylistError, match=r'pip install "dask\[distributed\]"'):
        batch.run([str(folder)], conn, backend="dask", progress=False)


def test_extract_file_without_a_workspace():
    result = batch.extract_file(str(NOTICE_PDF), "白沙乡")
    assert result.doc["status"] == "ok" and result.doc["pages"] == 2 and result.doc["format"] == "pdf"
    assert len(result.items) == 12 and result.seconds > 0


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason='needs pip install "dask[distributed]"'
)
def test_dask_backend_on_a_local_cluster(folder, conn):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = batch.run(
            [str(folder)], conn, backend="dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert (summary.files_ok, summary.items_new) == (2, 61)
    assert {row["township"] for row in store.items(conn)} == {"青石镇"}


DUTIES = (
    "各乡镇要组织开展第{n}号河道日常巡查。",
    "配合县水利局做好第{n}号山塘安全鉴定。",
    "负责第{n}片区森林防火巡查。",
)


def _many_small_files(folder: Path, count: int) -> int:
    folder.mkdir()
    for n in range(count):
        lines = ["一、工作任务", *(duty.format(n=n) for duty in DUTIES), "联系电话：0000-1234567。"]
        (folder / f"通知{n:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return count * len(DUTIES)


def _count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_9_in_the_middle_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path):
    """The real CLI in a subprocess, killed with SIGKILL while it works through a folder of small files."""
    folder, db = tmp_path / "青石镇", tmp_path / "ws" / "dutylist.db"
    wanted = _many_small_files(folder, 150)
    command = [str(Path(sys.executable).parent / "dutylist"), "--db", str(db), "extract", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(db, "documents") < 10 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = _count(db, "documents")
    assert 10 <= done < 150, "the batch should have been killed in the middle"
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"未变跳过 unchanged {done}" in rerun.stdout
    with store.open(db) as conn:
        rows = store.items(conn)
        assert len(store.documents(conn)) == 150
    assert len(rows) == wanted and len({row["id"] for row in rows}) == wanted
    assert len({(row["file"], row["text"]) for row in rows}) == wanted
    assert (db.parent / "extract-failures.csv").read_text("utf-8-sig").splitlines() == [
        ",".join(batch.FAILURE_COLUMNS)
    ]


def test_cli_writes_the_failure_report_where_asked(tmp_path, db_path):
    from click.testing import CliRunner

    from dutylist.cli import main

    folder = tmp_path / "乡"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(NOTICE_PDF, folder / "notice.pdf")
    report = tmp_path / "报告" / "failures.csv"
    result = CliRunner().invoke(main, ["--db", str(db_path), "extract", str(folder), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert str(report) in result.output
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(batch.FAILURE_COLUMNS)
    [(file, reason, hint)] = rows[1:]
    assert file.endswith("empty.pdf") and "空" in reason and hint
