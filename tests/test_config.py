"""Typed settings: one model, read once from flags, the environment and config.toml, one boolean grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialbrain.brain import Brain
from socialbrain.config import Settings
from socialbrain.errors import ConfigError


def _config(d: Path, text: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.toml").write_text(text, encoding="utf-8")


def test_flag_beats_env_beats_file_beats_default(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(data_dir, '[llm]\nurl = "http://file:1/v1"\ntimeout = 30\n[serve]\nmax_message_chars = 100\n')
    s = Settings.load(data_dir)
    assert (s.llm.url, s.llm.timeout, s.serve.max_message_chars, s.llm.retries) == ("http://file:1/v1", 30.0, 100, 3)
    monkeypatch.setenv("SOCIALBRAIN_LLM_URL", "http://env:1/v1")
    assert Settings.load(data_dir).llm.url == "http://env:1/v1"
    assert Settings.load(data_dir, {"llm_url": "http://flag:1/v1"}).llm.url == "http://flag:1/v1"
    brain = Brain.open(data_dir, llm_url="http://flag:2/v1", llm_model="qwen")
    assert brain.llm is not None and brain.llm.base_url == "http://flag:2/v1" and brain.llm.model == "qwen"


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_one_boolean_grammar_for_every_setting(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, raw: str, value: bool
) -> None:
    for env in ("SOCIALBRAIN_LLM_REDACT", "SOCIALBRAIN_INDEX_HNSW", "SOCIALBRAIN_LLM_LOG"):
        monkeypatch.setenv(env, raw)
    s = Settings.load(data_dir)
    assert s.llm.redact is value and s.index.hnsw is value and s.llm.log_requests is value


@pytest.mark.parametrize(
    ("env", "raw", "message"),
    [
        ("SOCIALBRAIN_LLM_REDACT", "maybe", "$SOCIALBRAIN_LLM_REDACT: 'maybe' is not true or false (use true/false, yes/no, on/off or 1/0)"),
        ("SOCIALBRAIN_LLM_TIMEOUT", "soon", "$SOCIALBRAIN_LLM_TIMEOUT: 'soon' is not a number"),
        ("SOCIALBRAIN_LLM_TIMEOUT", "0", "$SOCIALBRAIN_LLM_TIMEOUT: must be more than 0, not 0"),
        ("SOCIALBRAIN_MAX_BODY_KB", "1.5", "$SOCIALBRAIN_MAX_BODY_KB: '1.5' is not a whole number"),
    ],
)
def test_a_bad_value_is_one_line_naming_its_source(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, env: str, raw: str, message: str
) -> None:
    monkeypatch.setenv(env, raw)
    with pytest.raises(ConfigError) as e:
        Settings.load(data_dir)
    assert str(e.value) == message


def test_bad_file_value_names_the_file_and_key(data_dir: Path) -> None:
    _config(data_dir, "[embedder]\nbatch_size = \"lots\"\n")
    with pytest.raises(ConfigError, match=r"config.toml \[embedder\] batch_size: 'lots' is not a whole number"):
        Settings.load(data_dir)
