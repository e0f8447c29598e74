// The image-text form's image list: previews of the uploaded images, 删除, and 继续添加 (more uploads, up to 35).
(function () {
  "use strict";
  var cfg = DY.cfg, root = document.querySelector(".publish-form-root");
  var $ = function (s, r) { return (r || root).querySelector(s); };
  DY.images = (cfg.imageIds || []).slice();
  if (cfg.kind !== "image") return;
  function drawImages() {
    var list = $(".img-list"), add = $(".img-add");
    list.querySelectorAll(".img-item").forEach(function (n) { n.remove(); });
    DY.images.forEach(function (id, i) {
      var item = document.createElement("div");
      item.className = "img-item"; item.dataset.imageId = id;
      item.innerHTML = '<span class="img-index">' + (i + 1) + '</span><span class="img-remove" role="button">删除</span>';
      item.querySelector(".img-remove").addEventListener("click", function () { DY.images.splice(i, 1); drawImages(); });
      list.insertBefore(item, add);
    });
    $(".img-count").textContent = DY.images.length + "/" + cfg.maxImages;
  }
  drawImages();
  $(".img-add input").addEventListener("change", function (e) {
    var files = Array.prototype.slice.call(e.target.files), room = cfg.maxImages - DY.images.length;
    e.target.value = "";
    if (files.length > room) { DY.toast("最多支持上传" + cfg.maxImages + "张图片"); files = files.slice(0, Math.max(room, 0)); }
    files.reduce(function (chain, file) {
      return chain.then(function () {
        return DY.postFile("/web/api/media/upload/image/", file).then(function (j) {
          if (j.status_code === 0) { DY.images.push(j.image_id); drawImages(); } else DY.toast(j.status_msg);
        });
      });
    }, Promise.resolve());
  });
})();
