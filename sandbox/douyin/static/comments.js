// 评论管理: load the works, pick one (选择作品 or ?item_id=), list its comments (全部评论 / 未回复), open a
// comment's replies (查看N条回复 / 收起), reply inline (回复 → input → 发送). A dead session reloads the page
// (the login box comes up in place); a slider answer brings up the captcha box.
(function () {
  "use strict";
  var cfg = DY.cfg, root = document.querySelector(".comment-manage-qw7Ldx");
  var list = root.querySelector(".comment-list-P0aX3e"), end = root.querySelector(".comment-end-KcJ0m2");
  var picker = root.querySelector(".work-picker-Zq4N1e"), pickList = picker.querySelector(".douyin-creator-interactive-list-items");
  var select = root.querySelector(".douyin-creator-interactive-select"), options = root.querySelector("[role=listbox]");
  var state = {works: [], work: cfg.itemId || "", filter: "0"};

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function guard(j) {
    if (j.status_code === 8) { DY.loggedOut(); throw new Error("logged out"); }
    return j;
  }

  function loadWorks() {
    return DY.getJSON("/aweme/v1/creator/item/list").then(guard).then(function (j) {
      state.works = j.item_info_list;
      if (!state.work && state.works.length) state.work = state.works[0].item_id_plain;
      pickList.innerHTML = "";
      state.works.forEach(function (w) {
        var row = el("div", "list-item-Xy8aP2");
        row.dataset.itemId = w.item_id_plain;
        row.appendChild(el("img", "cover-Qf0cZ1")).alt = "";
        row.appendChild(el("span", "title-Dk7s1b", w.title));
        row.appendChild(el("span", "count-Vb2m0e", w.comment_count + "条评论"));
        row.addEventListener("click", function () { picker.hidden = true; state.work = w.item_id_plain; loadComments(); });
        pickList.appendChild(row);
      });
    });
  }

  function replyRow(r) {
    var row = el("div", "reply-item-Hs8d2A");
    row.dataset.cid = r.cid;
    var info = row.appendChild(el("div", "info-jL2c0A"));
    info.appendChild(el("span", "username-XNwYwK", r.user.nickname));
    if (r.label_text) info.appendChild(el("span", "label-mA7c1Q", r.label_text));
    if (r.only_self) info.appendChild(el("span", "only-self-Nn3k2B", "仅自己可见"));
    info.appendChild(el("span", "time-Ud6mvT", r.time_text));
    row.appendChild(el("div", "comment-content-text-JvmAKq", r.text));
    return row;
  }

  function openReplies(c, box, toggle) {
    return DY.getJSON(cfg.repliesUrl + "?comment_id=" + encodeURIComponent(c.cid)).then(guard).then(function (j) {
      box.innerHTML = "";
      j.comments.forEach(function (r) { box.appendChild(replyRow(r)); });
      box.hidden = false;
      toggle.textContent = "收起";
      toggle.hidden = !j.comments.length;
    });
  }

  function commentRow(c) {
    var row = el("div", "container-sXKyMs");
    row.dataset.cid = c.cid;
    var content = row.appendChild(el("div", "content-Nf3Lc8"));
    var info = content.appendChild(el("div", "info-jL2c0A"));
    info.appendChild(el("span", "username-XNwYwK", c.user.nickname));
    info.appendChild(el("span", "time-Ud6mvT", c.time_text));
    content.appendChild(el("div", "comment-content-text-JvmAKq", c.text));
    var ops = content.appendChild(el("div", "operations-PF3tmC"));
    ["赞", "置顶", "回复", "删除"].forEach(function (t) { ops.appendChild(el("div", "item-Bl3pe4", t)).setAttribute("role", "button"); });
    var toggle = content.appendChild(el("div", "load-more-Lk2V0d", "查看" + c.reply_comment_total + "条回复"));
    toggle.setAttribute("role", "button");
    toggle.hidden = !c.reply_comment_total;
    var box = content.appendChild(el("div", "replies-Yq5fP0"));
    box.hidden = true;
    toggle.addEventListener("click", function () {
      if (!box.hidden) { box.hidden = true; toggle.textContent = "查看" + box.children.length + "条回复"; return; }
      openReplies(c, box, toggle);
    });
    ops.children[2].addEventListener("click", function () {
      var open = content.querySelector(".reply-content-Gc2r1z");
      if (open) { open.querySelector("[contenteditable]").focus(); return; }
      var form = el("div", "reply-content-Gc2r1z");
      var input = form.appendChild(el("div", "input-d24XBd"));
      input.contentEditable = "true";
      input.setAttribute("role", "textbox");
      input.setAttribute("aria-placeholder", "回复 " + c.user.nickname + "：");
      var send = form.appendChild(el("button", "send-btn-Jq0s8v", "发送"));
      send.type = "button";
      send.addEventListener("click", function () {
        var text = input.innerText.trim();
        if (!text || send.disabled) return;
        send.disabled = true;
        DY.postJSON(cfg.replyUrl, {item_id: state.work, comment_id: c.cid, text: text}).then(function (j) {
          send.disabled = false;
          if (j.status_code === 8) { DY.loggedOut(); return; }
          if (j.status_code === cfg.sliderCode) { document.getElementById("captcha_container").hidden = false; return; }
          if (j.status_code !== 0) { DY.toast(j.status_msg); return; }
          form.remove();
          DY.toast("回复成功");
          openReplies(c, box, toggle);
        }, function () { send.disabled = false; DY.toast("网络异常，请稍后重试"); });
      });
      content.insertBefore(form, toggle);
      input.focus();
    });
    return row;
  }

  function loadComments() {
    var work = state.works.filter(function (w) { return w.item_id_plain === state.work; })[0];
    root.querySelector(".work-title-Lp3xd0").textContent = work ? work.title : "";
    list.innerHTML = "";
    end.hidden = true;
    if (!state.work) { end.hidden = false; return Promise.resolve(); }
    var url = cfg.listUrl + "?aweme_id=" + encodeURIComponent(state.work) + "&comment_select_options=" + state.filter;
    return DY.getJSON(url).then(guard).then(function (j) {
      j.comments.forEach(function (c) { list.appendChild(commentRow(c)); });
      end.hidden = false;
    });
  }

  root.querySelector(".douyin-creator-interactive-button").addEventListener("click", function () { picker.hidden = false; });
  picker.querySelector(".picker-cancel").addEventListener("click", function () { picker.hidden = true; });
  select.addEventListener("click", function () {
    options.hidden = !options.hidden;
    select.setAttribute("aria-expanded", String(!options.hidden));
  });
  options.querySelectorAll("[role=option]").forEach(function (o) {
    o.addEventListener("click", function () {
      options.querySelectorAll("[role=option]").forEach(function (x) { x.setAttribute("aria-selected", String(x === o)); });
      select.querySelector(".select-value").textContent = o.textContent;
      options.hidden = true;
      select.setAttribute("aria-expanded", "false");
      state.filter = o.dataset.value;
      setTimeout(loadComments, cfg.listMs);
    });
  });
  loadWorks().then(function () { setTimeout(loadComments, cfg.listMs); });
})();
