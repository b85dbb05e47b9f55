"""The answer tests' shared fixture: a real archive and index holding answer_fixtures.POSTS."""

from __future__ import annotations

import pytest
from answer_fixtures import fill, open_brain


@pytest.fixture
def brain(data_dir):
    b = open_brain(data_dir)
    fill(b)
    yield b
    b.close()
