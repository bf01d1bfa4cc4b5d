// A public status page: /status/SLUG draws /api/v1/public/status-pages/SLUG and redraws it
// every 30 s. It shows only what that answer holds (names, states, uptime, daily bars).
"use strict";

const slug = decodeURIComponent(location.pathname.split("/").pop());
const $ = (id) => document.getElementById(id);

function text(tag, content, cls) {
  const e = document.createElement(tag);
  e.textContent = content;
  if (cls) e.className = cls;
  return e;
}

// A day's colour from its counts. Checks in a maintenance window are neither up nor down: a
// day of only those is maintenance, and a day with no check counted at all stays grey.
function dayClass(d) {
  if (d.up + d.down === 0) return d.maintenance ? "maintenance" : "";
  return d.down === 0 ? "up" : d.up === 0 ? "down" : "mixed";
}

async function draw() {
  const r = await fetch("/api/v1/public/status-pages/" + encodeURIComponent(slug));
  if (!r.ok) {
    $("overall").textContent = r.status === 404 ? "No such status page." : "The status is unavailable right now.";
    return;
  }
  const page = await r.json();
  document.title = page.title;
  $("title").textContent = page.title;
  const overall = {operational: "All systems operational", down: "Outage", degraded: "Some systems are down",
                   maintenance: "Maintenance in progress"};
  $("overall").replaceChildren(text("span", overall[page.overall] || page.overall, "state " + page.overall));
  const pct = (v) => (v == null ? "-" : v.toFixed(2) + " %");
  $("targets").replaceChildren(...page.targets.map((t) => {
    const box = document.createElement("div");
    box.className = "target";
    box.append(text("span", t.name, "name"), text("span", t.state, "state " + t.state));
    if (t.url) box.append(" ", text("span", t.url, "muted"));
    box.append(text("p", "Uptime: 24 h " + pct(t.uptime_percent["24h"]) + " · 7 d " + pct(t.uptime_percent["7d"]) +
                         " · 30 d " + pct(t.uptime_percent["30d"]), "muted"));
    const days = new Map(t.days.map((d) => [d.date, d]));
    const bars = document.createElement("div");
    bars.className = "bars";
    for (let i = 89; i >= 0; --i) {
      const date = new Date(Date.now() - i * 86400000).toISOString().slice(0, 10), d = days.get(date);
      const bar = document.createElement("span");
      if (d) bar.className = dayClass(d);
      bar.title = date + (d ? ": " + d.up + " up, " + d.down + " down" +
                              (d.maintenance ? ", " + d.maintenance + " in maintenance" : "") : ": no checks");
      bars.append(bar);
    }
    box.append(bars);
    return box;
  }));
  $("updated").textContent = "Updated " + new Date().toLocaleTimeString();
}

draw();
setInterval(draw, 30000);
