// QR login: poll the QR's status; show 二维码失效 when it expires; a click on that box refreshes the QR;
// once the phone has scanned, the status answer carries the sessionid cookie and the page moves on.
// With an SMS check at login the answer is "verify": the 身份验证 modal asks for the code first.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("sandbox-config").textContent), token = cfg.token;
  var box = document.getElementById("animate_qrcode_container");
  var img = box.querySelector("img"), mask = box.querySelector(".qrcode-expired-mask");

  mask.addEventListener("click", function () {
    fetch("/passport/web/get_qrcode/").then(function (r) { return r.json(); })
      .then(function (j) { token = j.data.token; img.src = j.data.qrcode; mask.hidden = true; });
  });
  document.querySelectorAll(".tabs-Eyd8Fm .tab-item").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll(".tabs-Eyd8Fm .tab-item").forEach(function (t) { t.classList.toggle("active", t === tab); });
      document.querySelectorAll("[data-pane]").forEach(function (p) { p.hidden = p.dataset.pane !== tab.dataset.tab; });
    });
  });

  function enter() { if (cfg.after) location.href = cfg.after; else location.reload(); }

  function check() {
    fetch("/passport/web/check_qrconnect/?token=" + encodeURIComponent(token))
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var status = j.data.status;
        if (status === "confirmed") { enter(); return; }
        if (status === "verify") { DY.askSms(enter); return; }
        if (status === "expired") mask.hidden = false;
        setTimeout(check, cfg.poll);
      })
      .catch(function () { setTimeout(check, cfg.poll); });
  }
  setTimeout(check, cfg.poll);
})();
