// The publish page: tabs, one-request-per-image upload, the video upload with progress, processing and a
// cover, title/body counters, topics, schedule (switch, or radios on the older form), publish.
// Config (data-config on .publish-container): uploadUrl, videoUrl, submitUrl, suggestMs, noSuggest,
// expiredMs, processMs, versionUrl, versionMs. The settings (合集, 原创, 声明) are settings.js's.
(function () {
  "use strict";
  var root = document.querySelector(".publish-container");
  var cfg = JSON.parse(root.dataset.config);
  var $ = function (s, r) { return (r || root).querySelector(s); };
  var MAX_IMAGES = 18, MAX_TITLE = 20, MAX_BODY = 1000, MAX_TOPICS = 10, HOUR = 3600000, DAY = 24 * HOUR;
  var form = $(".publish-form"), previews = $(".img-preview-area"), countTip = $(".img-upload-area .count");
  var title = $(".title-container input"), titleBox = $(".title-container");
  var editor = $(".tiptap") || $(".ql-editor"), quill = editor.classList.contains("ql-editor"), editBox = $(".edit-container"), bodyCount = $(".length-wrapper .cur");
  var sw = $(".post-time-wrapper .d-switch"), radios = root.querySelectorAll(".post-time-wrapper .el-radio"), picker = $(".date-picker-container");
  var dateInput = $("input", picker), dateErr = $(".date-error"), btn = $(".publishBtn");
  var images = [], pending = 0, queue = Promise.resolve(), scheduleOn = false, lastGood = "", submitting = false;
  var suggestTimer = null, topicBox = null, datePanel = null;
  var video = null, videoReady = false, coverId = null;  // video: {id, name}; ready once processed

  function toast(text, ms) {
    var t = document.createElement("div");
    t.className = "d-toast"; t.textContent = text; document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, ms || 3000);
  }
  function sessionExpired() {
    toast("登录已过期", 5000);
    setTimeout(function () { location.href = "/login"; }, cfg.expiredMs);
  }

  // -- tabs (the real page switches in place, without navigating) ----------------------------------
  document.querySelectorAll(".creator-tab").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll(".creator-tab").forEach(function (t) { t.classList.toggle("active", t === tab); });
      root.querySelectorAll(".upload-content .upload-wrapper").forEach(function (pane) {
        pane.hidden = pane.dataset.kind !== tab.dataset.target;  // each tab has its own input
      });
    });
  });

  // -- upload: files go one request each, in order; a preview appears when its upload finishes -------
  root.addEventListener("change", function (e) {
    if (e.target.type !== "file") return;
    if (e.target.closest(".cover-modal")) return;  // the cover picker handles its own input
    var files = Array.prototype.slice.call(e.target.files);
    e.target.value = "";
    if (/\.mp4/.test(e.target.accept)) { if (files.length) uploadVideo(files[0]); return; }
    files.forEach(function (f) {
      if (images.length + pending >= MAX_IMAGES) { toast("最多支持上传18张图片"); return; }
      pending++; update();
      queue = queue.then(function () { return upload(f); });
    });
  });
  function uploadError(msg) {
    var box = $(".upload-error");
    if (box) { box.hidden = false; box.textContent = msg; }  // gone once the edit form shows
    toast(msg);
  }
  function upload(file) {
    var spinner = document.createElement("div");
    spinner.className = "uploading"; spinner.textContent = "上传中";
    previews.insertBefore(spinner, $(".entry", previews));
    var fd = new FormData(); fd.append("file", file, file.name);
    return fetch(cfg.uploadUrl, {method: "POST", body: fd}).then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.code === -100) { sessionExpired(); return; }
        if (!j.success) { uploadError(j.msg); return; }
        var pr = document.createElement("div"), img = document.createElement("img");
        pr.className = "pr"; pr.dataset.fileId = j.data.fileIds;
        img.src = URL.createObjectURL(file); pr.appendChild(img);
        previews.insertBefore(pr, spinner);
        images.push(j.data.fileIds);
        showForm("image");
      })
      .catch(function () { uploadError("上传失败，请重试"); })
      .then(function () { spinner.remove(); pending--; update(); });
  }
  function showForm(kind) {
    if (!form.hidden) return;
    var step = $(".upload-container");
    if (step) step.remove();  // the real page drops the upload step (and its inputs) once editing starts
    $(kind === "video" ? ".video-upload-area" : ".img-upload-area").hidden = false;
    if (kind !== "video") {
      var entry = $(".img-preview-area .entry"), more = document.createElement("input");
      more.type = "file"; more.multiple = true; more.accept = entry.dataset.accept;
      entry.appendChild(more);
    }
    form.hidden = false;
  }

  // -- video: one request with upload progress, then processing, then 上传成功 --------------------------
  function uploadVideo(file) {
    var area = $(".video-upload-area"), stage = $(".stage-text", area), progress = $(".progress", area);
    video = null; videoReady = false; pending++;
    showForm("video");
    $(".name", area).textContent = file.name;
    $(".video-size", area).textContent = "";
    stage.textContent = "视频正在上传中"; progress.textContent = "0%";
    update();
    var xhr = new XMLHttpRequest(), fd = new FormData();
    fd.append("file", file, file.name);
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) progress.textContent = Math.floor(ev.loaded * 99 / ev.total) + "%";
    };
    xhr.onload = function () {
      var j = {};
      try { j = JSON.parse(xhr.responseText); } catch (err) { j = {success: false, msg: "上传失败，请重试"}; }
      if (j.code === -100) { pending--; sessionExpired(); return; }
      if (!j.success) { pending--; stage.textContent = "上传失败"; progress.textContent = ""; toast(j.msg); update(); return; }
      video = {id: j.data.fileId, name: file.name};
      progress.textContent = "";
      stage.textContent = "视频正在转码中";
      $(".video-size", area).textContent = "视频大小：" + (file.size / 1048576).toFixed(2) + " MB";
      setTimeout(function () { stage.textContent = "上传成功"; videoReady = true; pending--; update(); }, cfg.processMs);
    };
    xhr.onerror = function () { pending--; stage.textContent = "上传失败"; toast("上传失败，请重试"); update(); };
    xhr.open("POST", cfg.videoUrl); xhr.send(fd);
  }
  var reupload = $(".reupload");
  if (reupload) reupload.addEventListener("click", function () { $(".cover-container .upload-input").click(); });
  var coverButton = $(".uploadCover");
  if (coverButton) coverButton.addEventListener("click", function () {
    var mask = document.createElement("div"), modal = document.createElement("div");
    mask.className = "d-modal-mask"; modal.className = "d-modal cover-modal"; modal.setAttribute("role", "dialog");
    modal.innerHTML = '<div class="d-modal-title">设置封面</div><div class="cover-pick">' +
      '<input type="file" accept="image/png,image/jpeg,image/webp"><img class="cover-shown" alt="封面预览" hidden></div>' +
      '<div class="d-modal-footer"><button type="button" class="d-button cancel">取消</button>' +
      '<button type="button" class="d-button red confirm" disabled>确定</button></div>';
    var input = modal.querySelector("input"), ok = modal.querySelector(".confirm"), shown = modal.querySelector(".cover-shown");
    var picked = null;
    input.addEventListener("change", function () {
      var f = input.files[0];
      if (!f) return;
      var fd = new FormData(); fd.append("file", f, f.name);
      fetch(cfg.uploadUrl, {method: "POST", body: fd}).then(function (r) { return r.json(); }).then(function (j) {
        if (!j.success) { toast(j.msg); return; }
        picked = {id: j.data.fileIds, url: URL.createObjectURL(f)};
        shown.src = picked.url; shown.hidden = false; ok.disabled = false;
      });
    });
    modal.querySelector(".cancel").addEventListener("click", function () { mask.remove(); });
    ok.addEventListener("click", function () {
      if (!picked) return;
      coverId = picked.id;
      var img = $(".cover-img"); img.src = picked.url; img.hidden = false;
      $(".cover-tip").textContent = "已设置封面";
      mask.remove();
    });
    mask.appendChild(modal); document.body.appendChild(mask);
  });

  // -- title and body counters ---------------------------------------------------------------------
  function titleLength(s) {  // the site's rule: non-ASCII counts 2, ASCII 1, halved and rounded up
    var n = 0;
    for (var i = 0; i < s.length; i++) n += s.charCodeAt(i) < 128 ? 1 : 2;
    return Math.ceil(n / 2);
  }
  function bodyText() {
    var clone = editor.cloneNode(true), lines = [], line = "";
    clone.querySelectorAll(".content-hide").forEach(function (n) { n.remove(); });
    clone.childNodes.forEach(function (n) {
      if (n.nodeType === 1 && /^(P|DIV)$/.test(n.tagName)) {
        if (line) { lines.push(line); line = ""; }
        lines.push(n.textContent);
      } else if (n.nodeName === "BR") { lines.push(line); line = ""; }
      else { line += n.textContent; }
    });
    if (line) lines.push(line);
    return lines.join("\n").replace(/\u00a0/g, " ").replace(/\s+$/, "");
  }
  function setCounter(box, cls, text) {  // the site renders these only while over the limit
    var el = $("." + cls, box);
    if (text && !el) { el = document.createElement("div"); el.className = cls; box.appendChild(el); }
    if (text) el.textContent = text; else if (el) el.remove();
  }
  function tidyPlaceholder() {
    if (quill) {
      editor.classList.toggle("ql-blank", !editor.textContent.replace(/\u00a0/g, "").trim() && !editor.querySelector(".tiptap-topic"));
      return;
    }
    var empty = !editor.textContent.replace(/\u00a0/g, "").trim() && !editor.querySelector(".tiptap-topic");
    editor.querySelectorAll("p.is-editor-empty").forEach(function (p) { if (!empty) p.classList.remove("is-editor-empty"); });
    var first = editor.firstElementChild;
    if (empty && first && first.tagName === "P") {
      first.classList.add("is-editor-empty");
      first.dataset.placeholder = "输入正文描述，真诚有价值的分享予人温暖";
    }
  }
  function topics() {
    return Array.prototype.map.call(editor.querySelectorAll("a.tiptap-topic"), function (a) {
      return JSON.parse(a.dataset.topic).name;
    });
  }
  function update() {
    var tl = titleLength(title.value), bl = bodyText().length;
    setCounter(titleBox, "max_suffix", tl > MAX_TITLE ? tl + "/" + MAX_TITLE : "");
    setCounter(editBox, "length-error", bl > MAX_BODY ? bl + "/" + MAX_BODY : "");
    bodyCount.textContent = bl;
    countTip.textContent = images.length + "/" + MAX_IMAGES;
    var ok = (video ? videoReady : images.length > 0) && pending === 0 && title.value.trim() && tl <= MAX_TITLE && bl <= MAX_BODY &&
      (!scheduleOn || lastGood) && !submitting;
    btn.classList.toggle("disabled", !ok);
    btn.setAttribute("aria-disabled", ok ? "false" : "true");
    $(".d-text", btn).textContent = scheduleOn ? "定时发布" : "发布";
  }
  title.addEventListener("input", update);

  // -- topics: "#word" before the caret asks for suggestions; a picked one becomes a topic tag -------
  editor.addEventListener("input", function () {
    tidyPlaceholder(); update(); closeTopics();
    clearTimeout(suggestTimer);
    var at = caretWord();
    if (!at || cfg.noSuggest) return;
    if (topics().length >= MAX_TOPICS) { toast("最多添加10个话题"); return; }
    suggestTimer = setTimeout(function () { suggest(at); }, cfg.suggestMs);
  });
  function caretWord() {
    var sel = window.getSelection();
    if (!sel.rangeCount || !editor.contains(sel.focusNode) || sel.focusNode.nodeType !== 3) return null;
    var m = /#([^\s#\u00a0]{1,30})$/.exec(sel.focusNode.data.slice(0, sel.focusOffset));
    return m ? {node: sel.focusNode, end: sel.focusOffset, word: m[1]} : null;
  }
  function suggest(at) {
    closeTopics();
    topicBox = document.createElement("div");
    topicBox.id = "creator-editor-topic-container";
    [at.word, at.word + "日常", at.word + "分享"].forEach(function (name, i) {
      var item = document.createElement("div"), n = document.createElement("span"), c = document.createElement("span");
      item.className = "item"; n.className = "name"; c.className = "num";
      n.textContent = "#" + name; c.textContent = (9.8 - i * 3).toFixed(1) + "亿次浏览";
      item.appendChild(n); item.appendChild(c);
      item.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the caret in the editor
      item.addEventListener("click", function () { pick(at, name); });
      topicBox.appendChild(item);
    });
    topicBox.style.top = (editor.offsetHeight + 4) + "px";
    editBox.appendChild(topicBox);
  }
  function pick(at, name) {
    closeTopics();
    var node = at.node, typed = "#" + at.word;
    if (!editor.contains(node) || node.data.slice(0, at.end).slice(-typed.length) !== typed) return;
    var rest = node.splitText(at.end), start = at.end - typed.length;
    node.data = node.data.slice(0, start);
    var tag = document.createElement("a"), hide = document.createElement("span");
    tag.className = "tiptap-topic"; tag.contentEditable = "false";
    tag.dataset.topic = JSON.stringify({id: Math.random().toString(16).slice(2, 14), name: name});
    tag.textContent = "#" + name; hide.className = "content-hide"; hide.textContent = "[话题]#";
    tag.appendChild(hide);
    var space = document.createTextNode("\u00a0");
    rest.parentNode.insertBefore(tag, rest); rest.parentNode.insertBefore(space, rest);
    var r = document.createRange(), sel = window.getSelection();
    r.setStart(space, 1); r.collapse(true); sel.removeAllRanges(); sel.addRange(r);
    tidyPlaceholder(); update();
  }
  function closeTopics() { if (topicBox) { topicBox.remove(); topicBox = null; } }

  // -- schedule: the switch shows a date input taking "YYYY-MM-DD HH:MM" (Beijing time) ---------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(ms) {
    var d = new Date(ms + 8 * HOUR);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function parse(s) {
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$/.exec(s.trim());
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5]) : NaN;
  }
  function inWindow(ms) {
    var now = Date.now();
    return ms >= Math.floor(now / 60000) * 60000 + HOUR && ms <= now + 14 * DAY;
  }
  function setSchedule(on) {
    scheduleOn = on;
    if (sw) {
      sw.classList.toggle("checked", scheduleOn); sw.setAttribute("aria-checked", String(scheduleOn));
      $("input", sw).checked = scheduleOn;
    }
    radios.forEach(function (r) {
      var mine = r.querySelector("input").value === (scheduleOn ? "1" : "0");
      r.classList.toggle("is-checked", mine); r.querySelector(".el-radio__input").classList.toggle("is-checked", mine);
      r.querySelector("input").checked = mine;
    });
    picker.hidden = !scheduleOn;
    if (scheduleOn && !lastGood) { lastGood = fmt(Math.ceil((Date.now() + HOUR) / 60000) * 60000 + 60000); }
    dateInput.value = scheduleOn ? lastGood : "";
    dateErr.textContent = "";
    if (!scheduleOn) closeDatePanel();
    update();
  }
  if (sw) sw.addEventListener("click", function () { setSchedule(!scheduleOn); });
  radios.forEach(function (r) {
    r.addEventListener("click", function (e) {
      e.preventDefault();
      var on = r.querySelector("input").value === "1";
      if (on !== scheduleOn) setSchedule(on);
    });
  });
  dateInput.addEventListener("focus", openDatePanel);
  dateInput.addEventListener("click", openDatePanel);
  dateInput.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { commitDate(); closeDatePanel(); }
  });
  dateInput.addEventListener("blur", function () { commitDate(); closeDatePanel(); });
  function commitDate() {
    if (!scheduleOn) return;
    var ms = parse(dateInput.value);
    if (isNaN(ms) || !inWindow(ms)) {
      dateErr.textContent = "定时发布时间需在1小时后至14天内";
      dateInput.value = lastGood;
    } else {
      dateErr.textContent = ""; lastGood = fmt(ms); dateInput.value = lastGood;
    }
    update();
  }
  function openDatePanel() {
    if (datePanel) return;
    datePanel = document.createElement("div");
    datePanel.className = "d-popover date-popover";
    datePanel.innerHTML = "<p>请输入日期和时间，格式 2025-01-01 08:00</p><p class='range'></p>";
    $(".range", datePanel).textContent = "可选范围：" + fmt(Date.now() + HOUR + 60000) + " 至 " + fmt(Date.now() + 14 * DAY);
    datePanel.addEventListener("mousedown", function (e) { e.preventDefault(); });
    picker.appendChild(datePanel);
  }
  function closeDatePanel() { if (datePanel) { datePanel.remove(); datePanel = null; } }

  // -- overlays: Escape or a click outside closes them -----------------------------------------------
  function closeTips() { var p = $(".tips-popover"); if (p) p.remove(); update(); }
  var tipsClose = $(".tips-close");
  if (tipsClose) tipsClose.addEventListener("click", closeTips);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    closeTopics(); closeTips();
    if (datePanel) { dateInput.value = lastGood; closeDatePanel(); }
  });
  document.addEventListener("mousedown", function (e) {
    var tips = $(".tips-popover");
    if (tips && !tips.contains(e.target)) closeTips();
    if (topicBox && !topicBox.contains(e.target)) closeTopics();
  }, true);

  // -- publish -------------------------------------------------------------------------------------
  btn.addEventListener("click", function () {
    if (btn.classList.contains("disabled")) return;
    submitting = true; update();
    var settings = window.XhsSettings ? window.XhsSettings.value() : {};
    var note = {title: title.value, desc: bodyText(), topics: topics(), image_ids: video ? [] : images,
                type: video ? "video" : "normal", video_id: video ? video.id : null, cover_id: coverId,
                post_time: scheduleOn ? lastGood : null, collection: settings.collection || null,
                original: !!settings.original, declaration: settings.declaration || null};
    fetch(cfg.submitUrl, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(note)})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.code === -100) { sessionExpired(); return; }
        if (!j.success) { submitting = false; toast(j.msg, 4000); update(); return; }
        location.href = "/publish/success?source=&bind_status=not_bind";
      })
      .catch(function () { submitting = false; toast("发布失败，网络异常", 4000); update(); });
  });
  // -- a new release: the page reloads itself, and what was typed is gone ----------------------------
  setInterval(function () {
    fetch(cfg.versionUrl).then(function (r) { return r.json(); })
      .then(function (j) { if (j.data && j.data.reload) location.reload(); })
      .catch(function () {});
  }, cfg.versionMs);
  update();
})();
