// QR login: poll the QR's status every few seconds; show the expired state; refresh on click;
// once the phone has scanned, the status answer carries the session cookie and the page goes home.
(function () {
  "use strict";
  var box = document.querySelector(".login-box");
  var cfg = JSON.parse(box.dataset.config), token = cfg.token;
  var img = box.querySelector(".qrcode-img"), expired = box.querySelector(".qrcode-expired");

  box.querySelector(".refresh").addEventListener("click", function () {
    fetch("/api/cas/customer/web/qr-code", {method: "POST"}).then(function (r) { return r.json(); })
      .then(function (j) { token = j.data.qr_id; img.src = j.data.url; expired.hidden = true; });
  });

  function check() {
    fetch("/api/cas/customer/web/qr-code?qr_id=" + encodeURIComponent(token))
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var status = j.data.status;
        if (status === "confirmed") { location.href = "/new/home"; return; }
        if (status === "expired") expired.hidden = false;
        setTimeout(check, cfg.poll);
      })
      .catch(function () { setTimeout(check, cfg.poll); });
  }
  setTimeout(check, cfg.poll);
})();
