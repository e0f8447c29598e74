"""The replica's fault switches, settings and seeded taxpayers (all changeable under ``/__sandbox__/``)."""
from __future__ import annotations

from datetime import datetime

from sandbox.etax.vat import period_key, previous_quarter
from sandbox.common.world import SITE_TZ

COOKIE = "SSO_SECURITY_CHECK_TOKEN"  # GUESS: the name the unified portal's session cookie is known by
SLIDER_TRAVEL = 260                  # px the knob travels: a 300 px track minus the 40 px knob

DEFAULT_FAULTS = {
    "slider": False,                   # the login form carries a drag slider that must be passed
    "sms_required": False,             # after the password, an SMS code step
    "face_check": False,               # after the password (and SMS), a QR face check by the tax app
    "notices": 1,                      # notice pop-ups (通知公告) shown after a login
    "session_expire_mid_flow": False,  # the session dies at the next submit/payment after a form page loads
    "submit_failed": 0,                # the next N valid returns fail with 申报失败：系统繁忙，请稍后重试
    "payment_failed": 0,               # the next N payments fail with 扣款失败：账户余额不足
    "slow": 0,                         # extra milliseconds every page and JSON call takes
}
INT_FAULTS = ("notices", "submit_failed", "payment_failed", "slow")

TAXPAYERS = [
    {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026",
     "name": "上海青禾文化传播有限公司", "phone": "13800138000",
     "bank": "中国工商银行上海张江支行", "account": "6222021001123456789", "agreement": "3101150000012345"},
    {"credit_code": "92330106MA2H8LW31N", "user": "zhanglan", "password": "Lan#2026tax",
     "name": "杭州西湖区张兰小吃店", "phone": "13900139000",
     "bank": "中国建设银行杭州西湖支行", "account": "6217001540009876543", "agreement": "3301060000067890",
     "pit_business": True},
]
# pit_business: an individual business (个体工商户) that files the 经营所得 A表 each quarter.
TAXPAYER_KEYS = ("credit_code", "user", "password", "name", "phone", "bank", "account", "agreement")

DEFAULT_SETTINGS = {
    "qr_ttl_s": 120,            # face-check QR lifetime
    "session_ttl_s": 1800,      # GUESS: 30 minutes
    "delays": True,
    "threshold": 300000.0,      # quarterly exemption threshold (起征点), yuan
    "reduction_rule": True,     # 1% rate: line 16 must be 2% of line 1
    "education_exempt_up_to": 300000.0,  # quarterly sales up to which lines 24/25 are exempt (财税〔2016〕12号)
    "current_period": None,     # the quarter on the returns-due list; None: the one before today (reset)
    "expiry_bounce_s": 3.0,     # seconds a page shows the expiry text before it goes to /#/login
    "taxpayers": TAXPAYERS,
}


def default_period() -> str:
    return previous_quarter(datetime.now(SITE_TZ).date())


def coerce_setting(key: str, value):
    """A setting's value in its type; ValueError for a value that cannot be one."""
    if key in ("delays", "reduction_rule"):
        return bool(value)
    if key == "current_period":
        return period_key(value)
    if key == "taxpayers":
        if not isinstance(value, list) or not value:
            raise ValueError("taxpayers: a non-empty list")
        out = []
        for tp in value:
            missing = [k for k in ("credit_code", "user", "password", "name") if not tp.get(k)]
            if missing or len(str(tp["credit_code"])) != 18:
                raise ValueError(f"taxpayer needs an 18-char credit_code, user, password, name: {tp}")
            base = {"phone": "13800000000", "bank": "中国银行", "account": "6216600000000000000", "agreement": "0"}
            out.append({**base, **{k: str(tp[k]) for k in TAXPAYER_KEYS if k in tp},
                        "pit_business": bool(tp.get("pit_business"))})
        return out
    return float(value)


def mask_account(account: str) -> str:
    return account[:4] + "*" * max(len(account) - 8, 4) + account[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]
