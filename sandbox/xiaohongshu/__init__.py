"""A local replica of the Xiaohongshu creator platform (creator.xiaohongshu.com) for sandbox mode and tests.

Same paths, texts, placeholders, roles and class names as the real pages where an adapter locates
them; realistic delays (``--no-delays`` makes them near zero); fault switches under ``/__sandbox__/``.
Modules: ``app`` (pages), ``api`` (JSON endpoints), ``control`` (control API), ``state`` (in-memory world),
``rules`` (content rules), ``pages`` / ``publish_page`` (HTML), ``qr`` (login QR), ``static/`` (page scripts).
See docs/sandbox-xiaohongshu.md.
"""
