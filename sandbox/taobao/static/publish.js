// The publish form: 类目属性 (品牌 combobox + text props), controlled inputs, the title counter (a Chinese
// character counts 2), SKU-driven 一口价 / 总库存, the 上架时间 radios, client checks with the same texts as
// the server, the warnings (描述中未添加图片 and the others switched on), and the submit (which the slider may hold until it is passed).
// Enter in any input submits the form, as on the real page.
(function () {
  "use strict";
  var cfg = TB.cfg, leaf = cfg.leaf, form = document.getElementById("publish-form");
  var $ = function (s) { return form.querySelector(s); };
  var msg = TB.msg = cfg.msg, DAY = 86400000, BJ = 8 * 3600000, busy = false;

  TB.showError = function (fid, text) {
    var box = form.querySelector("#struct-" + fid);
    if (!box) return;
    box.classList.toggle("has-error", !!text);
    box.querySelector(".next-form-item-help").textContent = text || "";
  };
  function clearErrors() { form.querySelectorAll(".sell-field").forEach(function (b) { TB.showError(b.dataset.field, ""); }); }

  // -- fields -----------------------------------------------------------------------------------------
  var props = {}, f = {};
  leaf.props.forEach(function (p) {
    var host = form.querySelector('.sell-catProp-item-common[data-prop="' + p.name + '"] .prop-control');
    var initial = String(cfg.keyProps[p.name] || "");
    if (p.kind === "brand") {
      var box = TB.combobox(host, p.name, p.options, initial);
      props[p.name] = box.get;
    } else {
      host.innerHTML = '<span class="next-input"><input type="text" autocomplete="off"></span>';
      var inp = host.querySelector("input");
      inp.setAttribute("aria-label", p.name); inp.placeholder = "请输入" + p.name;
      var ctl = TB.controlled(inp); ctl.set(initial);
      props[p.name] = function () { return ctl.get().trim(); };
    }
  });
  ["title", "price", "quantity", "outerId", "desc"].forEach(function (id) { f[id] = TB.controlled(document.getElementById(id), changed(id)); });
  f.at = TB.controlled($(".start-time-input"));

  function titleLength(t) { var n = 0; for (var i = 0; i < t.length; i++) n += t.charCodeAt(i) > 255 ? 2 : 1; return n; }
  function changed(id) {
    return function (v) {
      if (id !== "title") return TB.showError(id, "");
      var n = titleLength(v), counter = $(".title-count");
      counter.textContent = n + "/60"; counter.classList.toggle("over", n > 60);
      TB.showError("title", n > 60 ? msg.title_long : "");
    };
  }

  var lock = cfg.lock;
  if (lock) {
    form.querySelector(".promotion-lock-slot").hidden = false;
    f.price.set(lock.price); f.quantity.set(lock.quantity);
    document.getElementById("price").readOnly = document.getElementById("quantity").readOnly = true;
  }
  var sku = TB.sku($("#struct-sku"), leaf.saleProps, !!lock, function () {
    var s = sku ? sku.state() : {active: false}, price = document.getElementById("price"), qty = document.getElementById("quantity");
    price.readOnly = qty.readOnly = !!lock || s.active;
    if (!s.active) return;
    var prices = s.skus.map(function (r) { return validPrice(r.price) ? parseFloat(r.price) : null; }).filter(function (p) { return p !== null; });
    f.price.set(prices.length ? Math.min.apply(null, prices).toFixed(2) : "");
    f.quantity.set(s.skus.reduce(function (sum, r) { return sum + (/^\d+$/.test(r.quantity) ? parseInt(r.quantity, 10) : 0); }, 0));
  });
  var images = TB.images(form, function () { TB.showError("mainImagesGroup", ""); });

  form.querySelectorAll('input[name="startTime"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      form.querySelectorAll(".next-radio-wrapper").forEach(function (l) { l.classList.toggle("checked", l.contains(radio) && radio.checked); });
      $(".start-time-picker").hidden = radio.value !== "timed";
    });
  });

  // -- checks -----------------------------------------------------------------------------------------
  function validPrice(v) { return /^\d+(\.\d{1,2})?$/.test(v) && parseFloat(v) >= 0.01 && parseFloat(v) <= 10000000; }
  function validCount(v, low) { return /^\d+$/.test(v) && parseInt(v, 10) >= low && parseInt(v, 10) <= 100000000; }
  function parseWall(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(v.trim());
    return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) - BJ : NaN;
  }
  function collect() {
    var s = sku.state(), mode = form.querySelector('input[name="startTime"]:checked').value, values = {};
    Object.keys(props).forEach(function (k) { values[k] = props[k](); });
    return {catId: leaf.catId, props: values, title: f.title.get(), price: f.price.get().trim(),
            quantity: String(f.quantity.get()).trim(), outerId: f.outerId.get().trim(), saleValues: s.saleValues,
            skus: s.skus, mainImages: images.main(), desc: f.desc.get(), descImages: images.desc(),
            startTime: {mode: mode, at: mode === "timed" ? f.at.get().trim() : null}, _sku: s};
  }
  function check(item) {
    var errs = {}, s = item._sku;
    if (!item.title.trim()) errs.title = msg.title_empty;
    else if (titleLength(item.title) > 60) errs.title = msg.title_long;
    leaf.props.forEach(function (p) { if (!item.props[p.name] && !errs.catProp) errs.catProp = msg.prop_missing.replace("{name}", p.name); });
    if (s.partial) errs.sku = msg.sku_rows;
    s.skus.forEach(function (r) {
      if (!errs.sku && !validPrice(r.price)) errs.sku = msg.sku_price;
      if (!errs.sku && !validCount(r.quantity, 0)) errs.sku = msg.sku_quantity;
    });
    if (!s.active && !validPrice(item.price)) errs.price = msg.price;
    if (!validCount(item.quantity, 1) && !errs.sku) errs.quantity = msg.quantity;
    if (!item.mainImages.length) errs.mainImagesGroup = msg.images_none;
    if (item.startTime.mode === "timed") {
      var at = parseWall(item.startTime.at || "");
      if (isNaN(at) || at <= Date.now() || at > Date.now() + cfg.maxDays * DAY) errs.startTime = msg.start_time.replace("{days:g}", cfg.maxDays);
    }
    return errs;
  }

  // -- submit -----------------------------------------------------------------------------------------
  function submit() {
    if (busy || TB.baxia.active()) return;
    if (cfg.scriptError) throw new TypeError("Cannot read properties of undefined (reading 'price')");  // fault switch
    Object.keys(f).forEach(function (k) { f[k].render(); });
    clearErrors();
    var item = collect(), errs = check(item), fields = Object.keys(errs);
    fields.forEach(function (k) { TB.showError(k, errs[k]); });
    if (fields.length) {
      TB.toast("请修正表单中的错误后再提交");
      form.querySelector("#struct-" + fields[0]).scrollIntoView({block: "center"});
      return;
    }
    delete item._sku;
    warn(item, cfg.warnings.filter(function (w) { return applies(w, item); }));
  }
  function applies(w, item) {
    if (w.when === "warning_dialog") return !item.descImages.length;
    if (w.when === "warning_low_price") return parseFloat(item.price) < parseFloat(w.below);
    return !item.outerId;  // warning_no_outer_id
  }
  // One dialog at a time: 确认提交 moves on to the next warning (or sends), 返回修改 drops the submit.
  function warn(item, left) {
    if (!left.length) return send(item);
    var d = document.createElement("div");
    d.className = "next-dialog-wrapper";
    d.innerHTML = '<div class="next-overlay-backdrop"></div><div class="next-dialog" role="dialog" aria-modal="true" aria-label="提示">' +
      '<div class="next-dialog-header">提示</div><div class="next-dialog-body"></div>' +
      '<div class="next-dialog-footer"><button type="button" class="next-btn back">返回修改</button>' +
      '<button type="button" class="next-btn next-btn-primary ok">确认提交</button></div></div>';
    d.querySelector(".next-dialog-body").textContent = left[0].text;
    document.body.appendChild(d);
    d.querySelector(".back").addEventListener("click", function () { d.remove(); });
    d.querySelector(".ok").addEventListener("click", function () { d.remove(); warn(item, left.slice(1)); });
  }
  function send(item) {
    busy = true;
    var btn = document.getElementById("button-submit");
    btn.classList.add("next-btn-loading");
    TB.postJSON("/sell/v2/submit.htm", item).then(function (j) {
      busy = false; btn.classList.remove("next-btn-loading");
      if (j.success) { location.href = j.url; return; }
      if (j.code === "BAXIA") return TB.baxia.show(j.punishUrl, function () { send(item); });
      if (j.code === "NOT_LOGIN") return TB.loggedOut();
      if (j.field) TB.showError(j.field, j.message);
      TB.toast(j.message, "error", 6000);
    }).catch(function () { busy = false; btn.classList.remove("next-btn-loading"); TB.toast("网络异常，请稍后再试"); });
  }

  document.getElementById("button-submit").addEventListener("click", submit);
  document.getElementById("draft-btn").addEventListener("click", function () { TB.toast("保存草稿成功", "success"); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing || e.target.tagName !== "INPUT") return;
    e.preventDefault();
    submit();
  });
})();
