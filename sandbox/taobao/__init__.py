"""A local replica of the Taobao seller back-end (千牛 / 卖家中心, item.upload.taobao.com) for sandbox mode and tests.

One origin serves the paths of every real host (loginmyseller, login, myseller, item.upload): seller login
(QR / password + SMS), seller home, the category step, the publish form, the success page, the item lists and
the "baxia" risk-control slider, 评价管理 and 问大家. Realistic delays (``--no-delays`` makes them near zero); fault switches
under ``/__sandbox__/``.
Modules: ``app`` (pages), ``auth`` (login endpoints), ``api`` (category search, materials, submit),
``baxia`` (slider), ``reviews`` (评价管理, 问大家), ``state`` / ``models`` (in-memory world), ``catalog``
(category tree), ``rules`` (content rules), ``pages`` / ``category_page`` / ``publish_page`` / ``frames``
(HTML), ``static/`` (page scripts); sessions, the control API and the inbox come from ``sandbox.common``.
See docs/sandbox-taobao.md, docs/sandbox-inbound.md and docs/sandbox-common.md.
"""
