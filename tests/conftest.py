"""Shared test setup: the repository root on sys.path and the tiny hand-written database."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / "tests"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from fixture import build_tiny  # noqa: E402
from saisaat.db import Database  # noqa: E402


@pytest.fixture
def tiny_db(tmp_path):
    """A fresh tiny database (tests/fixture.py) for each test, opened read-write."""
    path = tmp_path / "tiny.duckdb"
    build_tiny(path)
    db = Database(path)
    yield db
    db.close()


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    """The tiny database, built once per test module; `db_path` gives each test its own copy."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build_tiny(path)
    return path


@pytest.fixture
def db_path(tiny_file, tmp_path):
    path = tmp_path / "saisaat.duckdb"
    shutil.copyfile(tiny_file, path)
    return path


@pytest.fixture
def db(db_path):
    """A copy of the tiny database, opened read-write."""
    database = Database(db_path)
    yield database
    database.close()
