// A "scan" step: the site wants its QR scanned with an app (the tax bureau's face check). The phone shows
// the QR; the owner scans it with the app and says so; the worker then checks that the site let us in.
"use strict";

(function () {
  const box = document.querySelector("[data-scan-api]");
  if (!box) return;
  const base = box.dataset.scanApi;
  const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const img = box.querySelector(".scan-qr");
  const errors = box.querySelector(".errors");
  const button = box.querySelector(".scan-done");

  async function poll() {
    const resp = await fetch(`${base}/step`, { credentials: "same-origin" });
    const step = resp.ok ? await resp.json() : {};
    box.hidden = step.kind !== "scan";
    if (step.kind === "scan") {
      box.querySelector(".scan-prompt").textContent = step.prompt;
      if (img.getAttribute("src") !== step.screenshot) img.src = step.screenshot;
    }
    setTimeout(poll, 2000);
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    const resp = await fetch(`${base}/scanned`, { method: "POST", headers: { "X-CSRF-Token": CSRF },
                                                  credentials: "same-origin" });
    button.disabled = false;
    if (!resp.ok) {
      const data = await resp.json().catch(() => ({}));
      errors.textContent = (data.detail || []).map((d) => d.message).join("；") || "发送失败，请重试";
      return;
    }
    errors.textContent = "";
    box.hidden = true;
  });
  poll();
})();
