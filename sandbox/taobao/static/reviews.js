// 评价管理 / 问大家: 回复 (回答) opens a box under the row; 提交 posts the seller's reply, which then shows in
// the row with its label (解释 / 掌柜回复). A dead session goes to the login wall; the slider comes up over
// the page (the owner's drag lifts it; the reply is not sent again by itself).
(function () {
  "use strict";
  var cfg = TB.cfg;
  document.querySelectorAll(".rate-item").forEach(function (row) {
    var btn = row.querySelector(".reply-btn");
    if (!btn) return;
    btn.addEventListener("click", function () {
      if (row.querySelector(".reply-form")) return;
      var form = document.createElement("div");
      form.className = "reply-form";
      form.innerHTML = '<textarea class="next-input reply-input" maxlength="' + cfg.maxReply + '"></textarea>' +
        '<button type="button" class="next-btn next-btn-primary reply-submit">提交</button>';
      var input = form.querySelector("textarea"), submit = form.querySelector("button");
      input.placeholder = "请输入回复内容，最多" + cfg.maxReply + "字";
      input.setAttribute("aria-label", row.dataset.kind === "question" ? "回答内容" : "回复内容");
      submit.addEventListener("click", function () {
        var text = input.value.trim();
        if (!text || submit.disabled || TB.baxia.active()) return;
        submit.disabled = true;
        TB.postJSON(cfg.replyUrl, {feedId: row.dataset.feedId, content: text}).then(function (j) {
          submit.disabled = false;
          if (j.code === "NOT_LOGIN") return TB.loggedOut();
          if (j.code === "BAXIA") return TB.baxia.show(j.punishUrl, function () {});
          if (!j.success) return TB.toast(j.message);
          var done = document.createElement("div");
          done.className = "rate-reply";
          done.dataset.replyId = j.data.replyId;
          done.innerHTML = '<span class="reply-label"></span>' + (j.data.onlySelf ? '<span class="only-self">仅自己可见</span>' : "") +
            '<span class="reply-content"></span>';
          done.querySelector(".reply-label").textContent = row.dataset.kind === "question" ? "掌柜回复" : "解释";
          done.querySelector(".reply-content").textContent = text;
          form.replaceWith(done);
          btn.remove();
          TB.toast("回复成功", "success", 3000);
        }, function () { submit.disabled = false; TB.toast("网络异常，请稍后重试"); });
      });
      row.querySelector(".rate-actions").appendChild(form);
      input.focus();
    });
  });
})();
