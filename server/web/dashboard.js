// The dashboard: signs in against /api/v1, then shows every target the user may see and
// keeps it current by polling. Plain JavaScript; nothing is fetched from outside this server.
"use strict";

const api = "/api/v1";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("watchpost.token");
let selected = null;
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
  const [me, list, alerts] = await Promise.all([call("GET", "/me"), call("GET", "/targets?limit=500"),
                                               call("GET", "/alerts?state=firing&limit=50")]);
  $("who").textContent = me.email + " (" + me.role + ")";
  const counts = { up: 0, down: 0, other: 0 };
  const body = $("targets").querySelector("tbody");
  body.replaceChildren();
  for (const t of list.items) {
    counts[t.state === "up" || t.state === "down" ? t.state : "other"]++;
    const row = document.createElement("tr");
    row.dataset.id = t.id;
    row.append(text("td", t.id), document.createElement("td"),
               text("td", t.status && t.status.http_status ? t.status.http_status : "-"),
               text("td", t.status && t.status.total_ms != null ? t.status.total_ms.toFixed(1) + " ms" : "-"),
               text("td", ago(t.status && t.status.checked_at)), document.createElement("td"));
    row.children[1].append(text("span", t.state, "state " + t.state));
    if (t.status && t.status.error_message) row.children[1].title = t.status.error_message;
    const pause = text("button", t.enabled ? "Pause" : "Resume");
    pause.addEventListener("click", (ev) => { ev.stopPropagation(); call("PATCH", "/targets/" + encodeURIComponent(t.id), { enabled: !t.enabled }).then(refresh); });
    const del = text("button", "Delete");
    del.addEventListener("click", (ev) => {
      ev.stopPropagation();
      if (confirm("Delete " + t.id + "?")) call("DELETE", "/targets/" + encodeURIComponent(t.id)).then(refresh);
    });
    row.children[5].append(pause, " ", del);
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
    bar.title = new Date(at * 1000).toLocaleString() + (s ? ": " + s.up + " up, " + s.down + " down" : ": no checks");
    bars.push(bar);
  }
  $("details-bars").replaceChildren(...bars);
  const points = day.series.filter((s) => s.p95_ms != null);
  const most = Math.max(1, ...points.map((s) => s.p95_ms));
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points.map((s) => ((s.at - (end - 89 * step)) / (90 * step) * 900).toFixed(1) + "," +
                                                (150 - s.p95_ms / most * 140).toFixed(1)).join(" "));
  // One interval so far: a dot, since a line needs two points.
  const dots = points.length === 1 ? [document.createElementNS("http://www.w3.org/2000/svg", "circle")] : [];
  for (const dot of dots) {
    const [x, y] = line.getAttribute("points").split(",");
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", y);
    dot.setAttribute("r", "4");
    dot.setAttribute("fill", "#1565c0");
  }
  $("details-chart").replaceChildren(line, ...dots);
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
  if ($("add-id").value) body.id = $("add-id").value;
  try {
    await call("POST", "/targets", body);
    $("add-form").reset();
    refresh();
  } catch (e) {
    $("add-error").textContent = e.message;
  }
});
if (token) start(); else show(false);
