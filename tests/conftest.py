"""Shared fixtures: a real workspace file per test."""

import pytest

from dutylist import store


@pytest.fixture
def db_path(tmp_path):
    """Path of a fresh, migrated workspace database."""
    path = tmp_path / "ws.db"
    with store.open(path):
        pass
    return path


@pytest.fixture
def conn(db_path):
    with store.open(db_path) as connection:
        yield connection
