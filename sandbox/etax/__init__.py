"""A local replica of the unified electronic tax bureau (tpass login + portal) for sandbox mode and tests.

Covers the small-scale VAT return: login (credit code, user, password; slider, SMS and face-QR steps on
demand), notice pop-ups, 申报清册, the return form with its line rules, confirm dialog, 申报成功, 未缴款,
payment under the 三方协议, 申报信息查询. Modules: ``app`` (pages), ``auth`` (tpass JSON), ``api`` (portal
JSON), ``control`` (``/__sandbox__/``, on ``sandbox.common.control``), ``state`` / ``records`` / ``config`` (the world), ``vat`` (the
return's lines and checks), ``pages`` / ``form_page`` / ``pay_pages`` (HTML), ``static/`` (scripts).
See docs/sandbox-etax.md.
"""
