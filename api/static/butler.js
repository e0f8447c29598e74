// 运营管家's page: a reminder is read back first ("将在 … 提醒：…"), saved only when the owner confirms it;
// a group bot can be sent a test message, or deleted.
"use strict";

(() => {
  const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";
  async function call(method, url, body) {
    const headers = { "X-CSRF-Token": CSRF };
    if (body) headers["Content-Type"] = "application/json";
    try {
      const resp = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined,
                                      credentials: "same-origin" });
      let data = {};
      try { data = await resp.json(); } catch (e) { /* empty */ }
      return { ok: resp.ok, data };
    } catch (e) {
      return { ok: false, data: { detail: [{ message: "网络不通，请检查网络后再试" }] } };
    }
  }

  const form = document.getElementById("reminder-form");
  const preview = document.getElementById("reminder-preview");
  const save = document.getElementById("reminder-save");
  let understoodAs = "";  // the model's restatement shown in the preview: saved exactly as shown
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const res = await call("POST", "/api/butler/reminders/preview", { text: form.text.value });
    if (!res.ok) { preview.hidden = true; save.hidden = true; return window.opc.showErrors(form, res.data.detail); }
    window.opc.showErrors(form, []);
    form.querySelector(".errors").replaceChildren();
    preview.textContent = res.data.confirm_text;
    understoodAs = res.data.understood_as || "";
    preview.hidden = false;
    save.hidden = false;
  });
  form.text.addEventListener("input", () => { preview.hidden = true; save.hidden = true; });
  save.addEventListener("click", async () => {
    save.disabled = true;
    const res = await call("POST", "/api/butler/reminders", { text: form.text.value, understood_as: understoodAs });
    save.disabled = false;
    if (!res.ok) return window.opc.showErrors(form, res.data.detail);
    location.reload();
  });

  document.querySelectorAll("[data-cancel-reminder]").forEach((b) => b.addEventListener("click", async () => {
    if (!confirm("取消后这个提醒不会再发，确定吗？")) return;
    const res = await call("DELETE", `/api/butler/reminders/${b.dataset.cancelReminder}`);
    if (res.ok) location.reload();
  }));
  document.querySelectorAll("[data-test-channel]").forEach((b) => b.addEventListener("click", async () => {
    const box = b.closest("[data-channel]");
    b.disabled = true;
    const res = await call("POST", `/api/butler/channels/${b.dataset.testChannel}/test`);
    b.disabled = false;
    box.querySelector(".channel-result").textContent = res.ok ? res.data.message : "";
    if (!res.ok) window.opc.showErrors(box, res.data.detail);
    else box.querySelector(".errors").replaceChildren();
  }));
  document.querySelectorAll("[data-delete-channel]").forEach((b) => b.addEventListener("click", async () => {
    if (!confirm("删除后提醒和日报不再发到这个群，确定吗？")) return;
    const res = await call("DELETE", `/api/butler/channels/${b.dataset.deleteChannel}`);
    if (res.ok) location.reload();
  }));
})();
