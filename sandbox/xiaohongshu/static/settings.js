// The edit form's settings: 添加合集, the 原创声明 switch with its confirm dialog, and 添加内容类型声明
// (自主声明 on the older form) with its options; 来源转载 asks for the media name. publish.js reads
// window.XhsSettings.value() when the note is submitted.
(function () {
  "use strict";
  var root = document.querySelector(".publish-container");
  var cfg = JSON.parse(root.dataset.config);
  var state = {collection: null, original: false, declaration: null};
  var open = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function close() { if (open) { open.remove(); open = null; } }
  function show(wrapper, text) {
    var d = wrapper.querySelector(".d-select-description"), p = wrapper.querySelector(".d-select-placeholder");
    d.textContent = text || ""; p.hidden = !!text;
  }
  function dropdown(wrapper, cls) {
    close();
    open = el("div", "d-popover d-dropdown " + cls);
    open.addEventListener("mousedown", function (e) { e.stopPropagation(); });
    wrapper.parentNode.appendChild(open);
    return open;
  }
  function option(box, name, onPick) {
    var o = el("div", "d-option"), n = el("span", "d-option-name", name);
    o.setAttribute("role", "option"); o.appendChild(n);
    o.addEventListener("click", function (e) { e.stopPropagation(); onPick(); });
    box.appendChild(o);
    return o;
  }

  // -- 添加合集 ---------------------------------------------------------------------------------------
  var collection = root.querySelector(".collection-container .d-select-wrapper");
  collection.addEventListener("click", function () {
    var box = dropdown(collection, "collection-popover");
    cfg.collections.forEach(function (name) {
      option(box, name, function () { state.collection = name; show(collection, name); close(); });
    });
  });

  // -- 原创声明: switching on asks for the terms first ----------------------------------------------------
  // The older form has no 原创声明 card (as the saved real page).
  var card = root.querySelector(".original-card"), sw = card && card.querySelector(".d-switch");
  function setOriginal(on) {
    state.original = on;
    sw.classList.toggle("checked", on); sw.setAttribute("aria-checked", String(on));
    sw.querySelector("input").checked = on;
  }
  if (sw) sw.addEventListener("click", function () {
    if (state.original) { setOriginal(false); return; }
    var mask = el("div", "d-modal-mask"), modal = el("div", "d-modal original-modal");
    modal.setAttribute("role", "dialog"); modal.setAttribute("aria-label", "原创声明");
    modal.appendChild(el("div", "d-modal-title", "原创声明"));
    modal.appendChild(el("p", "d-modal-content", "声明原创后，笔记将展示原创标识，平台将对原创内容进行保护。"));
    var agree = el("label", "d-checkbox"), box = el("input");
    box.type = "checkbox"; agree.appendChild(box);
    agree.appendChild(document.createTextNode("我已阅读并同意 《原创声明须知》 ，如滥用声明，平台将驳回并予以相关处置"));
    modal.appendChild(agree);
    var footer = el("div", "d-modal-footer"), cancel = el("button", "d-button cancel", "取消"),
        ok = el("button", "d-button red confirm", "声明原创");
    cancel.type = ok.type = "button"; ok.disabled = true;
    box.addEventListener("change", function () { ok.disabled = !box.checked; });
    cancel.addEventListener("click", function () { mask.remove(); });
    ok.addEventListener("click", function () { if (box.checked) { setOriginal(true); mask.remove(); } });
    footer.appendChild(cancel); footer.appendChild(ok); modal.appendChild(footer);
    mask.appendChild(modal); document.body.appendChild(mask);
  });

  // -- 内容类型声明 ------------------------------------------------------------------------------------
  var declaration = root.querySelector(".declaration-wrapper");
  function declare(kind, label, source) {
    if (cfg.dropDeclaration) { close(); return; }  // fault: the click lands, the choice is not kept
    state.declaration = {kind: kind, label: label, source: source || ""};
    show(declaration, source ? label + "：" + source : label);
    close();
  }
  if (declaration) declaration.addEventListener("click", function () {
    var box = dropdown(declaration, "declaration-popover");
    option(box, "虚构演绎，仅供娱乐", function () { declare("fiction", "虚构演绎，仅供娱乐"); });
    option(box, cfg.aiLabel, function () { declare("ai", cfg.aiLabel); });
    option(box, "内容包含营销广告", function () { declare("ad", "内容包含营销广告"); });
    option(box, "内容来源声明", function () {
      var grid = el("div", "d-grid source-grid");
      ["自主拍摄", "来源转载"].forEach(function (name) {
        var item = el("div", "d-grid-item", name);
        item.setAttribute("role", "option");
        item.addEventListener("click", function (e) {
          e.stopPropagation();
          if (name === "自主拍摄") { declare("self_shot", "自主拍摄"); return; }
          var form = el("div", "repost-form"), input = el("input", "d-text"), err = el("div", "repost-error");
          input.placeholder = "请输入媒体名称"; input.maxLength = 20;
          var ok = el("button", "d-button red", "确认"); ok.type = "button";
          ok.addEventListener("click", function (e2) {
            e2.stopPropagation();
            var name2 = input.value.trim();
            if (!name2) { err.textContent = "请输入媒体名称"; return; }
            declare("repost", "来源转载", name2);
          });
          form.appendChild(input); form.appendChild(ok); form.appendChild(err);
          box.appendChild(form); input.focus();
        });
        grid.appendChild(item);
      });
      box.appendChild(grid);
    });
  });

  document.addEventListener("mousedown", function (e) {
    if (open && !open.contains(e.target) && !e.target.closest(".d-select-wrapper")) close();
  }, true);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  window.XhsSettings = {value: function () { return state; }};
})();
