// The note manager re-reads its list from the JSON API (刷新, and every 30 s like a live dashboard).
(function () {
  "use strict";
  var list = document.querySelector(".notes-container");
  function esc(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  function row(n) {
    var impression = esc(JSON.stringify({noteTarget: {noteId: n.id}})).replace(/"/g, "&quot;");
    return '<div class="note" data-note-id="' + n.id + '" data-impression="' + impression + '">' +
      '<div class="info"><a class="title" href="/explore/' + n.id + '">' + esc(n.title) + '</a>' +
      '<div class="time">发布于 ' + esc(n.time) + (n.publish_at ? " · 定时 " + esc(n.publish_at) : "") + '</div>' +
      '<div class="declaration">' + esc(n.declaration || "") + '</div></div>' +
      '<span class="status">' + esc(n.status) + '</span></div>';
  }
  function refresh() {
    fetch("/api/galaxy/creator/note/user/posted?tab=0&page=0").then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.code === -100) { location.href = "/login"; return; }
        list.innerHTML = j.data.notes.map(row).join("") || '<div class="empty">暂无笔记</div>';
      });
  }
  document.querySelector(".refresh-notes").addEventListener("click", refresh);
  setInterval(refresh, 30000);
})();
