// Switchboard monitoring page: reads GET /admin/ui/feed (SSE) with fetch, since EventSource cannot send the
// Authorization header. The admin token is kept in sessionStorage (this tab only) and never put in a URL.
'use strict';
(function () {
  const TOKEN_KEY = 'switchboard.adminToken';
  const FEED = '/admin/ui/feed';
  const $ = (id) => document.getElementById(id);
  let controller = null;
  let retryTimer = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function setStatus(text, cls) {
    const s = $('status');
    s.textContent = text;
    s.className = 'status ' + (cls || '');
  }

  function showError(message) { $('error').textContent = message || ''; }

  function signedOut(message) {
    if (controller) { controller.abort(); controller = null; }
    clearTimeout(retryTimer);
    sessionStorage.removeItem(TOKEN_KEY);
    $('dashboard').hidden = true;
    $('login-panel').hidden = false;
    $('logout').hidden = true;
    setStatus('signed out', 'down');
    showError(message);
  }

  async function connect() {
    clearTimeout(retryTimer);
    if (controller) { controller.abort(); }
    controller = new AbortController();
    const headers = { 'Accept': 'text/event-stream' };
    if (token()) { headers['Authorization'] = 'Bearer ' + token(); }
    setStatus('connecting');
    let response;
    try {
      response = await fetch(FEED, { headers, signal: controller.signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') { return; }
      return retry('cannot reach the gateway: ' + e.message);
    }
    if (response.status === 401) {
      return signedOut(token() ? 'The admin token was refused (401 UNAUTHORIZED). Enter a valid token.'
          : 'This admin API needs a token (401 UNAUTHORIZED).');
    }
    if (!response.ok) {
      let detail = response.status + '';
      try { const body = await response.json(); detail += ' ' + body.code + ': ' + body.error; } catch (e) { /* not JSON */ }
      return retry('the feed answered ' + detail);
    }
    $('login-panel').hidden = true;
    $('logout').hidden = false;
    showError('');
    setStatus('live', 'live');
    try {
      await readEvents(response.body, (type, data) => {
        if (type === 'fleet') { render(JSON.parse(data)); }
      });
      retry('the feed ended');
    } catch (e) {
      if (e.name !== 'AbortError') { retry('the feed broke: ' + e.message); }
    }
  }

  function retry(message) {
    setStatus('reconnecting', 'down');
    showError(message + '; retrying in 3 s');
    retryTimer = setTimeout(connect, 3000);
  }

  // A minimal SSE parser (event and data fields, blank line ends an event; comments ignored).
  async function readEvents(body, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let type = 'message';
    let data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) { return; }
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length) { onEvent(type, data.join('\n')); }
          type = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? '' : line.slice(colon + 1);
          if (val.startsWith(' ')) { val = val.slice(1); }
          if (field === 'event') { type = val; } else if (field === 'data') { data.push(val); }
        }
      }
    }
  }

  function cell(row, text, cls) {
    const td = row.insertCell();
    td.textContent = text;
    if (cls) { td.className = cls; }
    return td;
  }

  function fill(tableId, items, rowOf, empty) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    if (!items.length) {
      const row = body.insertRow();
      const td = cell(row, empty, 'empty');
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
      return;
    }
    items.forEach((item) => rowOf(body.insertRow(), item));
  }

  const bytes = (n) => n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB' : (n / (1 << 20)).toFixed(0) + ' MiB';
  function duration(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) { return s + ' s'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min'; }
    if (s < 86400) { return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min'; }
    return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h';
  }
  const ago = (at, now) => at ? duration(Math.max(0, now - at)) + ' ago' : '–';
  const time = (at) => new Date(at).toLocaleTimeString();

  function sparkline(svgId, points, key) {
    const svg = $(svgId);
    svg.replaceChildren();
    if (points.length < 2) { return; }
    const values = points.map((p) => p[key]);
    const max = Math.max(1, ...values);
    const t0 = points[0].t;
    const span = Math.max(1, points[points.length - 1].t - t0);
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points.map((p) => ((p.t - t0) / span * 300).toFixed(1) + ','
        + (58 - p[key] / max * 50).toFixed(1)).join(' '));
    svg.append(line);
    $(svgId + '-max').textContent = '(max ' + max + ')';
  }

  function render(fleet) {
    $('dashboard').hidden = false;
    $('served-by').textContent = 'served by ' + fleet.served_by + ', updated ' + time(fleet.at);
    $('store-error').textContent = fleet.store_error || '';
    $('total-replicas').textContent = fleet.totals.replicas;
    $('total-streams').textContent = fleet.totals.streams;
    $('total-sessions').textContent = fleet.totals.mcp_sessions;
    const last = fleet.history[fleet.history.length - 1];
    $('events-rate').textContent = last ? last.events_per_second : 0;
    sparkline('chart-connections', fleet.history, 'connections');
    sparkline('chart-events', fleet.history, 'events_per_second');
    fill('replicas', fleet.replicas, (row, r) => {
      row.dataset.replica = r.replica;
      cell(row, r.replica + (r.draining ? ' (draining)' : ''));
      cell(row, r.streams, 'num streams');
      cell(row, r.mcp_sessions, 'num');
      cell(row, bytes(r.heap_used) + ' / ' + bytes(r.heap_max), 'num');
      cell(row, duration(r.uptime_ms), 'num');
      cell(row, ago(r.directory_heartbeat, fleet.at), 'num');
      cell(row, r.store);
    }, 'no replica');
    $('function-window').textContent = 'over the last ' + duration(fleet.function_window_ms);
    fill('functions', fleet.functions, (row, f) => {
      row.dataset.function = f.name;
      cell(row, f.name);
      cell(row, f.kind);
      const health = f.health + (f.unhealthy_on && f.unhealthy_on.length && fleet.totals.replicas > 1
          ? ' (on ' + f.unhealthy_on.join(', ') + ')' : '');
      cell(row, health, 'health health-' + f.health);
      cell(row, f.calls_per_second, 'num');
      cell(row, f.p50_ms === undefined ? '–' : f.p50_ms + ' ms', 'num');
      cell(row, f.p99_ms === undefined ? '–' : f.p99_ms + ' ms', 'num');
      cell(row, f.error_rate === undefined ? '–' : (f.error_rate * 100).toFixed(1) + ' %', 'num');
    }, 'no function registered');
    fill('servers', Object.entries(fleet.mcp_sessions_by_server), (row, [server, count]) => {
      cell(row, server);
      cell(row, count, 'num');
    }, 'no MCP session holds a stream');
    fill('topics', fleet.topics, (row, t) => {
      cell(row, t.topic);
      cell(row, t.subscribers, 'num');
    }, 'no topic has a subscriber');
    fill('problems', fleet.problems, (row, p) => {
      cell(row, time(p.at));
      cell(row, p.code, 'code');
      cell(row, p.status || '', 'num');
      cell(row, p.where);
      cell(row, p.replica);
    }, 'none');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      $('token').value = '';
      if (value) { sessionStorage.setItem(TOKEN_KEY, value); } else { sessionStorage.removeItem(TOKEN_KEY); }
      connect();
    });
    $('logout').addEventListener('click', () => signedOut(''));
    // a token kept from earlier in this tab: connect at once; else the form (submitted empty when the admin
    // API has no token)
    if (token()) { connect(); }
  });
})();
