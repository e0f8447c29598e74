// Shared by every page: config, JSON calls, TDesign-style dialogs and toasts, the top menu, 退出,
// and the session-expiry handling (a dialog, then the tpass login).
(function () {
  "use strict";
  var node = document.getElementById("sandbox-config");
  var cfg = node ? JSON.parse(node.textContent) : {};
  var EXPIRED = "身份认证已失效，请重新登录";

  function el(html) { var t = document.createElement("template"); t.innerHTML = html.trim(); return t.content.firstChild; }
  function text(node, value) { node.textContent = value; return node; }

  function toast(msg, ms) {
    var t = text(el('<div class="t-message" role="status"></div>'), msg);
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, ms || 3000);
  }

  // A modal dialog; resolves with the text of the button pressed. The mask takes every click meanwhile.
  function dialog(title, msg, buttons) {
    return new Promise(function (resolve) {
      var ctx = el('<div class="t-dialog__ctx"><div class="t-dialog__mask"></div><div class="t-dialog" role="dialog" ' +
        'aria-modal="true"><div class="t-dialog__header"></div><div class="t-dialog__body"></div>' +
        '<div class="t-dialog__footer"></div></div></div>');
      ctx.querySelector(".t-dialog").setAttribute("aria-label", title);
      text(ctx.querySelector(".t-dialog__header"), title);
      text(ctx.querySelector(".t-dialog__body"), msg);
      buttons.forEach(function (name, i) {
        var b = text(el('<button type="button" class="t-button"></button>'), name);
        b.classList.add(i === buttons.length - 1 ? "t-button--theme-primary" : "t-button--theme-default");
        b.addEventListener("click", function () { ctx.remove(); resolve(name); });
        ctx.querySelector(".t-dialog__footer").appendChild(b);
      });
      document.body.appendChild(ctx);
    });
  }
  function alert(msg) { return dialog("提示", msg, ["确定"]); }
  function confirm(msg) { return dialog("提示", msg, ["取消", "确定"]).then(function (b) { return b === "确定"; }); }

  function toLogin() { location.href = "/#/login"; }
  function expired() {
    setTimeout(toLogin, cfg.bounceMs || 3000);
    return dialog("提示", EXPIRED, ["重新登录"]).then(toLogin);
  }

  // POST JSON; a dead session (HTTP 401) shows the expiry dialog and never resolves.
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify(body || {})})
      .then(function (r) {
        if (r.status === 401) { expired(); return new Promise(function () {}); }
        return r.json();
      });
  }

  function wireMenu() {
    document.querySelectorAll(".menu-group > .menu-title").forEach(function (title) {
      title.addEventListener("click", function () {
        var group = title.parentNode, open = !group.classList.contains("open");
        document.querySelectorAll(".menu-group.open").forEach(function (g) { g.classList.remove("open"); });
        group.classList.toggle("open", open);
      });
    });
    var logout = document.querySelector(".logout");
    if (logout) logout.addEventListener("click", function () {
      post("/api/tpass/logout").then(function (j) { location.href = j.redirect; });
    });
    document.querySelectorAll("a.unavailable").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); toast("该功能暂未开放"); });
    });
    if (cfg.bounceMs) setTimeout(toLogin, cfg.bounceMs);  // the expiry page
  }

  // Amounts of a return are handled in integer cents, so that 0.1 + 0.2 stays 0.30.
  var MONEY = /^\d+(\.\d{1,2})?$/;
  function cents(raw) {
    raw = String(raw).trim() || "0";
    if (!MONEY.test(raw)) return NaN;
    var parts = raw.split("."), frac = ((parts[1] || "") + "00").slice(0, 2);
    return parseInt(parts[0], 10) * 100 + parseInt(frac, 10);
  }
  function fmt(c) {
    var abs = Math.abs(c), s = Math.floor(abs / 100) + "." + ("0" + (abs % 100)).slice(-2);
    return c < 0 ? "-" + s : s;
  }

  // A return's form: its cells by key; each typed cell recomputes the form and shows 1200 as 1200.00 on
  // blur, as the portal does; 提交申报 runs the page's own check (when it has one), asks to confirm, submits,
  // and goes to the result page or shows the portal's message.
  function declaration(refresh, check) {
    var cells = {};
    document.querySelectorAll("input.cell").forEach(function (i) { cells[i.dataset.key] = i; });
    cfg.inputKeys.forEach(function (k) {
      cells[k].addEventListener("input", refresh);
      cells[k].addEventListener("blur", function () {
        var c = cents(cells[k].value);
        if (!isNaN(c)) cells[k].value = fmt(c);
      });
    });
    var button = document.querySelector(".submit-btn");
    button.addEventListener("click", function () {
      var problem = check ? check() : null;
      if (problem) { alert(problem); return; }
      confirm("确定要提交申报吗？").then(function (ok) {
        if (!ok) return;
        var body = {period: cfg.period, values: {}};
        cfg.inputKeys.forEach(function (k) { body.values[k] = cells[k].value.trim(); });
        button.disabled = true;
        post(cfg.submitUrl, body).then(function (j) {
          if (j.code === 0) { location.href = j.redirect; return; }
          button.disabled = false;
          alert(j.msg);
        }).catch(function () { button.disabled = false; alert("网络异常，请稍后重试"); });
      });
    });
    return cells;
  }

  window.ETAX = {cfg: cfg, el: el, toast: toast, dialog: dialog, alert: alert, confirm: confirm, post: post,
                 expired: expired, EXPIRED: EXPIRED, cents: cents, fmt: fmt, declaration: declaration};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireMenu); else wireMenu();
})();
