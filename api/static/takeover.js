// The live take-over: a run (or a login) waits for the owner's own hand on the site's page.
// The picture of the page is refreshed about every second; a tap on it becomes a click there, a drag is
// sent as points [x, y, t] (x and y as fractions of the picture, t in ms since the finger went down) so
// the worker replays it with the owner's own pace, and the text box types into what has the focus.
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
  const textForm = box.querySelector(".takeover-text");
  const back = box.querySelector(".takeover-back");  // only when she took the page over herself
  const POLL_MS = 800, TAP_PX = 10, MIN_POINTS = 5;
  let gesture = null, waiting = null, sending = 0;

  async function call(method, url, body) {
    const headers = { "X-CSRF-Token": CSRF };
    if (body) headers["Content-Type"] = "application/json";
    try {
      const resp = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "same-origin" });
      let data = {};
      try { data = await resp.json(); } catch (e) { /* empty */ }
      return { ok: resp.ok, data };
    } catch (e) {
      return { ok: false, data: { detail: [{ message: "网络不通，请检查网络后重试" }] } };
    }
  }

  async function send(kind, body, what) {
    sending += 1;
    trail.textContent = `已发送${what}，员工正在网站上照做…`;
    const res = await call("POST", `${base}/${kind}`, body);
    sending -= 1;
    if (!res.ok) {
      errors.textContent = (res.data.detail || []).map((d) => d.message).join("；") || "发送失败，请重试";
      trail.textContent = "";
      return false;
    }
    errors.textContent = "";
    return true;
  }

  // -- the picture: swapped only between gestures, so a finger never lands on a moving target ----------
  function show(src) {
    if (gesture) { waiting = src; return; }
    waiting = null;
    if (img.getAttribute("src") !== src) img.src = src;  // the old picture stays until the new one is loaded
  }

  function at(ev) {
    const r = img.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height));
    const last = gesture.points.length ? gesture.points[gesture.points.length - 1][2] : 0;
    return [x, y, Math.max(last, Math.round(ev.timeStamp - gesture.start))];  // the finger's own timing
  }

  surface.addEventListener("pointerdown", (ev) => {
    if (gesture || !ev.isPrimary) return;
    ev.preventDefault();
    surface.setPointerCapture(ev.pointerId);
    gesture = { id: ev.pointerId, start: ev.timeStamp, x0: ev.clientX, y0: ev.clientY, moved: 0, points: [] };
    gesture.points.push(at(ev));
  });
  surface.addEventListener("pointermove", (ev) => {
    if (!gesture || ev.pointerId !== gesture.id) return;
    ev.preventDefault();
    // A phone delivers moves once a frame; the ones in between come along as coalesced events.
    const moves = (ev.getCoalescedEvents && ev.getCoalescedEvents().length) ? ev.getCoalescedEvents() : [ev];
    for (const m of moves) {
      gesture.moved = Math.max(gesture.moved, Math.hypot(m.clientX - gesture.x0, m.clientY - gesture.y0));
      gesture.points.push(at(m));
    }
  });
  surface.addEventListener("pointerup", (ev) => {
    if (!gesture || ev.pointerId !== gesture.id) return;
    gesture.points.push(at(ev));
    const done = gesture;
    gesture = null;
    if (waiting) show(waiting);
    if (done.moved < TAP_PX) {
      const [x, y] = done.points[0];
      send("tap", { x, y }, "点击");
    } else if (done.points.length < MIN_POINTS) {
      trail.textContent = "拖得太快了：请按住后慢慢拖动再松手";
    } else {
      send("drag", { points: done.points }, "拖动");
    }
  });
  surface.addEventListener("pointercancel", () => {
    gesture = null;
    if (waiting) show(waiting);
    trail.textContent = "拖动被打断了，请再试一次";
  });

  textForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = textForm.querySelector("input");
    const text = input.value;
    if (!text) { errors.textContent = "请先输入文字"; return; }
    if (await send("text", { text }, "文字")) input.value = "";
  });

  if (back) back.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => {
    send("back", { finished: b.dataset.finished === "true" }, `「${b.textContent}」`);
  }));

  // -- what the run waits for: polled fast, so the picture is never more than a second old --------------
  async function poll() {
    const res = await call("GET", `${base}/step`);
    if (res.ok && (res.data.kind === "drag" || res.data.kind === "takeover")) {
      prompt.textContent = res.data.prompt;
      if (back) back.hidden = res.data.kind !== "takeover";
      show(res.data.screenshot);
      if (!sending && !res.data.queued && trail.textContent.startsWith("已发送")) trail.textContent = "已照做，请看最新画面";
      box.hidden = false;
    } else if (res.ok && !gesture && !sending) {
      box.hidden = true;
      img.removeAttribute("src");
    }
    setTimeout(poll, POLL_MS);
  }
  poll();
})();
