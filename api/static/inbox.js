// The 客服 pages: decisions on one conversation, the batch approval, the inbox settings.
// Uses app.js's api() and showErrors() (loaded first, both deferred in document order).
"use strict";

function bindConversation() {
  const form = document.querySelector("form[data-conversation-decision]");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const action = ev.submitter ? ev.submitter.value : "approve";
    const v = (name) => (form.elements[name] ? form.elements[name].value : null);
    const body = { action, text: action === "approve" ? v("text") : null, reason: v("reason") || null };
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    const res = await api("POST", `/api/inbox/${form.dataset.conversationDecision}/decision`, body);
    form.querySelectorAll("button").forEach((b) => (b.disabled = false));
    if (!res.ok) return showErrors(form, res.data.detail);
    location.reload();
  });
}

function bindBatch() {
  const form = document.querySelector("form[data-inbox-batch]");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const ids = [...form.querySelectorAll('input[name="ids"]:checked')].map((i) => i.value);
    if (!ids.length) return showErrors(form, [{ field: "ids", message: "请先勾选要批准的回复" }]);
    const res = await api("POST", "/api/inbox/approve", { ids });
    if (!res.ok) return showErrors(form, res.data.detail);
    location.reload();
  });
}

function bindInboxSettings() {
  const form = document.querySelector("form[data-inbox-settings]");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (name) => form.elements[name].value;
    const body = { enabled: form.elements.enabled.checked, sweep_every_min: v("sweep_every_min"),
                   replies_per_hour: v("replies_per_hour"), quiet_hours: v("quiet_hours"), spacing: v("spacing"),
                   confidence: v("confidence"), sensitive_words: v("sensitive_words") };
    const res = await api("PUT", "/api/inbox/settings", body);
    if (!res.ok) return showErrors(form, res.data.detail);
    const note = form.querySelector(".done-note");
    note.textContent = res.data.message;
    note.hidden = false;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  bindConversation();
  bindBatch();
  bindInboxSettings();
});
