// The note manager re-reads its list (刷新, and every 30 s like a live dashboard): the rows as the site
// renders them now, swapped in place (an open dialog stays open).
(function () {
  "use strict";
  var list = document.querySelector(".notes-container");
  function refresh() {
    fetch(location.pathname, {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      if (r.redirected && r.url.indexOf("/login") >= 0) { location.href = "/login"; return null; }
      return r.text();
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".notes-container");
      if (fresh) list.innerHTML = fresh.innerHTML;
    });
  }
  document.querySelector(".refresh-notes").addEventListener("click", refresh);
  setInterval(refresh, 30000);
})();
