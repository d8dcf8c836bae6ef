// secunion console: live countdowns of removal orders.
//
// Every element with a data-deadline shows the time left to it, or how
// late the order is, updated each second. On the orders page the table's
// data-stream address sends Server-Sent Events ("orders": the states and
// deadlines of the orders listed) whenever an order is received or
// answered; the row's state and deadline follow. Without this script the
// page shows the time left as the server computed it.
"use strict";

(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const span = (ms) => {
    const s = Math.floor(Math.abs(ms) / 1000);
    return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  };
  const tick = () => {
    for (const el of document.querySelectorAll("[data-deadline]")) {
      if (!el.dataset.deadline) {
        el.textContent = "";
        continue;
      }
      const left = Date.parse(el.dataset.deadline) - Date.now();
      el.textContent = left >= 0 ? `${span(left)} left` : `late by ${span(left)}`;
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 15 * 60 * 1000);
    }
  };
  tick();
  setInterval(tick, 1000);

  const table = document.getElementById("orders");
  if (!table || !window.EventSource) {
    return;
  }
  const source = new EventSource(table.dataset.stream);
  source.addEventListener("orders", (e) => {
    for (const o of JSON.parse(e.data)) {
      const row = document.getElementById(`order-${o.id}`);
      if (!row) {
        continue;
      }
      const when = (t) => t.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
      let state = o.breached ? `${o.state} (breached)` : o.state;
      if (o.scrutiny_due) {
        state += ` (scrutiny due ${when(o.scrutiny_due)})`;
      }
      row.querySelector(".state").textContent = state;
      const cd = row.querySelector(".countdown");
      cd.dataset.deadline = o.deadline || "";
      row.querySelector(".deadline").textContent = o.deadline ? when(o.deadline) : "";
    }
    tick();
  });
})();
