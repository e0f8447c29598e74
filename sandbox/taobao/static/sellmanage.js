// 出售中的宝贝: the price/stock edit popovers and the 下架/上架 confirm dialog (sandbox.taobao.sell_manage).
(function () {
  "use strict";
  var cfg = TB.cfg;

  function close() { var open = document.querySelector(".edit-popover, .next-dialog-wrapper"); if (open) open.remove(); }

  function dialog(label, body, okText) {
    close();
    var d = document.createElement("div");
    d.className = "next-dialog-wrapper";
    d.innerHTML = '<div class="next-dialog" role="dialog" aria-modal="true"><div class="next-dialog-header"></div>' +
      '<div class="next-dialog-body"></div><div class="next-dialog-footer">' +
      '<button type="button" class="next-btn cancel">取消</button>' +
      '<button type="button" class="next-btn next-btn-primary ok"></button></div></div>';
    d.querySelector(".next-dialog").setAttribute("aria-label", label);
    d.querySelector(".next-dialog-header").textContent = label;
    d.querySelector(".next-dialog-body").appendChild(body);
    d.querySelector(".ok").textContent = okText;
    d.querySelector(".cancel").addEventListener("click", close);
    document.body.appendChild(d);
    return d;
  }

  function popover(cell, label, name, value) {
    close();
    var p = document.createElement("div");
    p.className = "edit-popover";
    p.setAttribute("role", "dialog");
    p.setAttribute("aria-label", label);
    p.innerHTML = '<label class="edit-label"></label><input type="text" class="edit-input" autocomplete="off">' +
      '<div class="edit-actions"><button type="button" class="next-btn next-btn-primary ok">保存</button>' +
      '<button type="button" class="next-btn cancel">取消</button></div>';
    var input = p.querySelector("input");
    input.name = name; input.id = "edit-" + name; input.value = value;
    p.querySelector("label").textContent = label === "编辑价格" ? "价格" : "库存";
    p.querySelector("label").setAttribute("for", input.id);
    p.querySelector(".cancel").addEventListener("click", close);
    cell.appendChild(p);
    return p;
  }

  // 安全验证 (fault sms_check_on_save): the shop holds the save until the SMS code comes back with its token.
  // A page that asks before it may be used (``locked``) has no 取消: only the right code closes it.
  function codeCheck(token, phone, done, locked) {
    var box = document.createElement("div");
    box.className = "sms-check";
    box.innerHTML = '<p class="sms-check-tip"></p><div class="sms-check-row">' +
      '<input type="text" class="sms-code" name="smsCode" maxlength="6" autocomplete="one-time-code" ' +
      'placeholder="请输入验证码" aria-label="短信验证码">' +
      '<button type="button" class="next-btn send-code">获取验证码</button></div>' +
      '<p class="sms-check-error" role="alert" hidden></p>';
    box.querySelector(".sms-check-tip").textContent = "为了你的账号安全，请输入发送到 " + phone + " 的短信验证码";
    var d = dialog("安全验证", box, "确定");
    if (locked) d.querySelector(".cancel").remove();
    var send = box.querySelector(".send-code"), input = box.querySelector(".sms-code");
    var error = box.querySelector(".sms-check-error");
    function say(text) { error.textContent = text; error.hidden = !text; }
    send.addEventListener("click", function () {
      send.disabled = true;
      TB.postJSON(cfg.checkSendUrl, {token: token}).then(function (r) {
        if (r.code === "NOT_LOGIN") return TB.loggedOut();
        if (!r.success) { send.disabled = false; return say(r.message); }
        var left = 60;
        send.textContent = left + "秒后重新获取";
        var timer = setInterval(function () {
          left -= 1;
          if (left > 0) { send.textContent = left + "秒后重新获取"; return; }
          clearInterval(timer); send.disabled = false; send.textContent = "重新获取";
        }, 1000);
      });
    });
    d.querySelector(".ok").addEventListener("click", function () {
      if (!input.value.trim()) return say("请输入验证码");
      say("");
      TB.postJSON(cfg.checkUrl, {token: token, code: input.value.trim()}).then(function (r) {
        if (r.code === "NOT_LOGIN") return TB.loggedOut();
        if (!r.success) return say(r.message);
        close();
        TB.toast(r.message, "success");
        done(r.value);
      });
    });
  }
  if (cfg.pageCheck) codeCheck(cfg.pageCheck, cfg.checkPhone, function () {}, true);

  function save(itemId, field, input, done) {
    return function () {
      TB.postJSON(cfg.editUrl, {itemId: itemId, field: field, value: input.value}).then(function (r) {
        if (r.code === "NOT_LOGIN") return TB.loggedOut();
        if (r.code === "NEED_SMS_VERIFY") return codeCheck(r.token, r.phone, done);
        if (!r.success) return TB.toast(r.message);
        close();
        TB.toast(r.message, "success");
        done(r.value);
      });
    };
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest("button.edit-price, button.edit-quantity, button.op-shelf");
    if (!btn) return;
    var tr = btn.closest("tr.item-row"), id = tr.getAttribute("data-item-id");
    if (btn.classList.contains("op-shelf")) {
      var op = btn.getAttribute("data-op"), word = op === "delist" ? "下架" : "上架";
      var text = document.createElement("p");
      text.textContent = "确定要" + word + "该宝贝吗？";
      var d = dialog("提示", text, "确定");
      d.querySelector(".ok").addEventListener("click", function () {
        TB.postJSON(cfg.shelfUrl, {itemId: id, op: op}).then(function (r) {
          if (r.code === "NOT_LOGIN") return TB.loggedOut();
          if (!r.success) return TB.toast(r.message);
          close(); TB.toast(r.message, "success"); tr.remove();
        });
      });
      return;
    }
    var isPrice = btn.classList.contains("edit-price");
    var shown = tr.querySelector(isPrice ? ".item-price" : ".item-quantity");
    var current = shown.textContent.replace("¥", "");
    var show = function (v) { shown.textContent = isPrice ? "¥" + v : v; };
    if (isPrice && cfg.moved) {
      // After a front-end release: a dialog, another field (name, id, placeholder), 确定 instead of 保存.
      var box = document.createElement("div");
      box.innerHTML = '<div class="price-row"><span>一口价（元）</span><input type="number" step="0.01" name="newPrice" ' +
        'id="new-price-field" placeholder="请输入新价格"></div>';
      var d2 = dialog("修改价格", box, "保存");
      var input2 = box.querySelector("input");
      input2.value = current;
      d2.querySelector(".ok").addEventListener("click", save(id, "price", input2, show));
      return;
    }
    var p = popover(btn.parentNode, isPrice ? "编辑价格" : "编辑库存", isPrice ? "price" : "quantity", current);
    var input = p.querySelector("input");
    p.querySelector(".ok").addEventListener("click", save(id, isPrice ? "price" : "quantity", input, show));
  });
})();
