"""The team's government vocabulary: the jieba user dictionary and the department gazetteer.

Both live in `corpus/` (`userdict.txt`: jieba format `word freq tag`; `departments.tsv`: `name<TAB>canonical<TAB>
level`, one known department name or short form per line). Everything that tokenises Chinese calls `load_jieba()`
first, so a department name is one token wherever it appears (and in every joblib/Dask worker).
"""

import functools
import os
import tempfile
from pathlib import Path

import jieba

from dutylist import config


def corpus_file(name: str) -> Path:
    return Path(config.get("corpus")) / name


@functools.cache
def load_jieba() -> jieba.Tokenizer:
    """Initialise jieba once per process with the user dictionary; return the default tokenizer."""
    jieba.setLogLevel(60)
    # jieba caches its prefix dictionary in the temp dir; keep it per user so parallel workers share it safely.
    jieba.dt.tmp_dir = os.environ.get("DUTYLIST_CACHE", tempfile.gettempdir())
    jieba.initialize()
    userdict = corpus_file("userdict.txt")
    if userdict.exists():
        jieba.load_userdict(str(userdict))
    for name in departments():
        jieba.add_word(name, freq=2000)
    return jieba.dt


@functools.cache
def gazetteer() -> tuple[tuple[str, str, str], ...]:
    """Every row of corpus/departments.tsv as (name, canonical, level); canonical defaults to the name."""
    path = corpus_file("departments.tsv")
    if not path.exists():
        return ()
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, canonical, level = (field.strip() for field in (line.split("\t") + ["", ""])[:3])
        rows.append((name, canonical or name, level))
    return tuple(rows)


@functools.cache
def departments() -> dict[str, str]:
    """Every known department name or short form, mapped to its canonical (full) name."""
    return {name: canonical for name, canonical, _ in gazetteer()}


@functools.cache
def department_levels() -> dict[str, str]:
    """Department name (canonical or short) -> "county", "township" or "city", where the gazetteer says."""
    levels: dict[str, str] = {}
    for name, canonical, level in gazetteer():
        if level:
            levels.setdefault(canonical, level)
            levels.setdefault(name, level)
    return levels
