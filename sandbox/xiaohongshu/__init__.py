"""A local replica of the Xiaohongshu creator platform (creator.xiaohongshu.com) for sandbox mode and tests.

Same paths, texts, placeholders, roles and class names as the real pages where an adapter locates
them; realistic delays (``--no-delays`` makes them near zero); fault switches under ``/__sandbox__/``.
Modules: ``app`` (pages), ``api`` (JSON endpoints), ``inbound`` (www: 通知 评论和@, note comments), ``state``
(in-memory world), ``rules`` (content rules), ``pages`` / ``publish_page`` (HTML), ``static/`` (page scripts);
login, sessions, the control API and the inbox come from ``sandbox.common``.
See docs/sandbox-xiaohongshu.md, docs/sandbox-inbound.md and docs/sandbox-common.md.
"""
