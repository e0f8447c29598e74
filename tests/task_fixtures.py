"""The 派活 story's words and the owner's product sheet, shared by the planning tests."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
STORY = "下周一上午10点在小红书和抖音发一篇新品上市的帖子，产品是桂花乌龙冷泡茶"
SHEET = ("桂花乌龙冷泡茶产品说明.txt",
         "桂花乌龙冷泡茶：精选武夷山岩茶乌龙，加入桂林金桂窨制三次。\n"
         "冷泡方法：一个茶包配500毫升矿泉水，冷藏6小时后饮用，清甜不苦涩。\n"
         "规格：每盒15包，每包4克。".encode("utf-8"))


def next_monday_10() -> datetime:
    today = datetime.now(TZ).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime(monday.year, monday.month, monday.day, 10, 0, tzinfo=TZ)
