// The dashboard: signs in against /api/v1, then shows every target the user may see and
// keeps it current by polling. Plain JavaScript; nothing is fetched from outside this server.
"use strict";

const api = "/api/v1";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("watchpost.token");
let selected = null;
let editing = null;  // the id whose settings the form is changing, or null: the form adds
let timer = null;

async function call(method, path, body) {
  const headers = {};
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (r.status === 401 && path !== "/auth/login") signOut();
  if (!r.ok) throw new Error((data && data.detail) || r.statusText);
  return data;
}

function text(tag, content, cls) {
  const e = document.createElement(tag);
  e.textContent = content;
  if (cls) e.className = cls;
  return e;
}

function ago(unix) {
  if (!unix) return "-";
  const s = Math.max(0, Math.round(Date.now() / 1000 - unix));
  return s < 90 ? s + " s ago" : Math.round(s / 60) + " min ago";
}

function show(signedIn) {
  $("signin").hidden = signedIn;
  $("dashboard").hidden = !signedIn;
  $("signout").hidden = !signedIn;
}

function signOut() {
  token = null;
  sessionStorage.removeItem("watchpost.token");
  clearInterval(timer);
  $("who").textContent = "";
  show(false);
}

async function signIn(signup) {
  $("signin-error").textContent = "";
  const creds = { email: $("email").value, password: $("password").value };
  try {
    if (signup) await call("POST", "/auth/signup", creds);
    const r = await call("POST", "/auth/login", creds);
    token = r.access_token;
    sessionStorage.setItem("watchpost.token", token);
    start();
  } catch (e) {
    $("signin-error").textContent = e.message;
  }
}

async function refresh() {
  const [me, list, alerts] = await Promise.all([call("GET", "/me"), call("GET", "/targets?limit=500&uptime=true"),
                                               call("GET", "/alerts?state=firing&limit=50")]);
  $("who").textContent = me.email + " (" + me.role + ")";
  const counts = { up: 0, down: 0, other: 0 };
  const body = $("targets").querySelector("tbody");
  body.replaceChildren();
  for (const t of list.items) {
    counts[t.state === "up" || t.state === "down" ? t.state : "other"]++;
    const row = document.createElement("tr");
    row.dataset.id = t.id;
    const pct = (v) => (v == null ? "-" : v.toFixed(2) + " %");
    const up = t.uptime_percent || {};
    row.append(text("td", t.id), document.createElement("td"), text("td", pct(up["24h"])), text("td", pct(up["7d"])),
               text("td", pct(up["30d"])),
               text("td", t.status && t.status.http_status ? t.status.http_status : "-"),
               text("td", t.status && t.status.total_ms != null ? t.status.total_ms.toFixed(1) + " ms" : "-"),
               text("td", ago(t.status && t.status.checked_at)), document.createElement("td"));
    row.children[1].append(text("span", t.state, "state " + t.state));
    if (t.status && t.status.error_message) row.children[1].title = t.status.error_message;
    // In a maintenance window the state is shown as checked, marked: it alerts no one.
    if (t.status && t.status.in_maintenance) row.children[1].append(text("span", "maintenance", "state maintenance"));
    const pause = text("button", t.enabled ? "Pause" : "Resume");
    pause.addEventListener("click", (ev) => { ev.stopPropagation(); call("PATCH", "/targets/" + encodeURIComponent(t.id), { enabled: !t.enabled }).then(refresh); });
    const del = text("button", "Delete");
    del.addEventListener("click", (ev) => {
      ev.stopPropagation();
      if (confirm("Delete " + t.id + "?")) call("DELETE", "/targets/" + encodeURIComponent(t.id)).then(refresh);
    });
    const edit = text("button", "Edit");
    edit.addEventListener("click", (ev) => {
      ev.stopPropagation();
      editing = t.id;
      $("add-id").value = t.id;
      $("add-id").disabled = true;
      $("add-url").value = t.url;
      $("add-interval").value = t.interval || "30s";
      $("add-button").textContent = "Save";
      $("add-title").textContent = "Change " + t.id;
    });
    row.children[8].append(edit, " ", pause, " ", del);
    row.addEventListener("click", () => { selected = t.id; details(); });
    body.append(row);
  }
  $("summary").replaceChildren(text("span", counts.up + " up"), text("span", counts.down + " down"),
                               text("span", counts.other + " other"), text("span", alerts.items.length + " alerts firing"));
  $("alerts").replaceChildren(...alerts.items.map((a) => text("li", a.severity + ": " + a.summary)));
  if (selected) details();
}

async function details() {
  const id = encodeURIComponent(selected);
  const [day, week, month] = await Promise.all([call("GET", "/targets/" + id + "/stats?since=24h&step=16m"),
                                                call("GET", "/targets/" + id + "/stats?since=7d"),
                                                call("GET", "/targets/" + id + "/stats?since=30d")]);
  const pct = (s) => (s.uptime_percent == null ? "-" : s.uptime_percent.toFixed(2) + " %");
  $("details").hidden = false;
  $("details-title").textContent = selected;
  $("details-uptime").textContent = "Uptime: 24 h " + pct(day) + " · 7 d " + pct(week) + " · 30 d " + pct(month) +
      (day.latency_ms.p95 != null ? " · p95 " + day.latency_ms.p95.toFixed(1) + " ms" : "");
  // The last 90 intervals of 16 minutes (24 h), one bar each; hover shows time and outcome.
  const byTime = new Map(day.series.map((s) => [s.at, s]));
  const step = day.step_seconds, end = Math.floor(Date.now() / 1000 / step) * step;
  const bars = [];
  for (let i = 89; i >= 0; --i) {
    const at = end - i * step, s = byTime.get(at);
    const bar = document.createElement("span");
    if (s) bar.className = s.down === 0 ? "up" : s.up === 0 ? "down" : "mixed";
    bar.title = new Date(at * 1000).toLocaleString() + (s ? ": " + s.up + " up, " + s.down + " down" : ": no checks") +
                (s && s.last_error ? "\n" + s.last_error : "");
    bars.push(bar);
  }
  $("details-bars").replaceChildren(...bars);
  // p95 of total time, and the average of each phase under it.
  const points = day.series.filter((s) => s.p95_ms != null);
  const most = Math.max(1, ...points.map((s) => s.p95_ms));
  const x = (s) => ((s.at - (end - 89 * step)) / (90 * step) * 900).toFixed(1);
  const y = (v) => (150 - v / most * 140).toFixed(1);
  const svg = "http://www.w3.org/2000/svg";
  const lines = [["p95", (s) => s.p95_ms], ["first byte", (s) => s.phases_ms.first_byte], ["tls", (s) => s.phases_ms.tls],
                 ["connect", (s) => s.phases_ms.connect], ["dns", (s) => s.phases_ms.dns]];
  const drawn = [];
  lines.forEach(([name, value], i) => {
    const pts = points.filter((s) => value(s) != null);
    if (!pts.length) return;
    const line = document.createElementNS(svg, "polyline");
    line.setAttribute("class", "series-" + i);
    // One interval so far: a short flat line, since a line needs two points.
    line.setAttribute("points", (pts.length === 1 ? [pts[0], Object.assign({}, pts[0], { at: pts[0].at + step / 2 })] : pts)
                                    .map((s) => x(s) + "," + y(value(s))).join(" "));
    const label = document.createElementNS(svg, "title");
    label.textContent = name;
    line.append(label);
    drawn.push(line);
  });
  $("details-chart").replaceChildren(...drawn);
  $("details-legend").textContent = "p95 total (blue), first byte, tls, connect, dns (averages)";
}

function start() {
  show(true);
  refresh().catch((e) => ($("add-error").textContent = e.message));
  clearInterval(timer);
  timer = setInterval(() => refresh().catch(() => {}), 3000);
}

$("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn(false); });
$("signup-button").addEventListener("click", () => signIn(true));
$("signout").addEventListener("click", signOut);
$("add-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("add-error").textContent = "";
  const body = { url: $("add-url").value, interval: $("add-interval").value };
  try {
    if (editing) {
      await call("PATCH", "/targets/" + encodeURIComponent(editing), body);
    } else {
      if ($("add-id").value) body.id = $("add-id").value;
      await call("POST", "/targets", body);
    }
    editing = null;
    $("add-form").reset();
    $("add-id").disabled = false;
    $("add-button").textContent = "Add";
    $("add-title").textContent = "Add a target";
    refresh();
  } catch (e) {
    $("add-error").textContent = e.message;
  }
});
if (token) start(); else show(false);
