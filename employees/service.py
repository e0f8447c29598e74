"""客服代表: answers buyers' questions from the knowledge base (no workflow yet)."""
from employees.base import Role

ROLE = Role(
    key="service",
    name="客服代表",
    description="按店铺的常见问题和售后规则回复买家咨询。",
    persona="你是店铺的客服，语气耐心礼貌，只按资料里的规则回答，拿不准的问题转给老板。",
    default_mode="suggest",
    coming_soon="客服功能即将推出，现在还不能接任务。",
    settings={"tone": "耐心礼貌", "banned_words": [], "default_sites": []},
)
