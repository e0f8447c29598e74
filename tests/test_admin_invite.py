"""The operator's invite command: the link she sends the owner is a whole address, or the command says what is
missing before she sends a path that opens nothing."""
from __future__ import annotations

import re

from core import admin


def test_an_invite_printed_with_the_service_address_is_a_whole_link_and_without_it_the_operator_is_warned(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("OPC_DATABASE_URL", raising=False)
    monkeypatch.setenv("OPC_PUBLIC_URL", "https://staff.example.com/")
    assert admin.main(["invite", "xiaogui", "--workspace", "小桂茶铺"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"邀请链接（72小时内有效，只能用一次）: https://staff\.example\.com/invite/[\w-]{20,}$", out.strip())
    assert err == ""

    monkeypatch.delenv("OPC_PUBLIC_URL")
    assert admin.main(["reinvite", "xiaogui"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r": /invite/[\w-]{20,}$", out.strip())
    assert "没有设置服务地址（OPC_PUBLIC_URL 或 --url）" in err
    assert admin.main(["reinvite", "nobody"]) == 2
    assert "没有用户「nobody」" in capsys.readouterr().err
