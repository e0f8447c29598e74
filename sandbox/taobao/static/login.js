// The login box (inline on the login wall, or inside iframe#alibaba-login-box on the seller login):
// 扫码登录 polls the QR's status and shows 二维码已失效 / 点击刷新 when it expires; 密码登录 posts the
// account and password, then, when the account needs it, the SMS step. Logged in, the whole window
// (window.top) goes to the redirect target.
(function () {
  "use strict";
  var box = document.getElementById("login");
  var cfg = JSON.parse(box.dataset.config), token = cfg.token, ticket = null;
  var $ = function (s) { return box.querySelector(s); };
  var img = $(".qrcode-img img"), expired = $(".qrcode-error");

  function done() { window.top.location.href = cfg.redirect; }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify(body)}).then(function (r) { return r.json(); });
  }
  function pane(name) {
    box.querySelectorAll("[data-pane]").forEach(function (p) { p.hidden = p.dataset.pane !== name; });
    box.querySelectorAll(".login-tab").forEach(function (t) { t.classList.toggle("active", t.dataset.tab === name); });
  }
  box.querySelectorAll(".login-tab").forEach(function (tab) {
    tab.addEventListener("click", function () { pane(tab.dataset.tab); });
  });

  // -- QR -------------------------------------------------------------------------------------------
  $(".refresh").addEventListener("click", function () {
    fetch("/newlogin/qrcode/generate.do").then(function (r) { return r.json(); })
      .then(function (j) { token = j.t; img.src = j.codeContent; expired.hidden = true; });
  });
  function check() {
    fetch("/newlogin/qrcode/query.do?t=" + encodeURIComponent(token), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.qrCodeStatus === "CONFIRMED") return done();
        if (j.qrCodeStatus === "NEED_SMS") { ticket = j.ticket; $(".sms-check .phone").textContent = j.phone; return pane("sms"); }
        if (j.qrCodeStatus === "EXPIRED") expired.hidden = false;
        setTimeout(check, cfg.poll);
      })
      .catch(function () { setTimeout(check, cfg.poll); });
  }
  setTimeout(check, cfg.poll);

  // -- password, then SMS -----------------------------------------------------------------------------
  $(".password-login").addEventListener("submit", function (e) {
    e.preventDefault();
    $(".login-error-msg").textContent = "";
    post("/newlogin/login.do", {loginId: $("#fm-login-id").value, password: $("#fm-login-password").value})
      .then(function (j) {
        if (!j.success) { $(".login-error-msg").textContent = j.message; return; }
        if (!j.needSms) return done();
        ticket = j.ticket;
        $(".sms-check .phone").textContent = j.phone;
        pane("sms");
      });
  });
  $(".send-sms").addEventListener("click", function () {
    var btn = $(".send-sms");
    post("/newlogin/sms/send.do", {ticket: ticket}).then(function (j) {
      if (!j.success) { $(".sms-error-msg").textContent = j.message; return; }
      var left = 60;
      btn.disabled = true;
      var timer = setInterval(function () {
        left -= 1; btn.textContent = left + "秒后重新获取";
        if (left <= 0) { clearInterval(timer); btn.disabled = false; btn.textContent = "获取验证码"; }
      }, 1000);
    });
  });
  $(".sms-check").addEventListener("submit", function (e) {
    e.preventDefault();
    $(".sms-error-msg").textContent = "";
    post("/newlogin/sms/verify.do", {ticket: ticket, code: $("#fm-sms-code").value}).then(function (j) {
      if (j.success) return done();
      $(".sms-error-msg").textContent = j.message;
    });
  });
})();
