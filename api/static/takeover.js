// The slider take-over: the site put up a slider; the owner drags it on a picture of the live page.
// Points go out as [x, y, t]: x and y as fractions of the picture, t in ms since the finger went down,
// so the worker can replay the drag on the real page with the owner's own pace.
"use strict";

(function () {
  const box = document.querySelector("[data-step-api]");
  if (!box) return;
  const base = box.dataset.stepApi;
  const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const surface = box.querySelector(".drag-surface");
  const img = box.querySelector("img");
  const prompt = box.querySelector(".drag-prompt");
  const trail = box.querySelector(".drag-trail");
  const errors = box.querySelector(".errors");
  let shown = null, points = [], start = 0, busy = false;

  async function call(method, url, body) {
    const headers = { "X-CSRF-Token": CSRF };
    if (body) headers["Content-Type"] = "application/json";
    const resp = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "same-origin" });
    let data = {};
    try { data = await resp.json(); } catch (e) { /* empty */ }
    return { ok: resp.ok, data };
  }

  function at(ev) {
    const r = img.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height));
    return [x, y, Math.round(performance.now() - start)];
  }

  surface.addEventListener("pointerdown", (ev) => {
    if (busy) return;
    ev.preventDefault();
    surface.setPointerCapture(ev.pointerId);
    start = performance.now();
    points = [at(ev)];
    trail.textContent = "";
  });
  surface.addEventListener("pointermove", (ev) => {
    if (!points.length || busy) return;
    ev.preventDefault();
    points.push(at(ev));
  });
  surface.addEventListener("pointerup", async (ev) => {
    if (!points.length || busy) return;
    points.push(at(ev));
    const drag = points;
    points = [];
    if (drag.length < 5) { trail.textContent = "请按住滑块，慢慢拖到最右边再松手"; return; }
    busy = true;
    trail.textContent = "已发送，员工正在网站上照你的手势拖动…";
    const res = await call("POST", `${base}/drag`, { points: drag });
    busy = false;
    if (!res.ok) {
      errors.textContent = (res.data.detail || []).map((d) => d.message).join("；") || "发送失败，请重试";
      return;
    }
    errors.textContent = "";
    box.hidden = true;
    shown = null;
  });

  async function poll() {
    const res = await call("GET", `${base}/step`);
    if (res.ok && res.data.kind === "drag") {
      if (shown !== res.data.id) {
        shown = res.data.id;
        img.src = res.data.screenshot;
        prompt.textContent = res.data.prompt;
        trail.textContent = "";
        box.hidden = false;
      }
    } else if (!busy) {
      box.hidden = true;
      shown = null;
    }
    setTimeout(poll, 2000);
  }
  poll();
})();
