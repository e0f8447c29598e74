// The upload entry page: tabs switch the drop zone in place; a chosen video is uploaded and the browser
// moves to the publish form URL the server picked; chosen images are uploaded one by one, then the
// browser moves to the image-text form.
(function () {
  "use strict";
  var root = document.querySelector(".upload-page"), zone = root.querySelector(".container-drag-AOMYqU");
  var input = zone.querySelector("input[type=file]"), title = zone.querySelector(".container-drag-title-p6mssi");
  var progress = root.querySelector(".upload-progress"), mode = "video", busy = false;

  root.querySelectorAll(".tab-item-BcCLTS").forEach(function (tab) {
    tab.addEventListener("click", function () {
      root.querySelectorAll(".tab-item-BcCLTS").forEach(function (t) { t.classList.toggle("active-i8Pu0m", t === tab); });
      mode = tab.dataset.tab === "image" ? "image" : "video";
      input.accept = mode === "image" ? root.dataset.imageAccept : root.dataset.videoAccept;
      input.multiple = mode === "image";
      title.textContent = "点击上传 或直接将" + (mode === "image" ? "图片" : "视频") + "文件拖入此区域";
    });
  });
  zone.addEventListener("click", function () { if (!busy) input.click(); });

  function show(text) { progress.hidden = false; progress.textContent = text; }

  function uploadVideo(file) {
    show("上传中…");
    return DY.postFile("/web/api/media/upload/video/", file).then(function (j) {
      if (j.status_code === 8) return DY.loggedOut();
      if (j.status_code !== 0) throw new Error(j.status_msg);
      location.href = j.url;
    });
  }

  function uploadImages(files) {
    var max = DY.cfg.maxImages || 35, ids = [];
    if (files.length > max) { DY.toast("最多支持上传" + max + "张图片"); files = files.slice(0, max); }
    var chain = Promise.resolve();
    files.forEach(function (f, i) {
      chain = chain.then(function () {
        show("图片上传中 " + (i + 1) + "/" + files.length);
        return DY.postFile("/web/api/media/upload/image/", f).then(function (j) {
          if (j.status_code === 8) throw new Error("用户未登录");
          if (j.status_code !== 0) DY.toast(j.status_msg); else ids.push(j.image_id);
        });
      });
    });
    return chain.then(function () {
      if (!ids.length) { progress.hidden = true; return; }
      return DY.postJSON("/web/api/media/draft/image/", {image_ids: ids}).then(function (j) {
        if (j.status_code !== 0) throw new Error(j.status_msg);
        location.href = j.url;
      });
    });
  }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files);
    input.value = "";
    if (!files.length || busy) return;
    busy = true;
    (mode === "image" ? uploadImages(files) : uploadVideo(files[0]))
      .catch(function (e) { DY.toast(e.message || "上传失败"); if (e.message === "用户未登录") location.reload(); })
      .then(function () { busy = false; });
  });
})();
