"""What kind of business the owner runs (纳税人类型): it decides which returns she files here.

A 有限公司 (one-person companies included) pays 企业所得税 and never files the 经营所得 A表; individual
businesses, sole proprietorships and partnerships prepay 个人所得税经营所得 quarterly (A表). For the VAT return,
an individual business fills line 11 (未达起征点销售额) where a 单位 fills line 10.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import Employee, Workspace

ENTITIES = {"company": "有限公司（含一人有限公司）", "individual_business": "个体工商户",
            "sole_proprietorship": "个人独资企业", "partnership": "合伙企业"}
"""Kinds and their names on the page."""
DEFAULT_ENTITY = "company"
"""The product is for one-person companies; the owner changes it on the finance page."""


def files_business_income(entity: str) -> bool:
    """Whether this kind of business files the 经营所得 A表."""
    return entity != "company"


def vat_taxpayer_kind(entity: str) -> str:
    """``books.rules.Taxpayer.kind``: individual (line 11) for an individual business, else enterprise (line 10)."""
    return "individual" if entity == "individual_business" else "enterprise"


def not_filed_message(entity: str) -> str:
    return (f"{ENTITIES[entity]}不申报个人所得税经营所得（A表），只有个体工商户、个人独资企业和合伙企业申报；"
            "如果纳税人类型填错了，请先在财务页改正")


def entity_of(s: Session, ws: Workspace) -> str:
    """The owner's 纳税人类型, kept in the finance assistant's settings (default: a 有限公司). Here, beside the
    rules it decides, so the finance page, the filing and 运营管家's brief all read it the same way."""
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="finance").first()
    entity = (employee.settings or {}).get("entity") if employee else None
    return entity if entity in ENTITIES else DEFAULT_ENTITY
