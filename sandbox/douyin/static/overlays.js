// Overlays of the publish form: the topic dropdown (typed "#word") and the SMS modal (covers and the
// declaration modal: sections.js).
// The dropdown and the modals lie over the form and take the clicks meant for what is under them.
(function () {
  "use strict";
  var cfg = DY.cfg;

  // role "modal" (not an ARIA role) is what the real creator center puts on its Semi modals; the SMS
  // modal keeps "dialog".
  function modal(cls, title, body, footer, role) {
    var w = document.createElement("div");
    w.className = "semi-modal-portal " + cls;
    w.innerHTML = '<div class="semi-modal-mask"></div><div class="semi-modal-wrap"><div class="semi-modal" role="' + (role || "dialog") + '" aria-modal="true">' +
      '<div class="semi-modal-content"><div class="semi-modal-header"><h5 class="semi-modal-title">' + title + '</h5></div>' +
      '<div class="semi-modal-body">' + body + '</div><div class="semi-modal-footer">' + footer + '</div></div></div></div>';
    document.body.appendChild(w);
    return w;
  }
  DY.modal = modal;

  // -- topics: "#word" right before the caret opens the dropdown ------------------------------------
  var HOT = ["享受生活", "生活方式", "时尚生活", "努力是为了遇见更好的自己"];
  DY.attachTopics = function (editor) {
    var box = null, timer = null;
    function hide() { clearTimeout(timer); if (box) { box.remove(); box = null; } }
    function typed() {
      var sel = getSelection();
      if (!sel.rangeCount || sel.anchorNode.nodeType !== 3 || !editor.contains(sel.anchorNode)) return null;
      var before = sel.anchorNode.textContent.slice(0, sel.anchorOffset), m = /#([^\s#@]*)$/.exec(before);
      return m ? {node: sel.anchorNode, start: m.index, end: sel.anchorOffset, word: m[1]} : null;
    }
    function pick(hit, name) {
      var text = hit.node.textContent;
      hit.node.textContent = text.slice(0, hit.start) + "#" + name + " " + text.slice(hit.end);
      var range = document.createRange(), at = hit.start + name.length + 2;
      range.setStart(hit.node, at); range.collapse(true);
      getSelection().removeAllRanges(); getSelection().addRange(range);
      hide();
      editor.dispatchEvent(new Event("input", {bubbles: true}));
    }
    function show(hit) {
      hide();
      var names = hit.word ? [hit.word, hit.word + "挑战", hit.word + "日常", hit.word + "分享"] : HOT;
      box = document.createElement("div");
      box.className = "mention-suggest-container tag-dropdown";
      box.setAttribute("role", "listbox");
      names.forEach(function (n, i) {
        var item = document.createElement("div");
        item.className = "tag-item"; item.setAttribute("role", "option");
        item.innerHTML = '<span class="tag-name"></span><span class="tag-hot">' + (9 - i) * 13 + '.2万次播放</span>';
        item.querySelector(".tag-name").textContent = "#" + n;
        item.addEventListener("mousedown", function (e) { e.preventDefault(); });
        item.addEventListener("click", function () { var h = typed(); if (h) pick(h, n); });
        box.appendChild(item);
      });
      editor.parentNode.appendChild(box);
    }
    editor.addEventListener("input", function (e) {
      if (e.isComposing) return;
      var hit = typed();
      hide();
      if (hit) timer = setTimeout(function () { var h = typed(); if (h) show(h); }, cfg.suggestMs);
    });
    editor.addEventListener("keydown", function (e) { if (e.key === "Escape" || e.key === " ") hide(); });
    document.addEventListener("mousedown", function (e) { if (box && !box.contains(e.target) && e.target !== editor) hide(); });
    return {hide: hide};
  };

  // -- SMS verification: only real pointer events count (isTrusted), as on the real modal -----------
  DY.askSms = function (onTicket) {
    var m = modal("sms-modal", "身份验证", '<p class="sms-tip">为保障账号安全，请输入发送至绑定手机的短信验证码</p>' +
      '<div class="semi-input-wrapper"><input class="semi-input" type="text" maxlength="6" placeholder="请输入验证码"></div>' +
      '<button type="button" class="semi-button send-code">获取验证码</button><div class="sms-error"></div>',
      '<button type="button" class="semi-button cancel">取消</button><button type="button" class="semi-button semi-button-primary verify">验证</button>');
    var send = m.querySelector(".send-code"), err = m.querySelector(".sms-error"), input = m.querySelector("input");
    m.querySelector(".cancel").addEventListener("click", function () { m.remove(); });
    send.addEventListener("click", function (e) {
      if (!e.isTrusted || send.disabled) return;
      send.disabled = true;
      DY.postJSON("/web/api/sms/send_code/").then(function (j) {
        if (j.status_code !== 0) { send.disabled = false; err.textContent = j.status_msg; return; }
        var left = 60;
        var tick = setInterval(function () {
          send.textContent = --left + "s后重新获取";
          if (left <= 0) { clearInterval(tick); send.disabled = false; send.textContent = "获取验证码"; }
        }, 1000);
        send.textContent = left + "s后重新获取";
      });
    });
    m.querySelector(".verify").addEventListener("click", function (e) {
      if (!e.isTrusted) return;
      DY.postJSON("/web/api/sms/verify/", {code: input.value}).then(function (j) {
        if (j.status_code !== 0) { err.textContent = j.status_msg; return; }
        m.remove();
        onTicket(j.ticket);
      });
    });
  };
})();
