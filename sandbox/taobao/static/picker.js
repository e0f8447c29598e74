// The material picker inside its iframe (图片空间): earlier uploads as tiles, 本地上传 opens the file
// chooser of a hidden input, each file is uploaded and checked by the server (jpg/png, size), new
// uploads are picked at once; 完成 sends the picked images to the page, 取消 closes.
(function () {
  "use strict";
  var cfg = TB.cfg, root = document.querySelector(".sucai-selector");
  var $ = function (s) { return root.querySelector(s); };
  var grid = $(".PicList_pic_list"), file = $(".sucai-file"), picked = [], busy = 0;

  function say(sel, text) { $(sel).textContent = text || ""; }
  function tell(msg) { window.parent.postMessage(msg, location.origin); }
  function count() { $(".picked-count").textContent = picked.length; }

  function toggle(m, div, quiet) {
    var at = picked.indexOf(m);
    if (at >= 0) picked.splice(at, 1);
    else if (picked.length >= cfg.max) { if (!quiet) say(".sucai-error", "最多只能选择" + cfg.max + "张图片"); return; }
    else picked.push(m);
    div.classList.toggle("selected", at < 0);
    div.setAttribute("aria-checked", at < 0 ? "true" : "false");
    count();
  }
  function add(m, first) {
    var div = document.createElement("div");
    div.className = "PicList_pic_background pic-item"; div.setAttribute("role", "checkbox");
    div.setAttribute("aria-checked", "false"); div.title = m.name; div.dataset.id = m.id;
    div.innerHTML = '<img alt=""><span class="pic-name"></span>';
    div.firstChild.src = m.url; div.lastChild.textContent = m.name;
    div.addEventListener("click", function () { say(".sucai-error"); toggle(m, div); });
    if (first) grid.insertBefore(div, grid.firstChild); else grid.appendChild(div);
    return div;
  }

  TB.getJSON("/sell/material/list.json").then(function (j) {
    if (j.code === "NOT_LOGIN") return TB.loggedOut();
    j.data.forEach(function (m) { add(m, false); });
  });

  $(".upload-local").addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var files = Array.prototype.slice.call(file.files);
    file.value = "";
    say(".sucai-error");
    files.forEach(function (f) {
      busy += 1; say(".sucai-status", "上传中…");
      TB.postFile("/sell/material/upload.json", f).then(function (j) {
        busy -= 1; if (!busy) say(".sucai-status", "上传完成");
        if (j.code === "NOT_LOGIN") return TB.loggedOut();
        if (!j.success) { $(".sucai-error").textContent += f.name + "：" + j.message + " "; return; }
        toggle(j.data, add(j.data, true), true);
      });
    });
  });
  $(".sucai-done").addEventListener("click", function () {
    if (busy) return say(".sucai-error", "图片上传中，请稍候");
    if (!picked.length) return say(".sucai-error", "请选择图片");
    tell({type: "sucai-done", target: cfg.target, images: picked});
  });
  $(".sucai-cancel").addEventListener("click", function () { tell({type: "sucai-cancel"}); });
})();
