// The local tenant's one script: when the sandbox changes (server-sent events), the page's live region is fetched
// again and swapped in, so lists, mailboxes, calendars and the audit trail follow the app as it works. Forms are
// never refreshed under a person's hands. No framework; nothing but this origin.
"use strict";
(function () {
  var main = document.getElementById("main");
  var status = document.getElementById("live-status");
  if (!main || !main.hasAttribute("data-live") || !window.EventSource) return;
  var busy = false;
  var again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { headers: { accept: "text/html" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, "text/html").getElementById("main");
        if (next && next.innerHTML !== main.innerHTML) {
          main.innerHTML = next.innerHTML;
          if (status) status.textContent = "Updated " + new Date().toLocaleTimeString("en-GB");
        }
      })
      .catch(function () { /* the next change tries again */ })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var events = new EventSource("/_tenant/live");
  events.addEventListener("change", refresh);
})();
