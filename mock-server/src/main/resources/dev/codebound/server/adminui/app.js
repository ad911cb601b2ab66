// The Codebound mock registry's admin web page. Reads and changes everything through the admin API,
// with the session cookie (HttpOnly: never seen here) and the session's CSRF token in a header on
// every change. Data from the server is only ever put into the page as text, never as HTML.
'use strict';

const state = { csrfToken: null, tab: 'photos' };
const PANELS = ['photos', 'stations', 'journal', 'faults', 'log'];
const JOURNAL_LIMIT = 500;
const LOG_ENTRIES = 50;

function $(id) {
  return document.getElementById(id);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach((cell) => tr.appendChild(cell instanceof Node ? cell : element('td', cell)));
  return tr;
}

function cell(text, className) {
  return element('td', text, className);
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '';
}

function show(text, ok) {
  const box = $('message');
  box.textContent = text;
  box.className = 'message ' + (ok ? 'ok' : 'failed');
  box.hidden = false;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'the registry answered ' + status);
    this.status = status;
    this.reason = problem && problem.reason;
  }
}

async function api(method, path, body, contentType) {
  const headers = {};
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = state.csrfToken;
  }
  if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/json';
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401) {
      showLogin(false);
    }
    throw new ApiError(response.status, typeof payload === 'object' ? payload : null);
  }
  return payload;
}

function showLogin(refused) {
  PANELS.forEach((id) => { $(id).hidden = true; });
  $('tabs').hidden = true;
  $('session').hidden = true;
  $('login').hidden = false;
  $('login-refused').hidden = !refused;
  $('token').focus();
}

async function start() {
  let session;
  try {
    session = await api('GET', '/admin/ui/session');
  } catch (e) {
    showLogin(new URLSearchParams(window.location.search).get('login') === 'refused');
    return;
  }
  state.csrfToken = session.csrfToken;
  if (window.location.search) {
    window.history.replaceState(null, '', '/admin/ui/');
  }
  $('login').hidden = true;
  $('tabs').hidden = false;
  $('session').hidden = false;
  $('expires').textContent = 'Session until ' + new Date(session.expiresAt).toLocaleTimeString([],
    { hour: '2-digit', minute: '2-digit' });
  const requested = window.location.hash.replace('#', '');
  select(PANELS.includes(requested) ? requested : 'photos');
}

function select(tab) {
  state.tab = tab;
  $('message').hidden = true;
  PANELS.forEach((id) => { $(id).hidden = id !== tab; });
  document.querySelectorAll('.tab').forEach((button) => {
    button.classList.toggle('active', button.dataset.tab === tab);
  });
  window.history.replaceState(null, '', '#' + tab);
  refresh(tab);
}

async function refresh(tab) {
  try {
    await LOADERS[tab]();
  } catch (e) {
    show(e.message, false);
  }
}

async function loadPhotos() {
  const codes = await api('GET', '/admin/v1/codes');
  const list = $('photo-list');
  const cards = [];
  let without = 0;
  for (const code of codes) {
    const photos = await api('GET', '/admin/v1/codes/' + encodeURIComponent(code.codeId) + '/photos');
    if (photos.versions.length === 0) {
      without++;
      continue;
    }
    cards.push(photoCard(code, photos.versions));
  }
  list.replaceChildren(...cards);
  if (cards.length === 0) {
    list.appendChild(element('p', 'No photo received yet.', 'hint'));
  }
  $('codes-without-photos').textContent = without === 0 ? '' : without + ' issued code(s) without a photo yet.';
}

function photoCard(code, versions) {
  const card = element('div', null, 'code');
  const title = element('div', null, 'code-title');
  title.appendChild(element('strong', code.codeId));
  title.appendChild(element('span', 'school ' + code.schoolCode + ', cohort ' + code.cohort, 'hint'));
  if (code.revokedAt) {
    title.appendChild(element('span', 'revoked', 'status-revoked'));
  }
  card.appendChild(title);
  const strip = element('div', null, 'versions');
  versions.forEach((photo) => {
    const figure = element('figure', null, 'version');
    const link = element('a');
    link.href = photo.photoPath;
    link.target = '_blank';
    link.rel = 'noopener';
    const image = element('img');
    image.src = photo.photoPath;
    image.alt = 'version ' + photo.version + ' of ' + code.codeId;
    image.loading = 'lazy';
    link.appendChild(image);
    figure.appendChild(link);
    const caption = element('figcaption');
    caption.appendChild(element('div', 'v' + photo.version + ' · ' + photo.stationId));
    caption.appendChild(element('div', when(photo.acceptedAt)));
    figure.appendChild(caption);
    strip.appendChild(figure);
  });
  card.appendChild(strip);
  return card;
}

async function loadStations() {
  const stations = await api('GET', '/admin/v1/stations');
  const rows = stations.map((station) => {
    const action = cell('');
    if (!station.revokedAt) {
      const button = element('button', 'Revoke', 'danger');
      button.type = 'button';
      button.addEventListener('click', () => revokeStation(station.stationId));
      action.appendChild(button);
    }
    return row([cell(station.stationId, 'mono'), cell(station.serialHex, 'mono'), cell(when(station.enrolledAt)),
      cell(when(station.notAfter)),
      station.revokedAt ? cell('revoked ' + when(station.revokedAt), 'status-revoked') : cell('active', 'status-ok'),
      action]);
  });
  $('station-rows').replaceChildren(...rows);
  if (rows.length === 0) {
    $('station-rows').appendChild(row([cell('No station enrolled yet.')]));
  }
}

async function revokeStation(stationId) {
  if (!window.confirm('Revoke station ' + stationId + '? Its requests are refused at once.')) {
    return;
  }
  try {
    await api('POST', '/admin/v1/stations/' + encodeURIComponent(stationId) + '/revocation',
      JSON.stringify({ note: 'revoked from the admin web page' }));
    show('Station ' + stationId + ' revoked.', true);
    await loadStations();
  } catch (e) {
    show('Station not revoked: ' + e.message, false);
  }
}

async function loadJournal() {
  const journal = await api('GET', '/admin/journal?limit=' + JOURNAL_LIMIT);
  state.journal = journal.entries;
  renderJournal();
}

function renderJournal() {
  const method = $('filter-method').value;
  const route = $('filter-route').value.trim();
  const status = $('filter-status').value;
  const faultsOnly = $('filter-fault').checked;
  const rows = (state.journal || []).filter((entry) =>
    (!method || entry.method === method)
    && (!route || entry.route.includes(route))
    && (!status || (status === '0' ? entry.status === 0 : String(entry.status).startsWith(status)))
    && (!faultsOnly || entry.fault)).map((entry) =>
    row([cell(entry.sequence), cell(when(entry.time)), cell(entry.method), cell(entry.route, 'mono'),
      cell(entry.status === 0 ? 'no answer' : entry.status), cell(entry.durationMs), cell(entry.bytes),
      cell(entry.fault || '', 'fault')]));
  $('journal-rows').replaceChildren(...rows);
}

async function loadFaults() {
  const faults = await api('GET', '/admin/faults');
  $('fault-seed').textContent = faults.seed;
  $('fault-plan').value = JSON.stringify(faults.plan, null, 2);
  $('fault-counters').textContent = JSON.stringify(faults.rules, null, 2);
}

async function applyFaults() {
  try {
    const faults = await api('PUT', '/admin/faults', $('fault-plan').value);
    show('Fault plan applied: ' + faults.plan.rules.length + ' rule(s), seed ' + faults.seed + '.', true);
    await loadFaults();
  } catch (e) {
    show('Fault plan not applied: ' + e.message, false);
  }
}

async function clearFaults() {
  try {
    await api('DELETE', '/admin/faults');
    show('Every fault rule removed.', true);
    await loadFaults();
  } catch (e) {
    show('Fault plan not cleared: ' + e.message, false);
  }
}

async function loadLog() {
  const checkpoint = await api('GET', '/registry/v1/log/checkpoint');
  $('checkpoint').textContent = checkpoint;
  const size = Number(checkpoint.split('\n')[1]);
  const start = Math.max(0, size - LOG_ENTRIES);
  const rows = [];
  if (size > 0) {
    const page = await api('GET', '/registry/v1/log/entries?start=' + start + '&end=' + size);
    page.entries.reverse().forEach((entry) => rows.push(row([cell(entry.index), cell(when(entry.acceptedAt)),
      cell(entry.codeId, 'mono'), cell(entry.stationId, 'mono'), cell(entry.envelopeSha256, 'mono')])));
  }
  $('log-rows').replaceChildren(...rows);
}

const LOADERS = { photos: loadPhotos, stations: loadStations, journal: loadJournal, faults: loadFaults, log: loadLog };

async function logout() {
  try {
    await api('POST', '/admin/ui/logout');
  } finally {
    state.csrfToken = null;
    showLogin(false);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('.tab').forEach((button) => {
    button.addEventListener('click', () => select(button.dataset.tab));
  });
  document.querySelectorAll('.refresh').forEach((button) => {
    button.addEventListener('click', () => refresh(button.dataset.refresh));
  });
  ['filter-method', 'filter-route', 'filter-status', 'filter-fault'].forEach((id) => {
    $(id).addEventListener('input', renderJournal);
  });
  $('journal-filters').addEventListener('submit', (event) => event.preventDefault());
  $('fault-apply').addEventListener('click', applyFaults);
  $('fault-clear').addEventListener('click', clearFaults);
  $('logout').addEventListener('click', logout);
  start();
});
