// The phone's behaviour: every change goes to the JSON API with the page's CSRF token.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(method, url, body) {
  const headers = { "X-CSRF-Token": CSRF };
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch (e) {  // offline, or the server went away: the form stays as filled, to send again
    return { ok: false, status: 0, data: { detail: [{ message: "网络不通，请检查网络后再试" }] } };
  }
  let data = {};
  try { data = await resp.json(); } catch (e) { /* empty body */ }
  return { ok: resp.ok, status: resp.status, data };
}

function errorMessage(text, field, link) {
  const p = document.createElement("p");
  p.dataset.field = field || "";
  p.textContent = text;
  if (link) {  // e.g. a duplicate invoice: the record it repeats
    const a = document.createElement("a");
    a.href = link;
    a.textContent = "查看已有记录";
    p.append(" ", a);
  }
  return p;
}

function fieldOf(root, field) {
  if (!field) return null;
  const name = CSS.escape(field);
  return root.querySelector(`[name="${name}"], [data-error-for="${name}"]`);
}

// Every error at once: each next to its field (and all of them in the form's list by its button, where the
// thumb is), the page scrolled to the first field that needs a change.
function showErrors(root, detail) {
  const box = root.querySelector(".errors");
  root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  root.querySelectorAll(".field-error").forEach((el) => el.remove());
  if (box) box.replaceChildren();
  let first = null;
  for (const err of detail || [{ message: "出错了，请稍后重试" }]) {
    if (box) box.appendChild(errorMessage(err.message, err.field, err.link));
    const input = fieldOf(root, err.field);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const near = errorMessage(err.message, err.field);
    near.className = "field-error";
    const anchor = input.closest("label") || input;
    let last = anchor;  // after the field's earlier messages: they read in the order they came
    while (last.nextElementSibling && last.nextElementSibling.classList.contains("field-error")) {
      last = last.nextElementSibling;
    }
    last.after(near);
    first = first || input;
  }
  const target = first || (box && box.childElementCount ? box : null);
  if (target) {
    target.scrollIntoView({ block: "center" });
    if (target === first && typeof first.focus === "function") first.focus({ preventScroll: true });
  }
}

// Upload limits (per field, from the sites' own rules) checked before anything is sent: a photo too big
// is named by the owner's own file name, without waiting for the upload.
const UPLOAD_LIMITS = JSON.parse(document.querySelector('meta[name="upload-limits"]')?.content || "{}");

function sizeText(bytes) {
  const units = [[1024 ** 3, "GB"], [1024 ** 2, "MB"], [1024, "KB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${bytes}字节`;
}

function uploadLimit(form, input) {
  const field = (input.dataset.errorFor || input.name).split(".").pop().replace(/_\d+$/, "");
  const api = form.dataset.api || form.dataset.import || "";
  return UPLOAD_LIMITS[`${api} ${field}`] || UPLOAD_LIMITS[field] || 0;
}

function fileErrors(form) {
  const errors = [];
  form.querySelectorAll('input[type="file"]').forEach((input) => {
    const limit = uploadLimit(form, input);
    for (const file of limit ? input.files : []) {
      if (file.size > limit) {
        errors.push({ field: input.dataset.errorFor || input.name,
                      message: `「${file.name}」有${sizeText(file.size)}，超过了${sizeText(limit)}的上限，请换一张或压缩后再选` });
      }
    }
  });
  return errors;
}

function bindFileChecks() {
  document.querySelectorAll('form input[type="file"]').forEach((input) => input.addEventListener("change", () => {
    const form = input.closest("form");
    const errors = fileErrors(form);
    if (errors.length) return showErrors(form, errors);
    // every file fits now: only the size messages go (another field's error stays until the next send)
    form.querySelectorAll('input[type="file"]').forEach((el) => {
      const field = el.dataset.errorFor || el.name;
      el.removeAttribute("aria-invalid");
      form.querySelectorAll(`.field-error[data-field="${CSS.escape(field)}"], .errors [data-field="${CSS.escape(field)}"]`)
        .forEach((p) => p.remove());
    });
  }));
}

window.opc = { showErrors, fileErrors };

function formBody(form) {
  const fd = new FormData(form);
  if (form.dataset.enc === "multipart") return fd;
  return Object.fromEntries(fd.entries());
}

function firstId(data) {
  return data.id || (data.run && data.run.id) || (data.runs && data.runs[0] && data.runs[0].id) || "";
}

function bindApiForms() {
  document.querySelectorAll("form[data-api]").forEach((form) => {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const tooBig = fileErrors(form);
      if (tooBig.length) return showErrors(form, tooBig);
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      const res = await api(form.dataset.method || "POST", form.dataset.api, formBody(form));
      button.disabled = false;
      if (!res.ok) return showErrors(form, res.data.detail);
      go(form.dataset.next.replace("{id}", firstId(res.data)));
    });
  });
}

// A "next" that names a section (#records) reloads the page there, with that section unfolded: a page
// whose URL differs only by its hash would otherwise not reload at all.
function go(url) {
  const next = new URL(url, location.href);
  const samePage = next.pathname === location.pathname && next.search === location.search;
  location.href = next.href;
  if (samePage && next.hash) location.reload();
}

function openHashTarget() {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!target) return;
  for (let el = target; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
  target.scrollIntoView();
}

function bindApproval() {
  const form = document.querySelector("form[data-approval]");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const approve = ev.submitter && ev.submitter.value === "approve";
    const v = (name) => (form.elements[name] ? form.elements[name].value : null);
    const body = { approve, reason: v("reason") || null, override_reason: v("override_reason") || "", edits: {} };
    if (ev.submitter && ev.submitter.value === "take_over") body.take_over = true;
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
    const byPassword = !!box.dataset.byPassword;
    document.getElementById("qr-box").hidden = a.status === "active" || !!a.code_prompt || (byPassword && !a.login_qr);
    const checking = document.getElementById("checking");
    if (checking) checking.hidden = a.status !== "logging_in" || !!a.login_qr || !!a.code_prompt;
    const note = document.getElementById("login-note");
    note.textContent = a.login_note || "";
    note.hidden = !a.login_note;
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
    const settled = res.ok && (res.data.status === "active" || (box.dataset.byPassword && res.data.status === "needs_login"));
    if (!settled) setTimeout(poll, 2000);
  };
  poll();
  const scan = document.getElementById("simulate-scan");
  if (scan) scan.addEventListener("click", async () => {
    const res = await api("POST", `/api/accounts/${id}/simulate-scan`);
    if (!res.ok) showErrors(box, res.data.detail);
  });
  document.getElementById("relogin").addEventListener("click", async () => {
    document.getElementById("qr-wait").textContent = "正在打开登录页，获取二维码…";
    const fields = document.getElementById("relogin-fields");
    const login = fields ? Object.fromEntries([...fields.querySelectorAll("input")].map((i) => [i.name, i.value])) : null;
    const res = await api("POST", `/api/accounts/${id}/login`, login && Object.values(login).some(Boolean) ? login : undefined);
    if (!res.ok) return showErrors(box, res.data.detail);
    render(res.data);
    poll();
  });
}

function bindApproveAll() {
  const box = document.querySelector("[data-approve-all]");
  if (!box) return;
  const button = box.querySelector("button");
  button.addEventListener("click", async () => {
    if (!confirm("批准列表里的全部内容（申报表和缴款除外）？")) return;
    button.disabled = true;
    const res = await api("POST", "/api/approvals/approve-all", {});
    if (!res.ok) { button.disabled = false; return showErrors(box, res.data.detail); }
    const note = box.querySelector(".done-note");
    note.textContent = res.data.message;
    note.hidden = false;
    setTimeout(() => location.reload(), 1500);
  });
}

function bindRunActions() {
  const box = document.querySelector("[data-run-actions]");
  if (!box) return;
  // 「改好再发」 of a run that may have been sent asks first (a new run would post again).
  box.querySelectorAll("a[data-confirm]").forEach((a) => a.addEventListener("click", (e) => {
    if (!confirm(a.dataset.confirm)) e.preventDefault();
  }));
  box.querySelectorAll("[data-run-action]").forEach((b) => b.addEventListener("click", async () => {
    if (b.dataset.confirm && !confirm(b.dataset.confirm)) return;
    b.disabled = true;
    const res = await api("POST", `/api/runs/${box.dataset.runActions}/${b.dataset.runAction}`);
    b.disabled = false;
    if (!res.ok) return showErrors(box, res.data.detail);
    location.reload();
  }));
}

function bindRunRefresh() {
  const box = document.querySelector("[data-run]");
  const settled = ["published", "suggested", "rejected", "failed", "cancelled"];
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
    const body = { tone: fd.get("tone"), banned_words: fd.get("banned_words") || "",
                   allowed_contacts: fd.get("allowed_contacts") || "" };
    if (form.querySelector('[name="default_sites"]')) body.default_sites = fd.getAll("default_sites");
    if (form.querySelector('[name="allowed_warnings"]')) body.allowed_warnings = fd.getAll("allowed_warnings");
    form.querySelectorAll("[data-budgets] input").forEach((el) => { body[el.name] = el.value; });
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
  document.querySelectorAll("[data-delete-account]").forEach((box) => box.querySelector("button").addEventListener("click", async () => {
    if (!confirm("删除后这个账号还没提交的任务会一起取消，确定删除吗？")) return;
    const res = await api("DELETE", `/api/accounts/${box.dataset.deleteAccount}`);
    if (!res.ok) return showErrors(box, res.data.detail);
    location.href = "/accounts";
  }));
  document.querySelectorAll("[data-logout]").forEach((b) => b.addEventListener("click", async () => {
    await api("DELETE", "/api/session");
    location.href = "/login";
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  openHashTarget();
  bindApiForms();
  bindFileChecks();
  bindApproval();
  bindApproveAll();
  bindRunActions();
  bindAccount();
  bindRunRefresh();
  bindSmallActions();
  bindTaskEdits();
  bindEmployeeSettings();
});
