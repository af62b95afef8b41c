"""Shared test setup: the tiny hand-written database. (The repository root and tests/ are on the path
through pyproject.toml's pytest settings.)"""
from __future__ import annotations

import pytest

from fixture import build_tiny
from saisaat.db import Database


@pytest.fixture
def tiny_db(tmp_path):
    """A fresh tiny database (tests/fixture.py) for each test, opened read-write."""
    path = tmp_path / "tiny.duckdb"
    build_tiny(path)
    db = Database(path)
    yield db
    db.close()
