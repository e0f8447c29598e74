"""What a message is about, by the words in it: product question, price/shipping/after-sale, complaint,
praise, spam/ads, other. Rules, not a model: explainable, and the same offline and online. Refund and
return words are flagged on their own because they always go to the owner."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SPAM = re.compile(r"加[微v威V]|vx|VX|wx|私聊我|私信我|互关|互粉|兼职|招代理|代理加盟|日赚|刷单|引流|点我主页|"
                  r"http|www\.|\.com|领红包")
COMPLAINT = re.compile(r"投诉|举报|差评|骗|假货|太差|垃圾|坑人|失望|不满意|态度差|质量差|有问题|破了|坏了|漏了|"
                       r"发霉|过期|恶心|难喝|难吃")
REFUND = re.compile(r"退款|退货|退钱|换货|退换|赔偿|仅退款")
PRICE_SHIPPING = re.compile(r"多少钱|价格|价钱|优惠|便宜|打折|包邮|运费|快递|物流|发货|几天到|到货|售后|保修|"
                            r"发票|顺丰|邮费")
QUESTION = re.compile(r"[？?]|吗|怎么|如何|多少|能不能|可以|是不是|有没有|哪|什么|区别|适合|几|呢")
PRAISE = re.compile(r"好喝|好吃|喜欢|好评|赞|棒|不错|满意|推荐|回购|漂亮|好看|爱了|绝了|香|yyds|支持")
NEGATIVE_RATINGS = ("差评", "中评")


@dataclass(frozen=True)
class Kind:
    category: str
    refund: bool = False


def classify(text: str, rating: str | None = None) -> Kind:
    t = unicodedata.normalize("NFKC", text or "")
    refund = bool(REFUND.search(t))
    if SPAM.search(t):
        return Kind("spam", refund)
    if COMPLAINT.search(t) or rating in NEGATIVE_RATINGS:
        return Kind("complaint", refund)
    if refund or PRICE_SHIPPING.search(t):
        return Kind("price_shipping", refund)
    if QUESTION.search(t):
        return Kind("product", refund)
    if PRAISE.search(t):
        return Kind("praise", refund)
    return Kind("other", refund)
