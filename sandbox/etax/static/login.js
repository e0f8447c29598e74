// The tpass single-page login, rendered by hash (#/login): credit code + user + password, the drag
// slider (a human drag only: the server judges the recorded trail), then the SMS and face-QR steps.
(function () {
  "use strict";
  var cfg = ETAX.cfg, app = document.getElementById("app");

  function route() {
    if (cfg.loggedIn) { location.href = cfg.home; return; }
    if (location.hash.indexOf("#/login") !== 0) { location.replace("/#/login"); return; }
    if (!app.querySelector(".login-box")) render();
  }

  function render() {
    app.innerHTML = "";
    app.appendChild(document.getElementById("tpl-login").content.cloneNode(true));
    var box = app.querySelector(".login-box"), form = box.querySelector(".login-form");
    var state = {ticket: null, loginToken: null};
    var slider = cfg.slider ? wireSlider(box.querySelector(".slide-verify"), state) : null;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var err = form.querySelector(".form-error"), f = form.elements;
      var missing = [["creditCode", "请输入统一社会信用代码/纳税人识别号"], ["account", "请输入居民身份证号码/手机号码/用户名"],
                     ["password", "请输入个人用户密码"]].filter(function (p) { return !f[p[0]].value.trim(); })[0];
      if (missing) { err.textContent = missing[1]; return; }
      if (slider && !state.ticket) { err.textContent = "请先拖动滑块完成验证"; return; }
      err.textContent = "";
      var body = {creditCode: f.creditCode.value, account: f.account.value, password: f.password.value,
                  sliderTicket: state.ticket};
      state.ticket = null;  // one try per drag, as on the real form
      ETAX.post("/api/tpass/login", body).then(function (j) {
        if (j.code !== 0) { err.textContent = j.msg; if (slider) slider.reset(""); return; }
        next(box, j, state);
      });
    });
  }

  function next(box, j, state) {
    state.loginToken = j.loginToken;
    if (j.next === "done") { location.href = j.redirect; return; }
    box.querySelector(".login-form").hidden = true;
    box.querySelector(".login-tabs").hidden = true;
    box.querySelector(".sms-step").hidden = j.next !== "sms";
    box.querySelector(".face-step").hidden = j.next !== "face";
    if (j.next === "sms") wireSms(box.querySelector(".sms-step"), j, state);
    if (j.next === "face") showFace(box.querySelector(".face-step"), j, state);
  }

  function wireSms(step, j, state) {
    var send = step.querySelector(".sms-send"), err = step.querySelector(".form-error");
    step.querySelector(".sms-phone").textContent = j.phone;
    send.onclick = function () {
      ETAX.post("/api/tpass/sms/send", {loginToken: state.loginToken}).then(function (r) {
        if (r.code !== 0) { err.textContent = r.msg; return; }
        var left = 60;
        send.disabled = true;
        var timer = setInterval(function () {
          send.textContent = --left + "秒后重新获取";
          if (left <= 0) { clearInterval(timer); send.disabled = false; send.textContent = "获取验证码"; }
        }, 1000);
      });
    };
    step.querySelector(".sms-submit").onclick = function () {
      var code = step.querySelector("#smsCode").value.trim();
      if (!code) { err.textContent = "请输入短信验证码"; return; }
      ETAX.post("/api/tpass/sms/verify", {loginToken: state.loginToken, code: code}).then(function (r) {
        if (r.code !== 0) { err.textContent = r.msg; return; }
        err.textContent = "";
        next(step.parentNode, r, state);
      });
    };
  }

  function showFace(step, j, state) {
    var img = step.querySelector("img"), mask = step.querySelector(".qr-expired"), token = j.qrToken;
    img.src = j.qr;
    mask.onclick = function () {
      ETAX.post("/api/tpass/face/qr", {loginToken: state.loginToken}).then(function (r) {
        if (r.code === 0) { token = r.qrToken; img.src = r.qr; mask.hidden = true; }
      });
    };
    (function poll() {
      fetch("/api/tpass/face/status?token=" + encodeURIComponent(token), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (r) {
          if (r.next === "done") { location.href = r.redirect; return; }
          if (r.status === "expired") mask.hidden = false;
          setTimeout(poll, cfg.pollMs);
        })
        .catch(function () { setTimeout(poll, cfg.pollMs); });
    })();
  }

  // The knob follows the pointer; the trail [[offset, ms], …] of every move and the release point go to
  // the server, which judges whether a person dragged.
  function wireSlider(wrap, state) {
    var knob = wrap.querySelector(".slide-knob"), fill = wrap.querySelector(".slide-fill");
    var label = wrap.querySelector(".slide-text"), drag = null;
    wrap.hidden = false;
    function place(x) {
      knob.style.left = x + "px"; fill.style.width = (x + 20) + "px";
      knob.setAttribute("aria-valuenow", String(Math.round(100 * x / cfg.travel)));
    }
    function reset(text) {
      state.ticket = null; wrap.classList.remove("passed"); place(0);
      label.textContent = text || "请按住滑块，拖动到最右边";
    }
    knob.addEventListener("pointerdown", function (e) {
      if (!e.isTrusted || state.ticket) return;
      e.preventDefault();
      drag = {x0: e.clientX, trail: []};
      label.textContent = "";
    });
    document.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var raw = e.clientX - drag.x0;
      drag.trail.push([raw, Math.round(performance.now())]);
      place(Math.max(0, Math.min(cfg.travel, raw)));
    });
    document.addEventListener("pointerup", function (e) {
      if (!drag) return;
      var body = {moves: drag.trail, release: [e.clientX - drag.x0, Math.round(performance.now())]};
      drag = null;
      ETAX.post("/api/tpass/slider", body).then(function (r) {
        if (r.code !== 0) { reset(r.msg); wrap.classList.add("failed"); return; }
        state.ticket = r.ticket; wrap.classList.remove("failed"); wrap.classList.add("passed");
        place(cfg.travel); label.textContent = "验证通过";
      });
    });
    return {reset: reset};
  }

  window.addEventListener("hashchange", route);
  route();
})();
