"""Settings in one table: each has a CLI flag or environment variable and a documented default.

`tests/test_docs.py` checks that every setting is described in README.md.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS = (
    Setting("db", "DUTYLIST_DB", "workspace/dutylist.db", "工作库 SQLite 文件 / workspace SQLite file"),
    Setting("models", "DUTYLIST_MODELS", str(PROJECT_ROOT / "models"), "模型目录 / trained model folder"),
    Setting("corpus", "DUTYLIST_CORPUS", str(PROJECT_ROOT / "corpus"), "语料目录 / labelled corpus folder"),
    Setting(
        "reviewer", "DUTYLIST_REVIEWER", "reviewer", "审核人姓名（写入审核记录）/ reviewer name in the audit"
    ),
    Setting(
        "overlap",
        "DUTYLIST_OVERLAP",
        "0.1",
        "双人审核比例 / fraction of items two reviewers decide (0 = off)",
    ),
)


def setting(name: str) -> Setting:
    for candidate in SETTINGS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown setting {name!r}; known: {', '.join(s.name for s in SETTINGS)}")


def get(name: str) -> str:
    """The value of setting `name`: its environment variable if set, else the default.

    >>> get("db")  # doctest: +SKIP
    'workspace/dutylist.db'
    """
    found = setting(name)
    return os.environ.get(found.env) or found.default
