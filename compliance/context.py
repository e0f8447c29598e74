"""When a listed word is harmless where it stands: the context rules the word lists cannot express.

A word list finds 第一 in 第一泡, 最好 in 不是最好的, 100% in 100%纯棉. Each rule here looks at the characters
around one match and says whether it is an ordinary use, not a claim about the product. The rules only
ever drop a match, and only for a shape of sentence that is not a claim (an ordinal, a negation, a work's
title, a stated limit, a fabric's composition), so they cost little recall on real claims.
"""
from __future__ import annotations

import re

# 第一 followed by a counter or a unit of time/sequence is an ordinal: 第一泡, 第一次, 第一步, 第一天 …
ORDINAL_NEXT = re.compile(
    r"(?:次|步|天|日|周|月|年|季|期|批|章|节|课|集|部|篇|届|代|轮|站|段|层|排|行|页|条|句|道|遍|泡|口|杯|碗|餐|"
    r"顿|眼|个|件|款|位|家|单|份|盒|包|瓶|罐|颗|片|张|支|把|双|套|箱|组|波|场|回|锅|壶|勺|笔|块|根|粒|袋|桌|圈|串|首|"
    r"幕|针|趟|本|册|卷|门|项|题|台|辆|座|所|阶段|印象|感觉|反应|时间)")
# ... unless what comes before puts it in a ranking: 全国第一家, 行业第一款 are claims.
RANK_BEFORE = re.compile(r"(?:全网|全国|全球|国内|世界|业内|行业|同类|类目|品类|销量|排名|口碑|人气|好评|市场|亚洲|榜)"
                         r"[\u4e00-\u9fff]{0,2}$")
# A value put first (品质第一，…) is a motto, not a comparison with other shops' goods.
MOTTO = re.compile(r"(?:品质|质量|安全|顾客|客户|用户|服务|健康|诚信)$")
MOTTO_END = re.compile(r"(?:[，。！、；,.!;\s]|的原则|的理念|$)")
# A negation right before the word: 不是最好的, 不敢说是最好, 并非唯一, 不能治疗, 不保本 …
NEGATION = re.compile(r"(?:不是|并非|并不是|不算|算不上|称不上|谈不上|不敢说|不能|不可|无法)(?:说是|是|当|做)?$")
# ... but a bare 不 before a disease is the claim itself (喝了就不失眠), so it counts for the other lists only.
BARE_NOT = re.compile(r"不$")
CURES = "medical_claims"
# 最高/最低 stating a limit or a setting: 最低不要低于4度, 水温最高90度, 最高可减50元, 最低档位.
LIMIT_NEXT = re.compile(r"(?:不|可|只|温|起|档|挡|速|\d|[一二两三四五六七八九十])")
# 最好 is "had better" before a verb (最好用矿泉水, 最好补涂), a claim before 的, at the end, or as 最好喝/最好看.
BEST_CLAIM_NEXT = re.compile(r"(?:的|[看吃喝用穿闻听玩卖](?:的|了|又|还|到|得|[，。！、；,.!;\s]|$)|[，。！、；,.!;\s]|$)")
# 100% of a material or of a juice is its composition, stated on the label by law.
COMPOSITION_NEXT = re.compile(r"\s*(?:纯)?(?:棉|羊毛|羊绒|真丝|桑蚕丝|蚕丝|亚麻|涤纶|聚酯纤维|莫代尔|天丝|锦纶|牛皮|羊皮|果汁|原汁)")


def harmless(text: str, start: int, end: int, term: str, list_name: str = "ad_law_absolute") -> bool:
    """True when ``text[start:end]`` (a match of ``term`` from ``list_name``) is an ordinary use in its
    sentence."""
    before, after = text[max(0, start - 8):start], text[end:end + 6]
    if in_title(text, start, end) or NEGATION.search(before):
        return True
    if list_name != CURES and BARE_NOT.search(before):
        return True
    if term == "第一":
        if ORDINAL_NEXT.match(after) and not RANK_BEFORE.search(before):
            return True
        return bool(MOTTO.search(before) and MOTTO_END.match(after))
    if term == "最好":
        return not BEST_CLAIM_NEXT.match(after)
    if term in ("最高", "最低"):
        return bool(LIMIT_NEXT.match(after))
    if term in ("100%", "百分百", "百分之百"):
        return bool(COMPOSITION_NEXT.match(after))
    return False


def in_title(text: str, start: int, end: int) -> bool:
    """Inside 《…》: the title of a book, film or song (《最好的时光》) names a work, not the product."""
    opened = text.rfind("《", 0, start)
    return opened != -1 and "》" not in text[opened:start] and "》" in text[end:]
