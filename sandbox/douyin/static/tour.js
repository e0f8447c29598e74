// The new-user tour (fault "tour"): a Shepherd-style full-page overlay plus a step dialog. Until it is
// closed with the last step's 我知道了 (the real tour has no × and ignores Escape) the overlay takes every
// click on the page.
(function () {
  "use strict";
  if (!window.DY || !DY.cfg.tour) return;
  var steps = [["发布入口升级", "视频、图文都可以在这里发布啦"], ["新增作品管理", "发布后可在「内容管理 - 作品管理」查看作品"]];
  var overlay = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  overlay.setAttribute("class", "shepherd-modal-overlay-container shepherd-modal-is-visible");
  overlay.innerHTML = '<path d="M0,0H100000V100000H0Z"></path>';
  var el = document.createElement("div");
  el.className = "shepherd-element shepherd-has-title shepherd-enabled";
  el.setAttribute("role", "dialog");
  el.setAttribute("aria-modal", "true");
  var at = 0;
  function render() {
    var last = at === steps.length - 1;
    el.innerHTML = '<div class="shepherd-content"><header class="shepherd-header"><h3 class="shepherd-title"></h3>' +
      '</header>' +
      '<div class="shepherd-text"></div><footer class="shepherd-footer">' +
      '<span class="shepherd-step">' + (at + 1) + '/' + steps.length + '</span>' +
      '<button type="button" class="shepherd-button">' + (last ? "我知道了" : "下一步") + '</button></footer></div>';
    el.querySelector(".shepherd-title").textContent = steps[at][0];
    el.querySelector(".shepherd-text").textContent = steps[at][1];
    el.querySelector(".shepherd-button").addEventListener("click", function () {
      if (last) close(); else { at++; render(); }
    });
  }
  function close() {
    overlay.remove(); el.remove();
  }
  render();
  document.body.appendChild(overlay);
  document.body.appendChild(el);
})();
