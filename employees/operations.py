"""运营管家: reminders in the owner's words and the daily brief (the ``reminder`` and ``daily_brief`` workflows);
neither works on a site: both tell her, in the app and through her group bots."""
from employees.base import Role

ROLE = Role(
    key="operations",
    name="运营管家",
    description="按你说的话设提醒（如「每月5号提醒我交房租」），每天在你定的时间发日报：昨天的数据、等你处理的事、今天的安排、截止日期和需要重新登录的账号。",
    persona="你是店铺的运营管家，做事有条理，用简短的要点汇报数据和待办，不做没有依据的判断。",
    default_mode="suggest",
    workflows=("reminder", "daily_brief", "collect"),
    settings={"tone": "简洁清楚", "banned_words": [], "default_sites": [], "brief_time": ""},
)
