// The publish form's sections beyond the text: covers (upload modal, 智能推荐封面 with its confirm modal),
// 自主声明 (entry → modal 「请选择声明类型（单选）」 → 确定), 添加到 合集, and 快速检测. The chosen values live in
// DY.cover / DY.declaration / DY.collection, which form.js sends with 发布.
(function () {
  "use strict";
  var cfg = DY.cfg;
  DY.cover = null;
  DY.declaration = null;
  DY.collection = null;

  function buttons(cancel, ok, disabled) {
    return '<button type="button" class="semi-button semi-button-tertiary cancel">' + cancel + '</button>' +
      '<button type="button" class="semi-button semi-button-primary ok' + (disabled ? ' semi-button-disabled" disabled' : '"') +
      '>' + ok + '</button>';
  }

  // -- covers ----------------------------------------------------------------------------------------
  function applied(root, how) {
    DY.cover = how;
    var control = root.querySelector(".coverControl-CjlzqC");
    control.classList.add("has-cover");
    control.querySelector(".title-wA45Xd").textContent = "修改封面";
    root.querySelectorAll(".recommendCover-vWWsHB").forEach(function (b) {
      b.classList.toggle("selected-Qm3bZ1", how === "recommended:" + b.dataset.index);
    });
  }
  function uploadModal(root) {
    // The cover editor: class dy-creator-content-modal (what uploaders wait for); 完成 stays disabled while
    // the frames are "processed".
    var m = DY.modal("cover-modal", "设置封面",
      '<div class="cover-tabs"><span class="active">设置竖封面</span><span>设置横封面</span></div>' +
      '<div class="cover-preview">封面预览</div><div class="cover-processing">封面处理中…</div>' +
      '<div class="semi-upload upload-Hx2Kq0"><label class="semi-button upload-cover">上传封面' +
      '<input class="semi-upload-hidden-input" type="file" accept="image/png,image/jpeg,image/jpg" hidden></label></div>',
      '<div class="extractFooter-Pz8Qv1">' + buttons("取消", "完成", true) + '</div>', "modal");
    m.querySelector(".semi-modal").classList.add("dy-creator-content-modal");
    var finish = m.querySelector(".ok"), uploaded = null;
    setTimeout(function () {
      finish.disabled = false; finish.classList.remove("semi-button-disabled");
      m.querySelector(".cover-processing").textContent = "";
    }, cfg.coverMs);
    m.querySelector(".cancel").addEventListener("click", function () { m.remove(); });
    m.querySelector(".semi-upload-hidden-input").addEventListener("change", function (ev) {
      if (!ev.target.files.length) return;
      uploaded = ev.target.files[0].name;  // the real editor crops it; here it only replaces the frame
      m.querySelector(".cover-preview").textContent = "已上传：" + uploaded;
    });
    finish.addEventListener("click", function () {
      applied(root, uploaded ? "uploaded:" + uploaded : "frame");
      m.remove();
    });
  }
  function confirmRecommended(root, block) {
    var m = DY.modal("cover-confirm-modal", "", '<p class="semi-modal-confirm-title-text">是否确认应用此封面？</p>',
      buttons("取消", "确定"), "modal");
    m.querySelector(".cancel").addEventListener("click", function () { m.remove(); });
    m.querySelector(".ok").addEventListener("click", function () {
      m.remove();
      block.classList.add("isSetting-Wc7yB2");  // a short transition before "selected", as on the real page
      setTimeout(function () { block.classList.remove("isSetting-Wc7yB2"); applied(root, "recommended:" + block.dataset.index); },
                 cfg.suggestMs);
    });
  }

  // -- 自主声明 ----------------------------------------------------------------------------------------
  function declarationModal(entry, onChosen) {
    var older = cfg.declaration === "assistant";  // the saved page's build has the older header
    var options = cfg.declarations.map(function (text, i) {
      return '<label class="semi-radio"><input type="radio" class="semi-radio-input" name="declaration" value="' + i + '"' +
        (DY.declaration === text ? " checked" : "") + '><span class="semi-radio-inner"></span>' +
        '<span class="semi-radio-addon">' + text + '</span></label>';
    }).join("");
    var m = DY.modal("declaration-modal", '<span class="selectorHeader-jxI9fI">' +
      (older ? "对作品内容添加声明" : "请选择声明类型（单选）") + '</span>',
      '<div class="semi-radioGroup" role="radiogroup">' + options + '</div>', buttons("取消", "确定"), "modal");
    m.querySelector(".cancel").addEventListener("click", function () { m.remove(); });
    m.querySelector(".ok").addEventListener("click", function () {
      var on = m.querySelector("input:checked");
      if (!on) { DY.toast("请选择声明类型"); return; }
      m.remove();
      onChosen(cfg.declarations[+on.value]);
    });
  }
  function attachDeclaration(scope) {
    var entry = scope.querySelector(".declaration-entry-Ux81Lm, .selectBox-Tn7vXe, .addUserDeclaration-AH7tvx");
    if (!entry || entry.dataset.bound) return;
    entry.dataset.bound = "1";
    entry.addEventListener("click", function () {
      declarationModal(entry, function (text) {
        if (cfg.dropDeclaration) return;  // fault: the modal closed, the choice was not kept
        DY.declaration = text;
        if (cfg.declaration === "select") {
          var t = entry.querySelector(".selectText-Lk2Pq9");
          t.textContent = text; t.classList.remove("placeholder-Ab1Cd2");
        } else if (cfg.declaration === "form") {
          entry.textContent = text;
        } else {  // the side panel: the choice replaces the hint, the link offers to change it
          entry.closest("section").querySelector(".userDeclarationDesc-iSLzyH").textContent = text;
          entry.textContent = "修改声明";
        }
      });
    });
  }

  // -- 添加到 合集 -------------------------------------------------------------------------------------
  function attachCollection(root) {
    var select = root.querySelector(".select-collection-nkL6sA");
    if (!select) return;
    select.addEventListener("click", function () {
      if (document.querySelector(".collection-list")) return;
      var list = document.createElement("div");
      list.className = "semi-select-option-list collection-list";
      list.setAttribute("role", "listbox");
      cfg.collections.forEach(function (name) {
        var o = document.createElement("div");
        o.className = "semi-select-option"; o.setAttribute("role", "option"); o.textContent = name;
        o.addEventListener("click", function () {
          DY.collection = name;
          var text = select.querySelector(".semi-select-selection-text");
          text.textContent = name; text.classList.remove("semi-select-selection-placeholder");
          list.remove();
        });
        list.appendChild(o);
      });
      select.parentNode.appendChild(list);
    });
  }

  DY.attachSections = function (root) {
    var control = root.querySelector(".coverControl-CjlzqC");
    if (control) control.addEventListener("click", function () { uploadModal(root); });
    root.querySelectorAll(".recommendCover-vWWsHB").forEach(function (block) {
      block.addEventListener("click", function () { confirmRecommended(root, block); });
    });
    attachDeclaration(root);
    attachCollection(root);
  };
  DY.attachDeclaration = attachDeclaration;

  // 快速检测 reports once the upload has been checked (form.js calls it when the upload is done).
  DY.detected = function (root) {
    var item = root.querySelector(".detectItemTitle-X5pTL9");
    if (item) item.textContent = "作品未见异常";
  };
})();
