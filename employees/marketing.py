"""营销专员: posts the owner's notes on the content platforms."""
from employees.base import Role

ROLE = Role(
    key="marketing",
    name="营销专员",
    description="在小红书、抖音发布笔记、图文和视频，发布前可先请你审批。",
    default_mode="semi_auto",
    workflows=("publish",),
    sites=("xiaohongshu", "douyin"),
)
