"""socialbrain: your own posts, in one private local archive you can search, chat with and learn from.

The package reads as the pipeline it is::

    sources -> archive -> index -> retrieve -> answer -> insights

with the CLI (``socialbrain.cli``), the web app/API (``socialbrain.web``) and the MCP server
(``socialbrain.mcp_server``) as thin faces on top.
"""

__version__ = "0.1.0"
