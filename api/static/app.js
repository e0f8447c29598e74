// The phone's behaviour: every change goes to the JSON API with the page's CSRF token.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(method, url, body) {
  const headers = { "X-CSRF-Token": CSRF };
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  const resp = await fetch(url, { method, headers, body, credentials: "same-origin" });
  let data = {};
  try { data = await resp.json(); } catch (e) { /* empty body */ }
  return { ok: resp.ok, status: resp.status, data };
}

function showErrors(root, detail) {
  const box = root.querySelector(".errors");
  root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  if (!box) return;
  box.replaceChildren();
  for (const err of detail || [{ message: "出错了，请稍后重试" }]) {
    const p = document.createElement("p");
    p.dataset.field = err.field || "";
    p.textContent = err.message;
    box.appendChild(p);
    const input = err.field && root.querySelector(`[name="${err.field}"], [data-error-for="${err.field}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

function formBody(form) {
  const fd = new FormData(form);
  if (form.dataset.enc === "multipart") return fd;
  return Object.fromEntries(fd.entries());
}

function firstId(data) {
  return data.id || (data.runs && data.runs[0] && data.runs[0].id) || "";
}

function bindApiForms() {
  document.querySelectorAll("form[data-api]").forEach((form) => {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      const res = await api(form.dataset.method || "POST", form.dataset.api, formBody(form));
      button.disabled = false;
      if (!res.ok) return showErrors(form, res.data.detail);
      location.href = form.dataset.next.replace("{id}", firstId(res.data));
    });
  });
}

function bindApproval() {
  const form = document.querySelector("form[data-approval]");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const approve = ev.submitter && ev.submitter.value === "approve";
    const v = (name) => (form.elements[name] ? form.elements[name].value : null);
    const body = { approve, reason: v("reason") || null, edits: {} };
    if (approve && v("title") !== null) body.edits.title = v("title");
    if (approve && v("body") !== null) body.edits.body = v("body");
    if (approve && v("topics") !== null) body.edits.topics = v("topics").split(/[\s,，#＃]+/).filter(Boolean);
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    const res = await api("POST", `/api/approvals/${form.dataset.approval}/decision`, body);
    form.querySelectorAll("button").forEach((b) => (b.disabled = false));
    if (!res.ok) return showErrors(form, res.data.detail);
    location.href = `/runs/${res.data.run.id}`;
  });
}

function bindAccount() {
  const box = document.querySelector("[data-account]");
  if (!box) return;
  const id = box.dataset.account;
  const render = (a) => {
    const status = document.getElementById("account-status");
    status.textContent = a.status_label;
    status.className = `badge a-${a.status}`;
    document.getElementById("qr-box").hidden = a.status === "active" || !!a.code_prompt;
    const codeBox = document.getElementById("code-box");
    codeBox.hidden = !a.code_prompt;  // the input itself is left alone: never wipe a half-typed code
    document.getElementById("code-prompt").textContent = a.code_prompt || "";
    const img = document.getElementById("login-qr");
    if (a.login_qr && img.getAttribute("src") !== a.login_qr) img.src = a.login_qr;
    img.hidden = !a.login_qr;
    document.getElementById("qr-wait").hidden = !!a.login_qr;
  };
  const poll = async () => {
    const res = await api("GET", `/api/accounts/${id}`);
    if (res.ok) render(res.data);
    if (!res.ok || res.data.status !== "active") setTimeout(poll, 2000);
  };
  poll();
  const scan = document.getElementById("simulate-scan");
  if (scan) scan.addEventListener("click", async () => {
    const res = await api("POST", `/api/accounts/${id}/simulate-scan`);
    if (!res.ok) showErrors(box, res.data.detail);
  });
  document.getElementById("relogin").addEventListener("click", async () => {
    document.getElementById("qr-wait").textContent = "正在打开登录页，获取二维码…";
    const res = await api("POST", `/api/accounts/${id}/login`);
    if (!res.ok) return showErrors(box, res.data.detail);
    render(res.data);
    poll();
  });
}

function bindRunRefresh() {
  const box = document.querySelector("[data-run]");
  const settled = ["published", "suggested", "rejected", "failed"];
  if (!box || settled.includes(box.dataset.status)) return;
  const poll = async () => {
    const res = await api("GET", `/api/runs/${box.dataset.run}`);
    if (res.ok && res.data.status !== box.dataset.status) return location.reload();
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}

function bindTaskEdits() {
  document.querySelectorAll("form[data-task-run]").forEach((form) => form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (name) => form.elements[name].value;
    const body = { title: v("title"), body: v("body"), topics: v("topics"), at: v("at") };
    const res = await api("PATCH", form.dataset.taskRun, body);
    if (!res.ok) return showErrors(form, res.data.detail);
    location.reload();  // the plan is shown again with its new compliance findings
  }));
}

function bindEmployeeSettings() {
  document.querySelectorAll("form[data-employee-settings]").forEach((form) => form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = { tone: fd.get("tone"), banned_words: fd.get("banned_words") || "" };
    if (form.querySelector('[name="default_sites"]')) body.default_sites = fd.getAll("default_sites");
    if (form.querySelector('[name="allowed_warnings"]')) body.allowed_warnings = fd.getAll("allowed_warnings");
    const res = await api("PATCH", `/api/employees/${form.dataset.employeeSettings}`, body);
    showErrors(form, res.ok ? [] : res.data.detail);
    form.querySelector(".saved").hidden = !res.ok;
  }));
}

function bindSmallActions() {
  document.querySelectorAll("[data-delete-doc]").forEach((b) => b.addEventListener("click", async () => {
    if (!confirm("删除后员工不会再引用这份资料，确定删除吗？")) return;
    const res = await api("DELETE", `/api/knowledge/${b.dataset.deleteDoc}`);
    if (!res.ok) return showErrors(b.closest("section"), res.data.detail);
    location.reload();
  }));
  document.querySelectorAll("[data-employee-mode]").forEach((sel) => sel.addEventListener("change", async () => {
    const res = await api("PATCH", `/api/employees/${sel.dataset.employeeMode}`, { mode: sel.value });
    if (!res.ok) showErrors(sel.closest("section"), res.data.detail);
  }));
  document.querySelectorAll("[data-delete-schedule]").forEach((b) => b.addEventListener("click", async () => {
    if (!confirm(b.dataset.confirm)) return;  // stopping is asked first
    const res = await api("DELETE", `/api/schedules/${b.dataset.deleteSchedule}`);
    if (res.ok) location.reload();
  }));
  document.querySelectorAll("[data-logout]").forEach((b) => b.addEventListener("click", async () => {
    await api("DELETE", "/api/session");
    location.href = "/login";
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  bindApiForms();
  bindApproval();
  bindAccount();
  bindRunRefresh();
  bindSmallActions();
  bindTaskEdits();
  bindEmployeeSettings();
});
