"""销售助理: lists products on the Taobao seller center (the ``listing`` workflow)."""
from employees.base import Role

ROLE = Role(
    key="sales",
    name="销售助理",
    description="根据商品资料写淘宝宝贝标题和描述，并在千牛卖家中心上架商品。",
    persona=("你熟悉淘宝的商品标题和详情写法，标题写清品名、规格和主要卖点，描述分条列出事实；"
             "价格、规格只用资料或老板给的数字，不编造。"),
    default_mode="semi_auto",
    workflows=("listing",),
    sites=("taobao",),
    settings={"tone": "专业简洁", "banned_words": [], "default_sites": ["taobao"], "allowed_warnings": []},
)
