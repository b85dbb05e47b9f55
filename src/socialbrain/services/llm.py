"""The LLM client from settings (with this process's overrides), and what its endpoint offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..answer.llm import LLM
    from ..config import Settings

MODELS_TIMEOUT = 3.0


def llm_from_settings(settings: Settings, *, model: str | None = None, **flags: Any) -> LLM | None:
    """The configured LLM (None: no-LLM mode). ``model`` picks another model on the same endpoint; ``flags``
    replace settings as the CLI's flags do (``llm_url``, ``llm_key``, ``llm_timeout``, ``llm_redact``)."""
    from ..answer.llm import load_llm

    if model or any(v is not None for v in flags.values()):
        settings = settings.replace(llm_model=model, **flags)
    return load_llm(settings)


def llm_info(llm: LLM | None) -> dict[str, Any]:
    return {
        "available": llm is not None,
        "name": llm.name if llm is not None else None,
        "model": getattr(llm, "model", None) if llm is not None else None,
    }


def list_models(llm: LLM | None, *, timeout: float = MODELS_TIMEOUT) -> list[str]:
    """The model ids the endpoint's ``/models`` lists ([] when there is no LLM or it does not answer)."""
    base = getattr(llm, "base_url", None) if llm is not None else None
    if not base:
        return []
    import httpx

    key = getattr(llm, "key", None)
    try:
        r = httpx.get(base + "/models", timeout=timeout, headers={"Authorization": f"Bearer {key}"} if key else {})
        r.raise_for_status()
        data = r.json().get("data", [])
        return [str(m["id"]) for m in data if isinstance(m, dict) and m.get("id")]
    except (httpx.HTTPError, ValueError, AttributeError, TypeError):
        return []
