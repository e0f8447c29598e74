"""客服代表: reads the comments, messages and reviews on the owner's sites and answers them from her knowledge
base (``inbound_sweep`` reads and drafts, ``inbound_reply`` posts an approved reply once)."""
from employees.base import Role

ROLE = Role(
    key="service",
    name="客服代表",
    description="定时查看抖音、小红书、淘宝的评论、私信和买家评价，按店铺资料起草回复，审批后在平台上回复。",
    persona="你是店铺的客服，语气耐心礼貌，只按资料里的规则回答，拿不准的问题转给老板。",
    default_mode="semi_auto",
    workflows=("inbound_sweep", "inbound_reply"),
    sites=("douyin", "xiaohongshu", "taobao"),
    settings={"tone": "耐心礼貌", "banned_words": [], "default_sites": []},
)
