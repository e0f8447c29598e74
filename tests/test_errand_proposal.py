"""The errand's proposal is refused before any model or browser work when it cannot be made: an empty or
overlong instruction, a site errands do not go to, or a deployment without a model (the owner is told that
saved skills still run)."""
from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from core.models import Account
from core.settings import Settings
from errands.propose import propose
from errands.task import INSTRUCTION_MAX


def _refusal(settings, account, text) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as e:
        propose(settings, account, text)
    return [(d["field"], d["message"]) for d in e.value.errors]


def test_without_a_model_the_owner_is_told_so_and_that_skills_still_run(tmp_path):
    settings = Settings(data_dir=tmp_path, llm_base_url=None, llm_model=None, llm_api_key=None)
    [(field, message)] = _refusal(settings, Account(site="taobao", name="店"), "把桂花图案手机壳改价到19.9元")
    assert field == "instruction" and "没有接入大模型" in message and "技能" in message


def test_an_empty_or_overlong_instruction_and_the_tax_bureau_are_refused_by_field(tmp_path):
    settings = Settings(data_dir=tmp_path, llm_base_url=None, llm_model=None, llm_api_key=None)
    shop = Account(site="taobao", name="店")
    assert _refusal(settings, shop, "  ") == [("instruction", f"要做的事请写1到{INSTRUCTION_MAX}个字")]
    assert _refusal(settings, shop, "改" * (INSTRUCTION_MAX + 1))[0][0] == "instruction"
    assert _refusal(settings, Account(site="etax", name="税"), "下载发票") == [
        ("account_id", "这个账号所在的网站不能派这种任务")]
