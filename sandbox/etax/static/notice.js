// Notice pop-ups (通知公告) after a login: one at a time, each blocking the page until 我知道了 or 关闭.
(function () {
  "use strict";
  document.querySelectorAll(".notice-ctx").forEach(function (ctx) {
    function close() {
      ctx.remove();
      var next = document.querySelector(".notice-ctx[hidden]");
      if (next) next.hidden = false;
      ETAX.post("/api/portal/notice/close");
    }
    ctx.querySelector(".notice-ok").addEventListener("click", close);
    ctx.querySelector(".t-dialog__close").addEventListener("click", close);
  });
})();
