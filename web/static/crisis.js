// secunion console: the crisis room follows its incident live.
//
// The room's live part (state and steps, figures, participants, shared
// hashes and URLs, timeline) carries a data-stream address that sends
// Server-Sent Events ("room": that part rendered again on the server)
// whenever the incident changes; the part is replaced in place. The
// forms to share and to write notes stay as typed. Without this script
// the page shows the room as it was when loaded.
"use strict";

(() => {
  const live = document.getElementById("room-live");
  if (!live || !window.EventSource) {
    return;
  }
  const source = new EventSource(live.dataset.stream);
  source.addEventListener("room", (e) => {
    live.innerHTML = e.data;
  });
})();
