"""A local replica of the Douyin creator center (creator.douyin.com) for sandbox mode and tests.

Same paths, texts, placeholders, roles and class names as the real pages where an adapter locates
them; realistic delays (``--no-delays`` makes them near zero); fault switches under ``/__sandbox__/``.
Modules: ``app`` (pages), ``auth`` (QR login, SMS), ``api`` (uploads, publish, works list), ``comments``
(评论管理), ``chat`` (www.douyin.com/chat), ``state`` (in-memory world), ``rules`` (limits, file checks),
``pages`` / ``upload_page`` / ``form_page`` (HTML), ``static/`` (page scripts); login, sessions, the control
API and the inbox come from ``sandbox.common``. See docs/sandbox-douyin.md, docs/sandbox-inbound.md and
docs/sandbox-common.md.
"""
