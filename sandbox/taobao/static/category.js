// The category step: the search box is controlled (Enter searches with the component's value, so a bare
// el.value write searches for nothing); a result click selects the leaf and shows its required properties;
// 确认，下一步 is enabled once all are filled and opens the publish form in a new tab.
(function () {
  "use strict";
  var root = document.querySelector(".sell-component-general-category");
  var $ = function (s) { return root.querySelector(s); };
  var input = $(".category-search-input"), results = $(".sell-component-general-category-result");
  var list = $(".result-list"), next = $(".confirm-next"), st = {leaf: null, values: {}, seq: 0};
  var search = TB.controlled(input);

  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing) return;
    e.preventDefault();
    search.render();
    run(search.get());
  });

  function run(word) {
    var seq = ++st.seq;
    results.hidden = false; list.innerHTML = "";
    $(".result-empty").hidden = true; $(".result-loading").hidden = false;
    TB.getJSON("/sell/ai/category/search.json?keyword=" + encodeURIComponent(word.trim())).then(function (j) {
      if (seq !== st.seq) return;
      $(".result-loading").hidden = true;
      if (j.code === "NOT_LOGIN") return TB.loggedOut();
      $(".result-empty").hidden = j.data.length > 0;
      j.data.forEach(function (leaf) {
        var li = document.createElement("li");
        li.className = "sell-component-general-category-result-cate result-item";
        li.setAttribute("role", "button"); li.tabIndex = 0; li.dataset.catId = leaf.catId;
        li.innerHTML = '<span class="sell-component-general-category-result-cate-path"></span>';
        li.firstChild.textContent = leaf.path;
        li.addEventListener("click", function () { choose(leaf, li); });
        list.appendChild(li);
      });
    });
  }

  function choose(leaf, li) {
    list.querySelectorAll(".result-item").forEach(function (x) { x.classList.toggle("selected", x === li); });
    st.leaf = leaf; st.values = {};
    $(".bottom-path").textContent = "类目: " + leaf.path;
    var box = $(".props-list");
    box.innerHTML = "";
    leaf.props.forEach(function (p) {
      var item = document.createElement("div");
      item.className = "sell-catProp-item-common"; item.dataset.prop = p.name;
      item.innerHTML = '<div class="label required"></div><div class="prop-control"></div>';
      item.firstChild.textContent = p.name;
      box.appendChild(item);
      var host = item.querySelector(".prop-control");
      if (p.kind === "brand") {
        TB.combobox(host, p.name, p.options, "", function (v) { st.values[p.name] = v; refresh(); });
      } else {
        host.innerHTML = '<span class="next-input"><input type="text" autocomplete="off"></span>';
        var inp = host.querySelector("input");
        inp.setAttribute("aria-label", p.name); inp.placeholder = "请输入" + p.name;
        TB.controlled(inp, function (v) { st.values[p.name] = v.trim(); refresh(); });
      }
    });
    $(".category-props").hidden = false;
    refresh();
  }

  function refresh() {
    var leaf = st.leaf;
    next.disabled = !leaf || !leaf.props.every(function (p) { return !!st.values[p.name]; });
  }

  next.addEventListener("click", function () {
    if (next.disabled || TB.baxia.active()) return;
    var url = "/sell/v2/publish.htm?catId=" + st.leaf.catId + "&keyProps=" + encodeURIComponent(JSON.stringify(st.values));
    window.open(url, "_blank");
  });
})();
