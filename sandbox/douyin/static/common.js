// Shared helpers for the replica's pages: config, toasts (Semi-style), JSON calls.
(function () {
  "use strict";
  var node = document.getElementById("sandbox-config");
  var cfg = node ? JSON.parse(node.textContent) : {};
  function toast(text, ms) {
    var wrap = document.querySelector(".semi-toast-wrapper");
    if (!wrap) { wrap = document.createElement("div"); wrap.className = "semi-toast-wrapper"; document.body.appendChild(wrap); }
    var t = document.createElement("div");
    t.className = "semi-toast";
    t.innerHTML = '<div class="semi-toast-content"><span class="semi-toast-content-text"></span></div>';
    t.querySelector(".semi-toast-content-text").textContent = text;
    wrap.appendChild(t);
    setTimeout(function () { t.remove(); }, ms || 3000);
  }
  function json(r) { return r.json(); }
  function getJSON(url) { return fetch(url, {credentials: "same-origin"}).then(json); }
  function postJSON(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify(body || {})}).then(json);
  }
  function postFile(url, file) {
    var fd = new FormData();
    fd.append("file", file);
    return fetch(url, {method: "POST", credentials: "same-origin", body: fd}).then(json);
  }
  // A dead session: tell the user and reload; the page then shows the login box in place.
  function loggedOut() { toast("用户未登录", 3000); setTimeout(function () { location.reload(); }, 800); }
  window.DY = {cfg: cfg, toast: toast, getJSON: getJSON, postJSON: postJSON, postFile: postFile, loggedOut: loggedOut};
})();
