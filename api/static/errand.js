// 让员工去做: ask for the employee's plan, show it to edit, then confirm it (api/routes/errands.py).
(function () {
  "use strict";
  document.querySelectorAll("form.skill-run").forEach((form) => form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const values = {};
    form.querySelectorAll("input[data-param]").forEach((el) => { values[el.name] = el.value; });
    const cron = form.elements.cron.value.trim();
    const res = cron ? await api("POST", `/api/errands/skills/${form.dataset.skill}/schedules`, { values, cron })
      : await api("POST", `/api/errands/skills/${form.dataset.skill}/runs`, { values, at: form.elements.at.value });
    if (!res.ok) return window.opc.showErrors(form, res.data.detail);
    location.href = cron ? "/schedules" : "/runs/" + res.data.run.id;
  }));
  document.querySelectorAll("form.skill-save").forEach((form) => form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const params = {};
    form.querySelectorAll('input[name="param"]').forEach((el) => { if (el.value.trim()) params[el.value.trim()] = el.dataset.value; });
    const res = await api("POST", `/api/errands/${form.dataset.run}/skill`, { name: form.elements.name.value, params });
    if (!res.ok) return window.opc.showErrors(form, res.data.detail);
    location.href = "/errands/new?account_id=" + encodeURIComponent(res.data.skill.account_id);
  }));
  const ask = document.getElementById("errand-ask");
  const confirm = document.getElementById("errand-confirm");
  if (!ask) return;
  let asked = null;
  ask.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = ask.querySelector("button");
    button.disabled = true;
    asked = { account_id: ask.elements.account_id.value, employee_id: ask.elements.employee_id.value,
              instruction: ask.elements.instruction.value };
    const res = await api("POST", "/api/errands/proposal", asked);
    button.disabled = false;
    if (!res.ok) return window.opc.showErrors(ask, res.data.detail);
    const p = res.data.proposal;
    document.getElementById("errand-account").textContent = ask.elements.account_id.selectedOptions[0].textContent;
    confirm.elements.goal.value = p.goal;
    confirm.elements.done_when.value = p.done_when;
    confirm.elements.forbidden.value = (p.forbidden || []).join("\n");
    confirm.elements.reads_only.checked = !!p.reads_only;
    confirm.hidden = false;
    confirm.scrollIntoView();
  });
  confirm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = confirm.elements;
    const body = Object.assign({}, asked, { goal: f.goal.value, done_when: f.done_when.value,
      forbidden: f.forbidden.value.split("\n").map((x) => x.trim()).filter(Boolean), reads_only: f.reads_only.checked });
    const res = await api("POST", "/api/errands", body);
    if (!res.ok) return window.opc.showErrors(confirm, res.data.detail);
    location.href = "/runs/" + res.data.run.id;
  });
})();
