from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qrules

pytest_plugins = ["pytester"]

DATA = Path(__file__).parent / "data"
MINI = DATA / "rulebooks" / "mini"


@pytest.fixture(scope="session")
def mini() -> qrules.Rulebook:
    """A four-rule rulebook covering every aggregation but annual_average."""
    return qrules.load(MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini rulebook's folder."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target
