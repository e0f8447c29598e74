// The 经营所得 A表: computed fields kept live (利润总额, 应纳税所得额, 税率, 速算扣除数, 应纳税额, 应补（退）税额)
// from the inputs and the annual table, in integer cents; 提交申报 asks to confirm, then the server checks
// the relations and answers with its own message.
(function () {
  "use strict";
  var cfg = ETAX.cfg, MONEY = /^\d+(\.\d{1,2})?$/;
  var inputs = {};
  document.querySelectorAll("input.cell").forEach(function (i) { inputs[i.dataset.key] = i; });

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
  function band(taxable) {
    for (var i = 0; i < cfg.bands.length; i++) {
      var b = cfg.bands[i];
      if (b[0] === null || taxable <= cents(b[0])) return {rate: b[1], quick: cents(b[2])};
    }
  }
  function refresh() {
    var v = {};
    cfg.inputKeys.forEach(function (k) { var c = cents(inputs[k].value); v[k] = isNaN(c) ? 0 : c; });
    v.profit = v.income - v.costs;
    v.taxable = Math.max(v.profit - v.loss_offset - v.investor_deduction - v.special_deductions, 0);
    var b = band(v.taxable);
    v.tax = Math.floor((v.taxable * b.rate + 50) / 100) - b.quick;
    v.paid = cents(cfg.paid);
    v.due = v.tax - v.relief - v.paid;
    ["profit", "taxable", "tax", "due"].forEach(function (k) { inputs[k].value = fmt(v[k]); });
    inputs.rate.value = b.rate + "%";
    inputs.quick.value = fmt(b.quick);
  }

  cfg.inputKeys.forEach(function (k) {
    inputs[k].addEventListener("input", refresh);
    inputs[k].addEventListener("blur", function () {  // 1200 → 1200.00, as the portal shows amounts
      var c = cents(inputs[k].value);
      if (!isNaN(c)) inputs[k].value = fmt(c);
    });
  });
  refresh();

  var button = document.querySelector(".submit-btn");
  button.addEventListener("click", function () {
    ETAX.confirm("确定要提交申报吗？").then(function (ok) {
      if (!ok) return;
      var body = {period: cfg.period, values: {}};
      cfg.inputKeys.forEach(function (k) { body.values[k] = inputs[k].value.trim(); });
      button.disabled = true;
      ETAX.post(cfg.submitUrl, body).then(function (j) {
        if (j.code === 0) { location.href = j.redirect; return; }
        button.disabled = false;
        ETAX.alert(j.msg);
      }).catch(function () { button.disabled = false; ETAX.alert("网络异常，请稍后重试"); });
    });
  });
})();
