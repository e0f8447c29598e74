// The listing page: the category picker (a word that fits several Taobao categories is never guessed: the
// owner picks one), the SKU table of the single-product form (rows added and removed on the phone), and the
// sheet import, whose answer lists the runs it created and the rows it left out (with row and column).
// The single-product form itself is sent by app.js like every other form: the SKU rows are plain inputs.
"use strict";

(function () {
  const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";

  function bindSkuTable(table) {
    const rows = table.querySelector(".sku-rows");
    const template = table.querySelector("template[data-sku-row]");
    const dims = [1, 2].map((n) => table.querySelector(`[data-sku-dim="${n}"]`));

    // Row inputs carry the field names the API's errors use (skus.0.price ...), so app.js can mark them.
    function relabel() {
      rows.querySelectorAll(".sku-row").forEach((row, i) => {
        row.querySelector("[data-sku-n]").textContent = String(i + 1);
        dims.forEach((dim, k) => {
          const name = dim.value.trim();
          const label = row.querySelector(`[data-sku-label="${k + 1}"]`);
          label.textContent = name || `规格${k + 1}`;
          label.parentElement.hidden = !name;  // an unnamed dimension has no values
        });
        row.querySelectorAll("[data-sku-field]").forEach((input) => {
          input.dataset.errorFor = `skus.${i}.${input.dataset.skuField}`;
        });
      });
    }

    function addRow() {
      rows.appendChild(template.content.cloneNode(true));
      relabel();
      const added = rows.lastElementChild;
      added.querySelector("input:not([hidden])")?.focus();
    }

    table.querySelector("[data-sku-add]").addEventListener("click", addRow);
    rows.addEventListener("click", (ev) => {
      const remove = ev.target.closest("[data-sku-remove]");
      if (!remove) return;
      remove.closest(".sku-row").remove();
      relabel();
    });
    dims.forEach((dim) => dim.addEventListener("input", relabel));
  }

  // The known categories the word fits: several → a required choice; one or none → no choice (the path is
  // left empty, the site's own search decides and the worker still refuses to guess there).
  function bindCategoryPick(form) {
    const word = form.querySelector("[data-category-word]");
    const pick = form.querySelector("[data-category-pick]");
    const select = pick.querySelector("select");
    let asked = "";
    async function lookUp() {
      const keyword = word.value.trim();
      if (keyword === asked) return;
      asked = keyword;
      let found = [];
      if (keyword) {
        const resp = await fetch(`/api/listings/categories?keyword=${encodeURIComponent(keyword)}`,
                                 { credentials: "same-origin" });
        found = resp.ok ? (await resp.json()).candidates : [];
      }
      if (keyword !== asked) return;  // a newer word was typed meanwhile
      const first = new Option("请选择类目", "");
      select.replaceChildren(first, ...(found.length > 1 ? found.map((path) => new Option(path, path)) : []));
      pick.hidden = found.length < 2;
      select.required = found.length > 1;
    }
    word.addEventListener("change", lookUp);
    word.addEventListener("blur", lookUp);
    if (word.value) lookUp();
  }

  function showImportResult(form, data) {
    const box = form.querySelector(".import-result");
    const list = form.querySelector("[data-import-runs]");
    const errors = form.querySelector(".errors");
    const runs = data.runs || [];
    const bad = data.errors || data.detail || [];
    form.querySelector("[data-import-summary]").textContent = runs.length
      ? `已创建${runs.length}个上架任务，按间隔依次开始，每个商品填好后会有一条审批。`
      : "没有创建任何任务。";
    list.replaceChildren(...runs.map((run) => {
      const li = document.createElement("li");
      li.className = "item";
      const a = document.createElement("a");
      a.href = `/runs/${run.id}`;
      a.textContent = `${run.title}（${run.status_label}）`;
      li.appendChild(a);
      return li;
    }));
    errors.replaceChildren();
    if (bad.length) {
      const head = document.createElement("p");
      head.textContent = runs.length ? `以下${bad.length}处问题，相关的行没有导入：` : "表格有问题，请改好后再导入：";
      errors.appendChild(head);
    }
    for (const err of bad) {
      const p = document.createElement("p");
      p.dataset.field = err.field || "";
      if (err.row) p.dataset.row = String(err.row);
      if (err.column) p.dataset.column = err.column;
      p.textContent = err.message;
      errors.appendChild(p);
    }
    box.hidden = !runs.length;
  }

  function bindImport(form) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      let data = {};
      try {
        const resp = await fetch(form.dataset.import, {
          method: "POST", headers: { "X-CSRF-Token": CSRF }, body: new FormData(form), credentials: "same-origin",
        });
        try { data = await resp.json(); } catch (e) { data = {}; }
        if (!resp.ok && !data.detail) data = { detail: [{ message: "导入失败，请稍后重试" }] };
      } catch (e) {
        data = { detail: [{ message: "网络不通，请稍后重试" }] };
      } finally {
        button.disabled = false;
      }
      showImportResult(form, data);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-sku-table]").forEach(bindSkuTable);
    document.querySelectorAll("form[data-api='/api/listings']").forEach(bindCategoryPick);
    document.querySelectorAll("form[data-import]").forEach(bindImport);
  });
})();
