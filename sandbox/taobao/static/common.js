// Shared helpers of the seller pages: config, toasts (Fusion "next-message"), JSON calls, and
// React-style controlled inputs.
(function () {
  "use strict";
  var node = document.getElementById("sandbox-config");
  var cfg = node ? JSON.parse(node.textContent) : {};

  function toast(text, kind, ms) {
    var wrap = document.querySelector(".next-message-wrapper");
    if (!wrap) { wrap = document.createElement("div"); wrap.className = "next-message-wrapper"; document.body.appendChild(wrap); }
    var m = document.createElement("div");
    m.className = "next-message next-message-" + (kind || "error");
    m.setAttribute("role", "alert");
    m.textContent = text;
    wrap.appendChild(m);
    setTimeout(function () { m.remove(); }, ms || 4000);
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
  // A dead session: tell the user, then go to the login wall, which comes back here after login.
  function loggedOut() {
    toast("登录已失效，请重新登录");
    setTimeout(function () {
      window.top.location.href = "/member/login.jhtml?redirectURL=" + encodeURIComponent(window.top.location.href);
    }, 800);
  }

  // A React-style controlled input. The shown value follows the component's state: a script that writes
  // el.value = x through the element's own setter records x as "known", so the input event that follows
  // changes nothing (React's value tracker); the DOM is re-rendered from the state on blur and on submit.
  // Typing, paste and the native prototype setter + input event all reach onChange. Like React re-rendering
  // the form after any state change, every change re-renders all controlled inputs of the page.
  var all = [];
  function renderAll() { all.forEach(function (c) { c.render(); }); }
  function controlled(el, onChange) {
    var proto = Object.getPrototypeOf(el);
    while (proto && !Object.getOwnPropertyDescriptor(proto, "value")) proto = Object.getPrototypeOf(proto);
    var native = Object.getOwnPropertyDescriptor(proto, "value");
    var st = {value: native.get.call(el), known: native.get.call(el)};
    Object.defineProperty(el, "value", {
      configurable: true,
      get: function () { return native.get.call(el); },
      set: function (v) { st.known = String(v); native.set.call(el, v); }
    });
    function render() {
      if (native.get.call(el) !== st.value) native.set.call(el, st.value);
      st.known = st.value;
    }
    el.addEventListener("input", function () {
      var v = native.get.call(el);
      if (v === st.known) return;
      st.known = v; st.value = v;
      if (onChange) onChange(v);
      renderAll();
    });
    el.addEventListener("blur", render);
    var ctl = {
      get: function () { return st.value; },
      set: function (v) { st.value = String(v); render(); },
      render: render
    };
    all.push(ctl);
    return ctl;
  }

  window.TB = {cfg: cfg, toast: toast, getJSON: getJSON, postJSON: postJSON, postFile: postFile,
               loggedOut: loggedOut, controlled: controlled};
})();
