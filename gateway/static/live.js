// Counts the notifications that arrive while a page is open, beside the
// header's link to them. Without JavaScript the link is all there is.
(function () {
  "use strict";
  var link = document.querySelector("[data-live-notifications]");
  if (!link || !window.EventSource) {
    return;
  }
  var badge = document.createElement("span");
  badge.className = "badge";
  badge.hidden = true;
  link.appendChild(badge);
  var label = link.textContent;
  var seen = {};
  var count = 0;
  var source = new EventSource("/api/v1/notifications/stream");
  source.addEventListener("notification", function (event) {
    // A reconnection may bring a notification again.
    if (seen[event.lastEventId]) {
      return;
    }
    seen[event.lastEventId] = true;
    count += 1;
    badge.textContent = String(count);
    badge.hidden = false;
    link.setAttribute("aria-label", label + ": " + count + " " + link.dataset.new);
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
