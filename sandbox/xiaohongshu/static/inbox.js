// www pages of the inbox: the notification page (评论和@: 回复 opens textarea.comment-input, 发送 posts, the box
// goes away once the site took it) and the note page's comment area (展开 N 条回复; a comment's 回复 aims the
// bottom input at it; 发送 posts and the reply shows under the comment with the 作者 tag).
(function () {
  "use strict";
  var root = document.querySelector(".notification-page, .note-container");
  var cfg = JSON.parse(root.dataset.config);
  function el(tag, cls, text) { var n = document.createElement(tag); n.className = cls || ""; if (text != null) n.textContent = text; return n; }
  function toast(text) {
    var t = el("div", "reds-toast", text);
    t.setAttribute("role", "alert");
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 3000);
  }
  function post(body) {
    return fetch(cfg.postUrl, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                               body: JSON.stringify(body)}).then(function (r) { return r.json(); });
  }
  // The site's answer: true when the reply was taken; otherwise the page says why (or leaves for /login).
  function answered(j) {
    if (j.code === -100) { toast(j.msg); setTimeout(function () { location.href = "/login"; }, 500); return false; }
    if (j.code === cfg.sliderCode) { var c = el("div", "red-captcha", "请完成验证，拖动滑块完成拼图"); c.setAttribute("role", "dialog"); document.body.appendChild(c); return false; }
    if (!j.success) { toast(j.msg); return false; }
    return true;
  }

  // -- notification page ---------------------------------------------------------------------------
  root.querySelectorAll(".tabs-content-container > .container").forEach(function (row) {
    row.querySelector(".action-reply").addEventListener("click", function () {
      if (row.querySelector("textarea.comment-input")) return;
      var box = el("div", "reply-box"), input = el("textarea", "comment-input"), send = el("button", "submit", "发送");
      input.placeholder = "回复 " + row.querySelector(".user-name").textContent;
      send.type = "button";
      box.appendChild(input); box.appendChild(send);
      send.addEventListener("click", function () {
        var text = input.value.trim();
        if (!text || send.disabled) return;
        send.disabled = true;
        post({note_id: row.querySelector(".extra").dataset.noteId, content: text, target_comment_id: row.dataset.id, at_users: []})
          .then(function (j) { send.disabled = false; if (answered(j)) box.remove(); },
                function () { send.disabled = false; toast("网络异常，请稍后重试"); });
      });
      row.appendChild(box);
      input.focus();
    });
  });

  // -- note page -------------------------------------------------------------------------------------
  var target = null, input = root.querySelector("p.content-input"), submit = root.querySelector("div.bottom button.submit");
  root.querySelectorAll(".show-more").forEach(function (more) {
    more.addEventListener("click", function () { more.previousElementSibling.hidden = false; more.remove(); });
  });
  root.querySelectorAll(".comment-item .interactions .reply").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var item = btn.closest(".comment-item");
      target = item;
      input.dataset.placeholder = "回复 " + item.querySelector(".name").textContent;
      input.focus();
    });
  });
  if (submit) submit.addEventListener("click", function () {
    var text = input.innerText.trim();
    if (!text || !target || submit.disabled) return;
    submit.disabled = true;
    var cid = target.id.replace(/^comment-/, ""), thread = target.closest(".parent-comment");
    post({note_id: root.dataset.noteId, content: text, target_comment_id: cid, at_users: []}).then(function (j) {
      submit.disabled = false;
      if (!answered(j)) return;
      var sub = el("div", "comment-item comment-item-sub");
      sub.id = "comment-" + j.data.comment.id;
      sub.innerHTML = '<div class="right"><div class="author-wrapper"><div class="author"><a class="name"></a>' +
        '<span class="tag">作者</span>' + (j.data.comment.only_self ? '<span class="only-self">仅自己可见</span>' : "") +
        '</div></div><div class="content"><span class="note-text"></span></div></div>';
      sub.querySelector(".name").textContent = cfg.me;
      sub.querySelector(".note-text").textContent = text;
      var box = thread.querySelector(".reply-container");
      box.hidden = false;
      box.appendChild(sub);
      input.textContent = "";
      target = null;
    }, function () { submit.disabled = false; toast("网络异常，请稍后重试"); });
  });
})();
