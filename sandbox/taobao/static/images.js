// Main images (1:1主图, up to 5) and description images, both added through the material picker:
// a click on the dashed 上传图片 slot (or 添加图片) opens .next-overlay-wrapper.opened.v2 with
// #images-v2-media-popup-content > .media-wrap > .media-img-plug > iframe#<target> (sucai-selector-ng).
// The iframe posts the picked images back on 完成.
(function () {
  "use strict";
  var MAX_MAIN = 5, DESC_MIN = 480, DESC_MAX = 1500;
  TB.images = function (form, onChange) {
    var main = [], desc = [], overlay = null;
    var mainBox = form.querySelector("#struct-mainImagesGroup"), descBox = form.querySelector("#struct-desc");

    function close() { if (overlay) { overlay.remove(); overlay = null; } }
    function open(target, max) {
      if (overlay || TB.baxia.active()) return;
      overlay = document.createElement("div");
      overlay.className = "next-overlay-wrapper opened v2";
      overlay.innerHTML = '<div class="next-overlay-backdrop"></div><div id="images-v2-media-popup-content" role="dialog" ' +
        'aria-label="选择图片"><div class="media-wrap"><div class="media-img-plug"><iframe></iframe></div></div></div>';
      var frame = overlay.querySelector("iframe");
      frame.id = target;
      frame.src = "/sucai-selector-ng/index.htm?target=" + target + "&max=" + max;
      overlay.querySelector(".next-overlay-backdrop").addEventListener("click", close);
      document.body.appendChild(overlay);
    }
    window.addEventListener("message", function (e) {
      if (e.origin !== location.origin || !e.data || !/^sucai-/.test(e.data.type)) return;
      close();
      if (e.data.type !== "sucai-done") return;
      if (e.data.target === "mainImagesGroup") {
        main = main.concat(e.data.images).slice(0, MAX_MAIN);
      } else {
        var ok = e.data.images.filter(function (m) { return m.width >= DESC_MIN && m.width <= DESC_MAX; });
        if (ok.length < e.data.images.length) TB.showError("desc", TB.msg.desc_width);
        desc = desc.concat(ok);
      }
      render(); onChange();
    });

    function tile(list, m, cls) {
      var div = document.createElement("div");
      div.className = cls; div.dataset.id = m.id;
      div.innerHTML = '<img alt=""><button type="button" class="image-delete">删除</button>';
      div.firstChild.src = m.url;
      div.lastChild.addEventListener("click", function () { list.splice(list.indexOf(m), 1); render(); onChange(); });
      return div;
    }
    function render() {
      var box = mainBox.querySelector(".image-list");
      box.innerHTML = "";
      main.forEach(function (m) { box.appendChild(tile(main, m, "drag-item")); });
      mainBox.querySelector(".image-count").textContent = main.length;
      mainBox.querySelector(".image-empty").hidden = main.length >= MAX_MAIN;
      var dbox = descBox.querySelector(".desc-images");
      dbox.innerHTML = "";
      desc.forEach(function (m) { dbox.appendChild(tile(desc, m, "desc-image")); });
    }
    mainBox.querySelector(".image-empty").addEventListener("click", function () { open("mainImagesGroup", MAX_MAIN - main.length); });
    descBox.querySelector(".desc-add-image").addEventListener("click", function () { open("descImages", 20); });
    render();
    return {
      main: function () { return main.map(function (m) { return m.id; }); },
      desc: function () { return desc.map(function (m) { return m.id; }); }
    };
  };
})();
