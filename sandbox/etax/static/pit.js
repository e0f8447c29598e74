// The 经营所得 A表: computed fields kept live (利润总额, 应纳税所得额, 税率, 速算扣除数, 应纳税额, 应补（退）税额)
// from the inputs and the annual table, in integer cents; 提交申报 asks to confirm, then the server checks
// the relations and answers with its own message.
(function () {
  "use strict";
  var cfg = ETAX.cfg, cents = ETAX.cents, fmt = ETAX.fmt;
  var inputs = ETAX.declaration(refresh);

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

  refresh();
})();
