"""Shared test setup: the tiny hand-written database. (The repository root and tests/ are on the path
through pyproject.toml's pytest settings.)"""
from __future__ import annotations

import shutil

import pytest
from streamlit import config

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


@pytest.fixture(autouse=True)
def local_mode():
    """Every test's app as ./run.sh starts it without [auth]: bound to 127.0.0.1, local mode (the
    secretariat); a test that binds it elsewhere gets the address back afterwards."""
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)
