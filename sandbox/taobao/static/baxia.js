// The baxia risk-control slider over a seller page: a mask that takes every click and key, and
// iframe#baxia-dialog-content (the /_____tmd_____/punish page). The iframe posts "baxia-pass" when a
// drag passed; the dialog then goes away and whatever waited for it (a pending submit) goes on.
(function () {
  "use strict";
  var dialog = null, waiting = [];

  function blockKeys(e) { if (dialog) { e.preventDefault(); e.stopImmediatePropagation(); } }
  document.addEventListener("keydown", blockKeys, true);

  function show(url, then) {
    if (then) waiting.push(then);
    if (dialog) return;
    dialog = document.createElement("div");
    dialog.className = "baxia-dialog";
    dialog.innerHTML = '<div class="baxia-dialog-mask"></div><div class="baxia-dialog-wrap" role="dialog" aria-modal="true">' +
      '<iframe id="baxia-dialog-content" title="安全验证" scrolling="no"></iframe></div>';
    dialog.querySelector("iframe").src = url;
    document.body.appendChild(dialog);
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  }
  window.addEventListener("message", function (e) {
    if (e.origin !== location.origin || !e.data || e.data.type !== "baxia-pass" || !dialog) return;
    dialog.remove(); dialog = null;
    var run = waiting; waiting = [];
    run.forEach(function (fn) { fn(); });
  });

  TB.baxia = {show: show, active: function () { return !!dialog; }};
  if (TB.cfg.baxia) show(TB.cfg.baxia);
})();
