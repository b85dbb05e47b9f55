"""Importers: export files from Weibo crawlers, Twitter/X, Mastodon, Telegram, WeChat, plain text and generic
CSV/JSONL → :class:`~socialbrain.models.Post` records in the archive.

    base.py      the Importer protocol, the registry (plugins too), detect(path)
    files.py     walking files/folders/zips safely, decoding UTF-8/BOM/GBK
    dates.py     every date form exports write, Weibo's relative ones included
    text.py      post HTML → plain text
    ingest.py    import_paths(archive, paths, options=, progress=) → ImportReport (one transaction per file)
    <format>.py  one module per export format (see docs/importing.md)
"""
