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

  window.ETAX = {cfg: cfg, el: el, toast: toast, dialog: dialog, alert: alert, confirm: confirm, post: post,
                 expired: expired, EXPIRED: EXPIRED};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireMenu); else wireMenu();
})();
