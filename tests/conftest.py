"""Shared fixtures: a real workspace file per test."""

import pytest
from appdata import fill_workspace

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


@pytest.fixture(scope="session")
def trained_models_dir(tmp_path_factory):
    """A model trained once per test session from the committed corpus, in a temporary folder."""
    from classify.train import train

    folder = tmp_path_factory.mktemp("models")
    train(models_dir=folder)
    return folder


@pytest.fixture
def trained_models(trained_models_dir, monkeypatch):
    """The session's trained model, made the default (DUTYLIST_MODELS) for this test."""
    monkeypatch.setenv("DUTYLIST_MODELS", str(trained_models_dir))
    return trained_models_dir


@pytest.fixture
def ids(db_path):
    """The ids of the review app's test items (tests/appdata.py), queued in a fresh workspace."""
    return fill_workspace(db_path)
