// 销售规格: values per sale property (颜色分类, 尺码) added with 添加, and the SKU table with one row per
// combination (price and stock inputs, controlled). The form reads TB.sku.state(); every change calls
// onChange so that 一口价 / 总库存 can follow the table.
(function () {
  "use strict";
  TB.sku = function (root, saleProps, locked, onChange) {
    var values = {}, cells = {};  // sale prop -> [values]; combo key -> {price, quantity}
    saleProps.forEach(function (name) { values[name] = []; });

    root.querySelectorAll(".sku-group").forEach(function (group) {
      var name = group.dataset.saleProp, input = group.querySelector(".sku-value-input");
      var ctl = TB.controlled(input), add = group.querySelector(".sku-add");
      if (locked) { input.readOnly = true; add.disabled = true; }
      add.addEventListener("click", function () {
        ctl.render();
        var v = ctl.get().trim();
        if (!v || values[name].indexOf(v) >= 0) return;
        values[name].push(v); ctl.set("");
        renderTags(group, name); renderTable();
      });
    });

    function renderTags(group, name) {
      var box = group.querySelector(".sku-values");
      box.innerHTML = "";
      values[name].forEach(function (v) {
        var tag = document.createElement("span");
        tag.className = "sku-value-tag";
        tag.innerHTML = '<span class="sku-value-text"></span><button type="button" class="sku-value-del">×</button>';
        tag.firstChild.textContent = v;
        tag.lastChild.setAttribute("aria-label", "删除" + v);
        tag.lastChild.addEventListener("click", function () {
          values[name].splice(values[name].indexOf(v), 1); renderTags(group, name); renderTable();
        });
        box.appendChild(tag);
      });
    }

    function combos() {
      return saleProps.reduce(function (acc, name) {
        var out = [];
        acc.forEach(function (prefix) { values[name].forEach(function (v) { out.push(prefix.concat([v])); }); });
        return out;
      }, [[]]);
    }
    // A category without sales attributes has no table: one price and stock for the item (every() of an
    // empty list is true, so the emptiness is checked first).
    function active() { return saleProps.length > 0 && saleProps.every(function (n) { return values[n].length > 0; }); }

    function renderTable() {
      var wrap = root.querySelector(".sku-table-wrap"), head = wrap.querySelector("thead"), body = wrap.querySelector("tbody");
      wrap.hidden = !active();
      head.innerHTML = "<tr>" + saleProps.map(function (n) { return "<th>" + n + "</th>"; }).join("") +
        "<th>价格（元）</th><th>数量（件）</th></tr>";
      body.innerHTML = "";
      if (active()) combos().forEach(function (combo) {
        var key = combo.join("\u0001"), cell = cells[key] = cells[key] || {price: "", quantity: ""};
        var tr = document.createElement("tr");
        tr.className = "sku-row"; tr.dataset.sku = combo.join(" ");
        combo.forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
        ["price", "quantity"].forEach(function (k) {
          var td = document.createElement("td"), inp = document.createElement("input");
          inp.type = "text"; inp.className = "sku-" + k; inp.autocomplete = "off";
          inp.setAttribute("aria-label", combo.join(" ") + (k === "price" ? " 价格" : " 数量"));
          inp.readOnly = !!locked;
          td.appendChild(inp); tr.appendChild(td);
          TB.controlled(inp, function (v) { cell[k] = v.trim(); onChange(); }).set(cell[k]);
        });
        body.appendChild(tr);
      });
      onChange();
    }

    return {
      state: function () {
        var rows = active() ? combos().map(function (combo) {
          var cell = cells[combo.join("\u0001")], row = {price: cell.price, quantity: cell.quantity};
          saleProps.forEach(function (n, i) { row[n] = combo[i]; });
          return row;
        }) : [];
        var chosen = {};
        saleProps.forEach(function (n) { chosen[n] = values[n].slice(); });
        return {active: active(), partial: !active() && saleProps.some(function (n) { return values[n].length; }),
                saleValues: chosen, skus: rows};
      }
    };
  };
})();
