// 确认缴款: a confirm dialog, then the debit under the 三方协议; a refusal shows in a dialog.
(function () {
  "use strict";
  var cfg = ETAX.cfg, button = document.querySelector(".pay-submit");
  button.addEventListener("click", function () {
    ETAX.confirm("确定通过三方协议账户缴纳税款 " + cfg.amount + " 元吗？").then(function (ok) {
      if (!ok) return;
      button.disabled = true;
      ETAX.post("/api/pay/submit", {serial: cfg.serial}).then(function (j) {
        if (j.code === 0) { location.href = j.redirect; return; }
        button.disabled = false;
        ETAX.alert(j.msg);
      }).catch(function () { button.disabled = false; ETAX.alert("网络异常，请稍后重试"); });
    });
  });
})();
