"""The labelled corpus: merging the parts, the locked test split, and that training never sees it."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from classify import corpus
from classify.train import training_data
from dutylist import config, store
from dutylist.errors import BadInput
from dutylist.items import Item, normalise

CORPUS = Path(config.get("corpus"))


def _build_module():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def _line(**fields) -> str:
    row = {
        "detail": "",
        "lead_dept": "",
        "section": [],
        "domain": "测试",
        "form": "imperative",
        "hard": False,
    }
    return json.dumps({**row, **fields}, ensure_ascii=False) + "\n"


@pytest.fixture
def parts(tmp_path):
    """A small corpus folder with two parts written here (not the team's)."""
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        _line(id="A-1", text="村（社区）党组织换届选举", label="basic", source="A-g1")
        + _line(id="A-2", text="配合县统计局开展经济普查入户登记", label="cooperative", source="A-g2")
        + _line(id="A-3", text="对无证经营食品的行政处罚", label="returned", source="A-g3"),
        encoding="utf-8",
    )
    (folder / "b.jsonl").write_text(
        _line(id="B-1", text="村（社区） 党组织换届选举", label="cooperative", source="B-g1")
        + _line(id="B-2", text="网格员日常巡查走访", label="basic", source="B-g2"),
        encoding="utf-8",
    )
    return tmp_path


def test_build_merges_parts_drops_repeated_texts_and_is_idempotent(parts):
    summary = build.build(parts)
    rows = [json.loads(line) for line in (parts / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    # B-1 repeats A-1's text (up to spaces): the first one is kept, the conflict is reported
    assert [row["id"] for row in rows] == ["A-1", "A-2", "A-3", "B-2"]
    assert (
        "B-1" in summary["dropped"][0]
        and "A-1" in summary["dropped"][0]
        and "标签不同" in summary["dropped"][0]
    )
    assert all(row["split"] == corpus.split_of(row["source"]) for row in rows)
    first = ((parts / "items.jsonl").read_bytes(), (parts / "test_split.sha256").read_bytes())
    build.build(parts)
    assert ((parts / "items.jsonl").read_bytes(), (parts / "test_split.sha256").read_bytes()) == first


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_line(id="A-1", text="重复的编号", label="basic", source="x"), "重复"),
        (_line(id="C-1", text="标签写错", label="basics", source="x"), "basics"),
    ],
)
def test_build_refuses_bad_lines_naming_the_part(parts, line, message):
    (parts / "parts" / "c.jsonl").write_text(line, encoding="utf-8")
    with pytest.raises(BadInput, match=message) as info:
        build.build(parts)
    assert "c.jsonl" in str(info.value)


def test_load_without_items_file_says_to_run_build(tmp_path):
    with pytest.raises(BadInput, match="corpus/build.py"):
        corpus.load("train", tmp_path)


def test_locked_test_split_matches_its_fingerprint():
    test_ids = [row["id"] for row in corpus.load("test")]
    recorded = (CORPUS / build.DIGEST_FILE).read_text(encoding="utf-8").strip()
    assert corpus.split_digest(test_ids) == recorded, "test split changed: run python corpus/build.py"
    rows = corpus.load("train") + corpus.load("test")
    assert all(row["split"] == corpus.split_of(row["source"]) for row in rows)
    # variants of one duty share a source, so a source is never on both sides
    sources = {}
    for row in rows:
        assert sources.setdefault(row["source"], row["split"]) == row["split"]


def test_items_file_is_built_from_the_current_parts(tmp_path):
    shutil.copytree(CORPUS / "parts", tmp_path / "parts")
    build.build(tmp_path)
    assert (tmp_path / "items.jsonl").read_bytes() == (CORPUS / "items.jsonl").read_bytes(), (
        "corpus/items.jsonl is stale: run python corpus/build.py"
    )


def test_training_never_sees_a_test_id_or_text(conn):
    test_rows = corpus.load("test")
    # a reviewer confirms an item whose text is a test item: it must still stay out of training
    leaked = Item(doc="e" * 64, file="清单.docx", text=test_rows[0]["text"], locator="table 1 row 1")
    store.save_document(conn, {"sha256": "e" * 64, "path": "清单.docx", "status": "ok"}, [leaked])
    store.add_review(conn, leaked.id, "relabel", test_rows[0]["label"])
    data = training_data(conn=conn)
    assert data["counts"]["reviewed_in_test_left_out"] == 1
    assert not {row["id"] for row in data["rows"]} & {row["id"] for row in test_rows}
    assert not {normalise(row["text"]) for row in data["rows"]} & {
        normalise(row["text"]) for row in test_rows
    }


def _independent_file(corpus_dir, name: str, rows: list[tuple[str, str, str]]) -> None:
    """corpus_dir/independent/NAME.jsonl with one (id, text, label) item per row."""
    folder = corpus_dir / "independent"
    folder.mkdir(exist_ok=True)
    lines = [
        json.dumps({"id": i, "text": text, "label": label}, ensure_ascii=False) for i, text, label in rows
    ]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_independent_items_are_scored_but_never_trained_on(parts):
    build.build(parts)
    _independent_file(
        parts, "z", [("Z-1", "网格员日常巡查走访", "basic"), ("Z-2", "独立写作的事项", "basic")]
    )
    assert [(row["id"], row["set"]) for row in corpus.load_independent(parts)] == [("Z-1", "z"), ("Z-2", "z")]
    # the corpus item with the same text as an independent one is left out of training, like a test item
    trained_texts = {row["text"] for row in training_data(parts)["rows"]}
    assert "网格员日常巡查走访" not in trained_texts and "独立写作的事项" not in trained_texts
    assert "配合县统计局开展经济普查入户登记" in trained_texts | {
        row["text"] for row in corpus.load("test", parts)
    }


def test_an_independent_file_with_an_unknown_label_is_refused_naming_file_and_line(tmp_path):
    _independent_file(tmp_path, "w", [("W-1", "事项甲", "basic"), ("W-2", "事项乙", "配合")])
    with pytest.raises(BadInput) as info:
        corpus.load_independent(tmp_path)
    assert "w.jsonl" in str(info.value) and "第 2 条" in str(info.value) and "配合" in str(info.value)


def test_no_independent_folder_means_no_independent_items(tmp_path):
    assert corpus.load_independent(tmp_path) == []
