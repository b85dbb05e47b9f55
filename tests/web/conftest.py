"""Fixtures for the web tests: one seeded archive and live servers shared per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_fixtures import LiveServer, seed

from socialbrain.testing.llm_server import start_server


@pytest.fixture(scope="session")
def llm_server() -> Iterator[object]:
    with start_server() as handle:
        yield handle


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    d = tmp_path_factory.mktemp("web") / "home"
    return d, seed(d)


@pytest.fixture(scope="session")
def live(seeded_dir: tuple[Path, dict[str, int]], llm_server: object) -> Iterator[LiveServer]:
    """The server over the seeded archive, answering with the deterministic test LLM."""
    with LiveServer(
        seeded_dir[0],
        overrides={
            "embedder": "none",
            "llm_url": llm_server.url,  # type: ignore[attr-defined]
            "llm_model": "test-model",
        },
    ) as server:
        yield server


@pytest.fixture(scope="session")
def ids(seeded_dir: tuple[Path, dict[str, int]]) -> dict[str, int]:
    return seeded_dir[1]
