// The VAT return form: computed lines kept live (9 = 10+11+12, 20 = 15−16, 22 = 20−21, 23–25 from 20 and the sales),
// 本年累计 = earlier quarters + this one, the same checks as the server on 提交申报 (the confirm dialog
// and the submit are ETAX.declaration's).
(function () {
  "use strict";
  var cfg = ETAX.cfg, msg = cfg.messages, COLS = Object.keys(cfg.cols), cents = ETAX.cents, fmt = ETAX.fmt;
  var inputs = ETAX.declaration(refresh, check);

  function values() {
    var v = {};
    cfg.inputKeys.forEach(function (k) { var c = cents(inputs[k].value); v[k] = isNaN(c) ? 0 : c; });
    COLS.forEach(function (c) {
      v["9." + c] = v["10." + c] + v["11." + c] + v["12." + c];
      v["20." + c] = v["15." + c] - v["16." + c];
      v["22." + c] = v["20." + c] - v["21." + c];
    });
    var base = Math.max(v["20.goods"] + v["20.services"], 0), sales = totalSales(v);
    var eduExempt = sales <= Math.round(cfg.eduExemptUpTo * 100);
    // In cents, each column rounded half up like the server: 应纳 = base × rate; 减免 = all of an exempt fee;
    // 减征 = (应纳 − 减免) × 50%; the line = 应纳 − 减免 − 减征.
    Object.keys(cfg.surtax).forEach(function (n) {
      var due = Math.floor((base * cfg.surtax[n] + 500) / 1000);
      var exempt = eduExempt && cfg.eduExempt.indexOf(n) >= 0 ? due : 0;
      var cut = Math.floor(((due - exempt) * cfg.surtaxRelief + 50) / 100);
      v[n] = due - exempt - cut;
    });
    return v;
  }
  function totalSales(v) {
    var total = 0;
    COLS.forEach(function (c) { [1, 4, 7, 9, 13].forEach(function (n) { total += v[n + "." + c]; }); });
    return total;
  }
  function refresh() {
    var v = values();
    Object.keys(v).forEach(function (k) {
      if (inputs[k] && inputs[k].readOnly) inputs[k].value = fmt(v[k]);
      var ytd = document.getElementById("r" + k.replace(".", "_") + "_ytd");
      if (ytd) ytd.textContent = fmt(Math.round((cfg.prior[k] || 0) * 100) + v[k]);
    });
  }

  function check() {
    document.querySelectorAll(".is-error").forEach(function (i) { i.classList.remove("is-error"); });
    for (var i = 0; i < cfg.inputKeys.length; i++) {
      var key = cfg.inputKeys[i];
      if (isNaN(cents(inputs[key].value))) {
        inputs[key].classList.add("is-error");
        var parts = key.split(".");
        return msg.number.replace("{n}", parts[0]).replace("{item}", cfg.items[parts[0]])
          .replace("{col}", cfg.cols[parts[1] || "goods"]);
      }
    }
    var v = values(), c, total = totalSales(v), under = false;
    for (i = 0; i < COLS.length; i++) {
      c = COLS[i];
      if (v["1." + c] < v["2." + c] + v["3." + c]) return msg.sum_1;
      if (v["4." + c] < v["5." + c] + v["6." + c]) return msg.sum_4;
      if (v["7." + c] < v["8." + c]) return msg.ge_7;
      if (v["13." + c] < v["14." + c]) return msg.ge_13;
    }
    COLS.forEach(function (c) { if (v["1." + c] - v["2." + c] > 0) under = true; });
    if (total <= Math.round(cfg.threshold * 100) && under) return msg.threshold;
    if (cfg.reductionRule) {
      for (i = 0; i < COLS.length; i++) {
        c = COLS[i];
        if (v["1." + c] && Math.abs(100 * v["16." + c] - 2 * v["1." + c]) > 100) return msg.reduction;
      }
    }
    return null;
  }

  refresh();
})();
