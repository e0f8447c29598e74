"""Errors of the electronic tax bureau adapter, all subclasses of the shared tree in ``core.errors``.

    NeedsHuman
    └── FaceCheckRequired      the portal wants a face check by the tax app: the owner scans the QR
    BusinessError
    ├── LoginRefused           the portal refused the credit code / user / password
    ├── ReturnNotListed        申报清册 has no VAT return for that quarter (not due, or not yet open)
    ├── AlreadyFiled           the quarter shows 已申报 (or the portal said 不能重复申报)
    ├── ReadBackMismatch       a figure on the form is not the figure we meant to submit
    ├── NoPaymentDue           未缴款 has no row for that quarter
    ├── AlreadyPaid            the portal said the tax was paid already
    └── PaymentRefused         the bank debit was refused (e.g. 扣款失败：账户余额不足)

Tax filing and payment are never retried blindly: everything a retry could repeat is a business error
here, except the portal's own "busy" failure, which is ``PublishFailed`` (transient, nothing filed).
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from core.errors import BusinessError, NeedsHuman

if TYPE_CHECKING:
    from sites.etax.pages.filed import Filed

SITE = "etax"
LABEL = "电子税务局"


class FaceCheckRequired(NeedsHuman):
    """The login asks for 人脸识别 by scanning a QR with the tax app; ``qr`` is its ``data:image`` URL."""

    def __init__(self, message: str, qr: str | None, **kw):
        super().__init__(message, **kw)
        self.qr = qr


class LoginRefused(BusinessError):
    """Wrong credentials or a locked account: the portal's own words are the message."""


class ReturnNotListed(BusinessError):
    pass


class AlreadyFiled(BusinessError):
    """The quarter is filed already; ``filed`` is its row from 申报信息查询 when it could be read."""

    def __init__(self, message: str, filed: "Filed | None" = None, **kw):
        super().__init__(message, **kw)
        self.filed = filed


class ReadBackMismatch(BusinessError):
    """``diffs`` maps (line, column) to (wanted, shown on the form); ``computed`` are those of its cells the
    portal computes itself (read-only): there the figure shown is the portal's own, not a typing failure."""

    def __init__(self, message: str, diffs: dict[tuple[int, str], tuple[Decimal, Decimal | None]],
                 computed: frozenset = frozenset(), **kw):
        super().__init__(message, **kw)
        self.diffs, self.computed = diffs, computed


class NoPaymentDue(BusinessError):
    pass


class AlreadyPaid(BusinessError):
    pass


class PaymentRefused(BusinessError):
    pass
