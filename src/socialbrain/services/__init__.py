"""The service layer: what every face (CLI, web API, OpenAI face, MCP) does, written once.

Faces parse their input, call these functions with a :class:`~socialbrain.brain.Brain`, and render the
result; they never re-implement a check, a filter or a serializer.

- :mod:`.filters`  user filters and dates (one parser, one "since is not before until" message)
- :mod:`.records`  posts and search results as JSON (one serializer, one URL policy)
- :mod:`.search`   search with the same checks everywhere
- :mod:`.archive`  archive reads: the archive must exist, a post with its thread, the calendar
- :mod:`.imports`  import, then index sync
- :mod:`.llm`      the LLM client from settings, the endpoint's models
- :mod:`.reports`  whether a report job may send posts to the LLM
- :class:`AnswerCollector` an answer's streamed events collected into an :class:`Answer` (CLI ``--json``, saved
  conversation turns, a non-streamed ``/v1`` reply; from :mod:`socialbrain.answer.events`)
"""

from ..answer.events import Answer, AnswerCollector
from .archive import calendar, check_platforms, require_archive, thread, visible_post
from .filters import build_filter, filter_record, parse_date, split_values
from .imports import ImportOutcome, import_and_sync, report_record, sync
from .llm import list_models, llm_from_settings, llm_info
from .records import hit_record, post_record, safe_url, search_record
from .reports import llm_gate
from .search import check_k, search

__all__ = [
    "Answer",
    "AnswerCollector",
    "ImportOutcome",
    "build_filter",
    "calendar",
    "check_k",
    "check_platforms",
    "filter_record",
    "hit_record",
    "import_and_sync",
    "list_models",
    "llm_from_settings",
    "llm_gate",
    "llm_info",
    "parse_date",
    "post_record",
    "report_record",
    "require_archive",
    "safe_url",
    "search",
    "search_record",
    "split_values",
    "sync",
    "thread",
    "visible_post",
]
