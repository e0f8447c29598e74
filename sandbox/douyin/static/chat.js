// www.douyin.com/chat: a click on a conversation loads its messages (the owner's own on the right,
// .MessageBoxContentisFromMe); the editor and 发送 answer the last message they sent. A dead session reloads
// the page (the login box comes up in place); a slider answer brings up the captcha box.
(function () {
  "use strict";
  var cfg = DY.cfg, page = document.querySelector(".chat-page-Wq1x8e");
  var list = page.querySelector(".messageMessageBoxlist"), editor = page.querySelector(".public-DraftEditor-content");
  var send = page.querySelector(".messageMsgInputpublishBtn"), current = null, lastTheirs = null;

  function bubble(m) {
    var wrap = document.createElement("div");
    wrap.className = "MessageBoxContentwrapper" + (m.mine ? " MessageBoxContentisFromMe" : "");
    wrap.dataset.msgId = m.id;
    var text = document.createElement("div");
    text.setAttribute("data-e2e", "msg-item-content");
    text.textContent = m.text;
    var time = document.createElement("span");
    time.className = "MessageBoxContenttime";
    time.textContent = m.time;
    wrap.appendChild(text); wrap.appendChild(time);
    return wrap;
  }
  function open(row) {
    page.querySelectorAll("[data-e2e=conversation-item]").forEach(function (r) {
      r.classList.toggle("conversationConversationItemcurConversation", r === row);
    });
    current = row.dataset.conversationId;
    page.querySelector(".messageMessageBoxheader").textContent = row.querySelector(".conversationConversationItemtitle").textContent;
    DY.getJSON(cfg.historyUrl + "?conversation_id=" + encodeURIComponent(current)).then(function (j) {
      if (j.status_code === 8) return DY.loggedOut();
      list.innerHTML = "";
      j.messages.forEach(function (m) { list.appendChild(bubble(m)); if (!m.mine) lastTheirs = m.id; });
      page.querySelector(".messageMsgInputwrapper").hidden = false;
    });
  }
  page.querySelectorAll("[data-e2e=conversation-item]").forEach(function (row) {
    row.addEventListener("click", function () { open(row); });
  });
  editor.addEventListener("input", function () {
    send.classList.toggle("messageMsgInputpublishRedBtn", !!editor.innerText.trim());
  });
  send.addEventListener("click", function () {
    var text = editor.innerText.trim();
    if (!text || !current || send.dataset.busy) return;
    send.dataset.busy = "1";
    DY.postJSON(cfg.sendUrl, {conversation_id: current, reply_to: lastTheirs, text: text}).then(function (j) {
      delete send.dataset.busy;
      if (j.status_code === 8) return DY.loggedOut();
      if (j.status_code === cfg.sliderCode) { document.getElementById("captcha_container").hidden = false; return; }
      if (j.status_code !== 0) return DY.toast(j.status_msg || "消息发送失败");
      list.appendChild(bubble({id: j.msg_id, text: text, mine: true, time: ""}));
      editor.textContent = "";
      send.classList.remove("messageMsgInputpublishRedBtn");
    }, function () { delete send.dataset.busy; DY.toast("消息发送失败"); });
  });
})();
