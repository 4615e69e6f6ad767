// ebpm playground: the editor, the buttons and the live output. Everything shown is built with DOM calls and
// textContent, never as markup: event fields, clang's messages and bpf_printk lines are data.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const editor = $('editor'), gutter = $('gutter'), marks = $('marks'), tabs = $('tabs');
  const MAX_ROWS = 1000, MAX_PRINTK = 500;

  // the token came in the address; the cookie the server set carries it from now on
  if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);

  let program = {name: '', files: {}};
  let current = '';
  let diagnostics = [];
  let stream = null;
  let lines = 0;
  let columns = null;
  let eventCount = 0;

  function status(text, kind) {
    const s = $('status');
    s.textContent = text;
    s.className = 'pg-status' + (kind ? ' ' + kind : '');
  }

  async function api(path, body) {
    const init = body === undefined ? {} : {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)};
    const r = await fetch(path, init);
    let data;
    try { data = await r.json(); } catch (e) { data = {ok: false, message: r.status + ' ' + r.statusText}; }
    if (!r.ok) throw new Error(data.message || ('HTTP ' + r.status));
    return data;
  }

  function commit() { if (current) program.files[current] = editor.value; }

  function order(names) {
    const src = program.name + '.bpf.c', hdr = program.name + '.h';
    const rank = n => n === src ? 0 : n === hdr ? 1 : n.endsWith('.h') ? 2 : 3;
    return names.slice().sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  function load(p) {
    program = p;
    current = '';
    diagnostics = [];
    renderDiagnostics(null);
    show(order(Object.keys(p.files))[0]);
    $('save-name').value = p.name;
  }

  function renderTabs() {
    tabs.replaceChildren(...order(Object.keys(program.files)).map(name => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'pg-tab' + (name === current ? ' active' : '') + (diagnostics.some(d => d.file === name && d.severity === 'error') ? ' has-error' : '');
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', name === current ? 'true' : 'false');
      b.dataset.file = name;
      b.textContent = name;
      b.addEventListener('click', () => show(name));
      return b;
    }));
  }

  function show(name) {
    commit();
    current = name;
    editor.value = program.files[name];
    editor.scrollTop = 0;
    lines = 0;
    renderTabs();
    renderGutter();
  }

  function lineHeight() { return parseFloat(getComputedStyle(editor).lineHeight) || 20; }

  function renderGutter() {
    const n = editor.value.split('\n').length;
    const mine = new Map();
    for (const d of diagnostics) {
      if (d.file !== current || d.severity === 'note') continue;
      if (!mine.has(d.line) || d.severity === 'error') mine.set(d.line, d);
    }
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= n; i++) {
      const div = document.createElement('div');
      div.textContent = i;
      div.dataset.line = i;
      const d = mine.get(i);
      if (d) { div.className = d.severity; div.title = d.severity + ': ' + d.message; }
      frag.appendChild(div);
    }
    gutter.replaceChildren(frag);
    const top = parseFloat(getComputedStyle(editor).paddingTop) || 0;
    marks.replaceChildren(...[...mine.values()].map(d => {
      const m = document.createElement('div');
      m.className = 'pg-mark ' + d.severity;
      m.dataset.line = d.line;
      m.style.top = (top + (d.line - 1) * lineHeight()) + 'px';
      return m;
    }));
    lines = n;
    syncScroll();
  }

  function syncScroll() {
    gutter.scrollTop = editor.scrollTop;
    marks.style.transform = 'translate(' + (-editor.scrollLeft) + 'px,' + (-editor.scrollTop) + 'px)';
  }

  editor.addEventListener('scroll', syncScroll);
  editor.addEventListener('input', () => {
    program.files[current] = editor.value;
    if (editor.value.split('\n').length !== lines) renderGutter();
  });
  editor.addEventListener('keydown', e => {
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
    e.preventDefault();
    editor.setRangeText('\t', editor.selectionStart, editor.selectionEnd, 'end');
    program.files[current] = editor.value;
  });

  function goTo(file, line) {
    if (!(file in program.files)) return;
    if (file !== current) show(file);
    const text = editor.value;
    let at = 0;
    for (let i = 1; i < line && at >= 0; i++) at = text.indexOf('\n', at) + 1;
    editor.focus();
    editor.setSelectionRange(at, at);
    editor.scrollTop = Math.max(0, (line - 5) * lineHeight());
    syncScroll();
  }

  function renderDiagnostics(result) {
    const list = $('diagnostics');
    list.replaceChildren();
    const details = $('build-details');
    details.hidden = !result || !result.output;
    $('build-output').textContent = result && result.output ? result.output : '';
    if (!result) return;
    for (const d of diagnostics) {
      if (d.severity === 'note') continue;
      const li = document.createElement('li');
      li.className = d.severity;
      const where = document.createElement('a');
      where.href = '#';
      where.className = 'where';
      where.textContent = d.file + ':' + d.line + ':' + d.column;
      where.addEventListener('click', e => { e.preventDefault(); goTo(d.file, d.line); });
      const sev = document.createElement('span');
      sev.className = 'severity';
      sev.textContent = d.severity;
      const msg = document.createElement('span');
      msg.className = 'message';
      msg.textContent = d.message;
      li.append(where, ' ', sev, ' ', msg);
      list.appendChild(li);
    }
    if (!result.ok && diagnostics.length === 0) {
      const li = document.createElement('li');
      li.className = 'error';
      li.textContent = result.message;
      list.appendChild(li);
    }
  }

  function showBuild(result) {
    diagnostics = result.diagnostics || [];
    renderDiagnostics(result);
    renderTabs();
    renderGutter();
    const first = diagnostics.find(d => d.severity === 'error' && d.file in program.files);
    if (first) goTo(first.file, first.line);
  }

  function buttons(running) {
    $('build').disabled = running;
    $('run').disabled = running;
    $('stop').disabled = !running;
  }

  async function build() {
    commit();
    status('building ' + program.name + '…', 'busy');
    $('build').disabled = true;
    try {
      const r = await api('/api/build', program);
      showBuild(r);
      status(r.message, r.ok ? 'ok' : 'bad');
    } catch (e) {
      status(e.message, 'bad');
    } finally {
      $('build').disabled = stream !== null;
    }
  }

  async function run() {
    commit();
    status('building and loading ' + program.name + '…', 'busy');
    buttons(true);
    try {
      const r = await api('/api/run', program);
      if (r.stage === 'build' || r.ok) showBuild(r.ok ? {ok: true, diagnostics: []} : r);
      if (!r.ok) {
        status(r.message, 'bad');
        buttons(false);
        return;
      }
      clearOutput();
      status(r.message + ' (' + r.attachPoints.join(', ') + ')', 'running');
      follow();
    } catch (e) {
      status(e.message, 'bad');
      buttons(false);
    }
  }

  function follow() {
    stream = new EventSource('/api/events');
    stream.addEventListener('line', e => line(e.data));
    stream.addEventListener('note', e => note(e.data));
    stream.addEventListener('end', e => {
      stream.close();
      stream = null;
      status(e.data, /^failed/.test(e.data) ? 'bad' : 'ok');
      document.documentElement.dataset.run = 'ended';
      buttons(false);
    });
    stream.addEventListener('error', () => {
      if (!stream) return;
      stream.close();
      stream = null;
      status('lost the connection to ebpm playground', 'bad');
      buttons(false);
    });
    document.documentElement.dataset.run = 'running';
  }

  async function stop() {
    $('stop').disabled = true;
    try {
      const r = await api('/api/stop', {});
      status(r.message + '…', 'busy');
    } catch (e) {
      status(e.message, 'bad');
    }
  }

  function clearOutput() {
    columns = null;
    eventCount = 0;
    const table = $('events');
    table.tHead.rows[0].replaceChildren();
    table.tBodies[0].replaceChildren();
    $('no-events').hidden = false;
    $('no-events').textContent = 'No events yet.';
    $('event-count').textContent = '';
    const none = document.createElement('p');
    none.className = 'empty';
    none.textContent = 'No sampled map has reported yet.';
    $('histograms').replaceChildren(none);
    $('printk').replaceChildren();
    $('notes').replaceChildren();
  }

  // ebpm run --json prints three kinds of line: bpf_printk lines, histogram samples, and events
  function line(text) {
    let o;
    try { o = JSON.parse(text); } catch (e) { note(text); return; }
    const keys = Object.keys(o);
    if (keys.length === 3 && 'bpf_printk' in o && 'comm' in o && 'pid' in o) printk(o);
    else if (keys.length === 3 && 'map' in o && 'unit' in o && Array.isArray(o.buckets)) histogram(o);
    else event(o);
  }

  function time() {
    const d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
  }

  function event(o) {
    const table = $('events');
    if (columns === null) {
      columns = Object.keys(o);
      const head = table.tHead.rows[0];
      head.replaceChildren(...['time', ...columns].map(c => {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = c;
        return th;
      }));
      $('no-events').hidden = true;
    }
    const tr = document.createElement('tr');
    const cell = (v, numeric) => {
      const td = document.createElement('td');
      if (numeric) td.className = 'num';
      td.textContent = v;
      tr.appendChild(td);
    };
    cell(time(), false);
    for (const c of columns) {
      const v = o[c];
      cell(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v), typeof v === 'number');
    }
    const body = table.tBodies[0];
    body.appendChild(tr);
    if (body.rows.length > MAX_ROWS) body.deleteRow(0);
    eventCount++;
    $('event-count').textContent = eventCount + (eventCount > MAX_ROWS ? ' (the last ' + MAX_ROWS + ' shown)' : '');
    const wrap = table.parentElement;
    wrap.scrollTop = wrap.scrollHeight;
  }

  function histogram(h) {
    const box = $('histograms');
    box.querySelectorAll('p.empty').forEach(p => p.remove());
    let fig = [...box.children].find(f => f.dataset.map === h.map);
    if (!fig) {
      fig = document.createElement('figure');
      fig.className = 'pg-histogram';
      fig.dataset.map = h.map;
      box.appendChild(fig);
    }
    let last = -1, max = 0, total = 0;
    h.buckets.forEach((b, i) => { if (b.count > 0) last = i; max = Math.max(max, b.count); total += b.count; });
    const caption = document.createElement('figcaption');
    caption.textContent = h.map + ' (' + h.unit + ', ' + total + ' samples)';
    const rows = h.buckets.slice(0, last + 1).map(b => {
      const row = document.createElement('div');
      row.className = 'pg-bar-row';
      const label = document.createElement('span');
      label.className = 'pg-bar-label';
      label.textContent = b.low + ' → ' + b.high;
      const track = document.createElement('span');
      track.className = 'pg-bar-track';
      const bar = document.createElement('span');
      bar.className = 'pg-bar';
      bar.style.width = (max === 0 ? 0 : (100 * b.count / max)) + '%';
      track.appendChild(bar);
      const count = document.createElement('span');
      count.className = 'pg-bar-count';
      count.textContent = b.count;
      row.append(label, track, count);
      return row;
    });
    fig.replaceChildren(caption, ...rows);
  }

  function printk(p) {
    const list = $('printk');
    const li = document.createElement('li');
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = time() + ' ' + p.comm + '-' + p.pid;
    li.append(who, ' ', p.bpf_printk);
    list.appendChild(li);
    if (list.children.length > MAX_PRINTK) list.firstElementChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function note(text) {
    const li = document.createElement('li');
    li.textContent = text;
    $('notes').appendChild(li);
  }

  async function sources() {
    try {
      const s = await api('/api/sources');
      const select = $('source');
      const group = (label, items) => {
        if (items.length === 0) return;
        const g = document.createElement('optgroup');
        g.label = label;
        g.append(...items);
        select.appendChild(g);
      };
      group('installed packages', s.installed.map(p => {
        const o = document.createElement('option');
        o.value = 'package:' + p.name;
        o.textContent = p.name + ' ' + p.version;
        o.title = p.description || '';
        return o;
      }));
      group('examples', s.examples.map(name => {
        const o = document.createElement('option');
        o.value = 'example:' + name;
        o.textContent = name;
        return o;
      }));
    } catch (e) {
      status(e.message, 'bad');
    }
  }

  async function open(from) {
    try {
      load(await api('/api/source?from=' + encodeURIComponent(from)));
      status('ready', '');
    } catch (e) {
      status(e.message, 'bad');
    }
  }

  $('source').addEventListener('change', e => open(e.target.value));
  $('build').addEventListener('click', build);
  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', stop);
  $('save-form').addEventListener('submit', async e => {
    e.preventDefault();
    commit();
    const out = $('save-result');
    try {
      const r = await api('/api/save', {as: $('save-name').value, program});
      out.className = 'pg-save-result ok';
      out.textContent = r.message;
    } catch (err) {
      out.className = 'pg-save-result bad';
      out.textContent = err.message;
    }
  });

  sources();
  open('template:');
})();
