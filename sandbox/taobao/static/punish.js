// The slider inside the punish iframe: records one drag of #nc_1_n1z (pointer down, every move with its
// time, release) and lets the server judge it. Only trusted (real input) events count. A failed drag
// shows 验证失败，点击框体重试; a click on that box resets the slider.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("sandbox-config").textContent);
  var knob = document.getElementById("nc_1_n1z"), scale = document.getElementById("nc_1__scale_text");
  var bg = document.getElementById("nc_1__bg"), err = document.querySelector(".errloading");
  var ok = document.querySelector(".nc-ok"), drag = null, done = false;

  function maxLeft() { return scale.clientWidth - knob.offsetWidth; }
  function place(left) { knob.style.left = left + "px"; bg.style.width = (left + knob.offsetWidth / 2) + "px"; }
  function reset() { drag = null; place(0); err.hidden = true; scale.hidden = false; }

  knob.addEventListener("mousedown", function (e) {
    if (!e.isTrusted || done || !err.hidden) return;
    e.preventDefault();
    drag = {x0: e.clientX, down: performance.now(), moves: [], left: 0};
  });
  document.addEventListener("mousemove", function (e) {
    if (!drag || !e.isTrusted) return;
    drag.left = Math.max(0, Math.min(maxLeft(), e.clientX - drag.x0));
    drag.moves.push([performance.now(), drag.left]);
    place(drag.left);
  });
  document.addEventListener("mouseup", function (e) {
    if (!drag || !e.isTrusted) return;
    var trace = {token: cfg.token, down: drag.down, up: performance.now(), moves: drag.moves, end: drag.left, max: maxLeft()};
    drag = null;
    fetch("/_____tmd_____/slide", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(trace)})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.success) {
          done = true; ok.hidden = false;
          setTimeout(function () { window.parent.postMessage({type: "baxia-pass"}, location.origin); }, 300);
        } else {
          place(0); scale.hidden = true; err.hidden = false;
        }
      });
  });
  err.addEventListener("click", reset);
  reset();
})();
