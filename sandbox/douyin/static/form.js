// The publish form: video upload progress / 重新上传, fields (rendered late in the post/video
// variant), counters, topics, cover, 发布时间 radios + schedule input, and 发布 (with the SMS step).
(function () {
  "use strict";
  var cfg = DY.cfg, root = document.querySelector(".publish-form-root"), video = cfg.kind === "video";
  var $ = function (s, r) { return (r || root).querySelector(s); };
  var HOUR = 3600000, DAY = 24 * HOUR, BJ = 8 * HOUR, MAX_DESC = 1000;
  var st = {upload: video ? "uploading" : "done", uploadId: cfg.uploadId,
            pending: false, busy: false, timed: false, lastGood: ""};
  var f = null;

  // -- video upload: progress, 上传失败, 重新上传 ---------------------------------------------------
  var prog = video && $(".progress-div"), card = null;
  // The 重新上传 card exists only once the upload has been processed (never hidden in the page before).
  function showCard() {
    if (card) return;
    var tpl = document.getElementById("long-card-template");
    prog.parentNode.appendChild(tpl.content.cloneNode(true));
    card = $(".long-card-s4BQ2a");
    bindReupload(card);
  }
  function bindReupload(scope) {
    scope.querySelectorAll("input.upload-btn-input-UY_qeY").forEach(function (input) {
      input.addEventListener("change", function () { var file = input.files[0]; input.value = ""; if (file) reupload(file); });
    });
  }
  function poll(id) {
    DY.getJSON("/web/api/media/upload/status/?upload_id=" + id).then(function (j) {
      if (id !== st.uploadId) return;
      if (j.status_code === 8) return DY.loggedOut();
      if (j.status === "uploading") {
        $(".progress-text").textContent = "上传中 " + j.progress + "%";
        $(".progress-bar i").style.width = j.progress + "%";
        return setTimeout(function () { poll(id); }, cfg.pollMs);
      }
      if (j.status === "done") {
        st.upload = "done"; prog.hidden = true; showCard(); renderFields(); DY.detected(root);
        if (st.pending) { st.pending = false; publish(); }
        return;
      }
      st.upload = "failed"; st.pending = false;
      $(".progress-text").textContent = "上传失败";
      $(".fail-reason").textContent = j.reason || j.status_msg || "";
      $(".reupload-slot").hidden = false;
    });
  }
  function reupload(file) {
    st.upload = "uploading"; prog.hidden = false;
    if (card) { card.remove(); card = null; }
    $(".progress-text").textContent = "上传中 0%"; $(".fail-reason").textContent = ""; $(".reupload-slot").hidden = true;
    DY.postFile("/web/api/media/upload/video/", file).then(function (j) {
      if (j.status_code === 8) return DY.loggedOut();
      st.uploadId = j.upload_id; poll(j.upload_id);
    });
  }
  if (video) {
    bindReupload(prog);
    poll(st.uploadId);
  }

  // -- fields ----------------------------------------------------------------------------------------
  function wall(ms) { var d = new Date(ms + BJ), p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getUTCFullYear() + "-" + p(d.getUTCMonth() + 1) + "-" + p(d.getUTCDate()) + " " + p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()); }
  function parseWall(v) { var m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(v.trim());
    return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) - BJ : NaN; }
  function scheduleMsg() { return "定时发布时间需在" + cfg.scheduleMinH + "小时后至" + cfg.scheduleMaxDays + "天内"; }
  function inWindow(ms) { var floor = Math.floor(Date.now() / 60000) * 60000;
    return ms >= floor + cfg.scheduleMinH * HOUR && ms <= Date.now() + cfg.scheduleMaxDays * DAY; }

  function renderFields() {
    if (f) return;
    var tpl = document.getElementById("form-fields-template");
    if (tpl) { root.appendChild(tpl.content.cloneNode(true)); tpl.remove(); }
    f = {title: $(".container-sGoJ9f input"), limit: $(".limit-FToEI9"), editor: $(".zone-container"),
         count: $(".desc-count"), picker: $(".semi-datepicker"), date: $(".semi-datepicker input"),
         err: $(".schedule-error"), btn: $(".content-confirm-container-Wp91G7 .primary-cECiOJ")};
    f.title.addEventListener("input", function () {
      f.limit.textContent = f.title.value.length + "/" + cfg.maxTitle;
      f.limit.classList.toggle("limit-over", f.title.value.length > cfg.maxTitle);
    });
    f.editor.addEventListener("input", function () { f.count.textContent = f.editor.innerText.replace(/\n$/, "").length + " / " + MAX_DESC; });
    DY.attachTopics(f.editor);
    DY.attachSections(root);
    $(".topic-btn").addEventListener("click", function () { f.editor.focus(); document.execCommand("insertText", false, " #"); });
    root.querySelectorAll("label.radio-d4zkru").forEach(function (label) {
      label.addEventListener("click", function (e) {
        e.preventDefault();
        root.querySelectorAll('label[data-group="' + label.dataset.group + '"]').forEach(function (l) {
          l.classList.toggle("checked-pj6Ut9", l === label); $("input", l).checked = l === label;
        });
        if (label.dataset.group === "timing") setTimed($("input", label).value === "1");
      });
    });
    f.date.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); commitDate(); }
      if (e.key === "Escape") { f.date.value = st.lastGood; }
    });
    f.date.addEventListener("blur", commitDate);
    f.btn.addEventListener("click", publish);
    $(".cancel-btn-zy_rHA").addEventListener("click", function () { DY.toast("已保存至草稿"); });
  }
  function setTimed(on) {
    st.timed = on; f.picker.hidden = !on; f.err.textContent = "";
    if (on && !st.lastGood) { st.lastGood = wall(Math.ceil((Date.now() + cfg.scheduleMinH * HOUR) / 600000) * 600000 + 600000); f.date.value = st.lastGood; }
  }
  function commitDate() {
    if (f.date.value === st.lastGood) return;
    var ms = parseWall(f.date.value);
    if (isNaN(ms) || !inWindow(ms)) { f.err.textContent = scheduleMsg(); DY.toast(scheduleMsg()); f.date.value = st.lastGood; return; }
    st.lastGood = wall(ms); f.date.value = st.lastGood; f.err.textContent = "";
  }

  // -- publish ---------------------------------------------------------------------------------------
  function publish(ticket) {
    if (st.busy) return;
    if (video && st.upload === "uploading") { st.pending = true; DY.toast("作品上传中，上传完成后将自动发布"); return; }
    if (video && st.upload === "failed") { DY.toast("视频上传失败，请重新上传"); return; }
    var title = f.title.value, desc = f.editor.innerText.replace(/\n$/, "");
    if (title.length > cfg.maxTitle) { DY.toast("作品标题最多" + cfg.maxTitle + "个字"); return; }
    if (desc.length > MAX_DESC) { DY.toast("作品描述最多" + MAX_DESC + "个字"); return; }
    if (st.timed && (!st.lastGood || !inWindow(parseWall(st.lastGood)))) { f.err.textContent = scheduleMsg(); DY.toast(scheduleMsg()); return; }
    var vis = $(".visibility label.checked-pj6Ut9 input"), save = $(".download-content-Lci5tL label.checked-pj6Ut9 input");
    var body = {kind: cfg.kind, title: title, desc: desc, cover: DY.cover, visibility: vis ? +vis.value : 0,
                declaration: DY.declaration, collection: DY.collection, allow_download: !!(save && save.value === "1"),
                timing: st.timed ? st.lastGood : null, sms_ticket: typeof ticket === "string" ? ticket : null};
    if (video) body.upload_id = st.uploadId; else body.image_ids = DY.images.slice();
    st.busy = true; f.btn.disabled = true;
    DY.postJSON("/web/api/media/aweme/create/", body).then(function (j) {
      st.busy = false; f.btn.disabled = false;
      if (j.status_code === 0) { location.href = "/creator-micro/content/manage?enter_from=publish"; return; }
      if (j.status_code === 8) return DY.loggedOut();
      if (j.status_code === 2058) return DY.askSms(publish);
      DY.toast(j.status_msg, 4000);
    }).catch(function () { st.busy = false; f.btn.disabled = false; DY.toast("网络异常，请稍后重试"); });
  }

  DY.attachDeclaration(root);  // the side panel's entry is there before the fields
  if (!document.getElementById("form-fields-template")) renderFields();
  if (!video) DY.detected(root);
})();
