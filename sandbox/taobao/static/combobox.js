// The 品牌 box: a custom combobox (input[role=combobox]) whose click opens a listbox of options under it
// (.next-overlay-wrapper.opened ul[role=listbox] li[role=option].options-item); typing filters the
// options; only a picked option counts as a value. On blur the input shows the picked value again.
// Enter is not handled here: it bubbles to the page (on the publish form it submits the form).
(function () {
  "use strict";
  TB.combobox = function (host, name, options, initial, onSelect) {
    host.innerHTML = '<span class="next-select next-select-auto-complete"><input type="text" role="combobox" ' +
      'aria-expanded="false" aria-haspopup="listbox" aria-autocomplete="list" autocomplete="off"></span>';
    var input = host.querySelector("input"), overlay = null;
    var picked = options.indexOf(initial) >= 0 ? initial : "";
    input.setAttribute("aria-label", name);
    input.placeholder = "请选择" + name;
    var ctl = TB.controlled(input, function (v) { open(v); });
    ctl.set(picked);

    function close() {
      if (overlay) { overlay.remove(); overlay = null; }
      input.setAttribute("aria-expanded", "false");
    }
    function pick(value) {
      picked = value; close(); ctl.set(value);
      if (onSelect) onSelect(value);
    }
    function open(filter) {
      close();
      var word = (filter === picked ? "" : filter || "").trim().toLowerCase();
      var shown = options.filter(function (o) { return !word || o.toLowerCase().indexOf(word) >= 0; });
      overlay = document.createElement("div");
      overlay.className = "next-overlay-wrapper opened";
      var list = document.createElement("ul");
      list.className = "next-menu options-list"; list.setAttribute("role", "listbox"); list.setAttribute("aria-label", name);
      shown.forEach(function (o) {
        var li = document.createElement("li");
        li.className = "options-item next-menu-item"; li.setAttribute("role", "option"); li.title = o; li.textContent = o;
        li.setAttribute("aria-selected", o === picked ? "true" : "false");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(o); });
        list.appendChild(li);
      });
      if (!shown.length) list.innerHTML = '<li class="next-menu-empty">无匹配选项</li>';
      overlay.appendChild(list);
      host.appendChild(overlay);
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("click", function () { if (!overlay) open(ctl.get()); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    input.addEventListener("blur", function () { close(); ctl.set(picked); });
    return {get: function () { return picked; }, input: input};
  };
})();
