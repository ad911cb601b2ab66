'use strict';
// The capture desk page. No inline script or style anywhere (the Content-Security-Policy allows none):
// everything is built here with DOM calls. Changes go out as JSON with the session's CSRF token.
(function () {
  const SVG = 'http://www.w3.org/2000/svg';

  if (document.body.id === 'login-page') {
    if (new URLSearchParams(location.search).has('refused')) {
      document.getElementById('login-refused').hidden = false;
    }
    return;
  }

  const scan = document.getElementById('scan');
  let csrf = null;
  let shownPhoto = -1;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function message(text) {
    document.getElementById('message').textContent = text || '';
  }

  // A keyboard-wedge scanner types into whatever has the focus: the scan field keeps it, and takes it
  // back whenever a click elsewhere (a withdraw button) is over.
  function keepFocus() {
    if (document.activeElement !== scan) {
      scan.focus();
    }
  }
  document.addEventListener('focusout', () => setTimeout(keepFocus, 100));
  document.addEventListener('click', () => setTimeout(keepFocus, 100));

  document.getElementById('scan-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = scan.value.trim();
    scan.value = '';
    if (code) {
      post('/api/scan', { code: code });
    }
  });

  document.getElementById('logout').addEventListener('submit', async (event) => {
    event.preventDefault();
    await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
    location.href = '/login';
  });

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    });
    message(response.ok ? '' : (await response.text()));
    refresh();
    return response;
  }

  async function refresh() {
    const response = await fetch('/api/state', { credentials: 'same-origin' });
    if (response.status === 401) {
      location.href = '/login';
      return;
    }
    const state = await response.json();
    csrf = state.csrf;
    renderPairing(state.pairing);
    renderPhoto(state.photo);
    renderQueue(state.queue);
    renderUpload(state.upload);
    renderHealth(state.health);
    renderNotes(state.notes);
  }

  function renderPairing(pairing) {
    const box = document.getElementById('pairing');
    if (pairing.codeId) {
      box.className = 'pairing open';
      box.textContent = 'Code ' + pairing.codeId + ': the next photo is sealed for it';
    } else {
      box.className = 'pairing idle';
      box.textContent = 'No code scanned: scan the graduate\u2019s code before the photo.';
    }
    box.id = 'pairing';
  }

  const VERDICTS = {
    'accepted': 'Accepted: sealed and queued',
    'accepted-with-warnings': 'Accepted with warnings: sealed and queued',
    'refused': 'Refused: retake the photo',
    'not-paired': 'Not paired with a code: scan, then retake'
  };

  function renderPhoto(photo) {
    if (!photo.number || photo.number === shownPhoto) {
      return;
    }
    shownPhoto = photo.number;
    const verdict = document.getElementById('verdict');
    verdict.className = 'verdict ' + photo.verdict;
    verdict.textContent = VERDICTS[photo.verdict] + (photo.codeId ? ' \u00b7 code ' + photo.codeId : '')
      + ' \u00b7 ' + photo.name;
    const findings = document.getElementById('findings');
    findings.replaceChildren();
    (photo.findings || []).forEach((finding) => {
      findings.appendChild(el('li', finding.severity + ' ' + finding.check + ': ' + finding.message, finding.severity));
    });
    document.getElementById('refusal').textContent = (photo.findings && photo.findings.length) ? ''
      : (photo.refusal || '');
    const frame = document.getElementById('photo-frame');
    if (!photo.image) {
      frame.hidden = true;
      return;
    }
    frame.hidden = false;
    document.getElementById('photo').src = '/api/photo?n=' + photo.number;
    drawOverlay(photo);
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach((name) => node.setAttribute(name, attributes[name]));
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // What the checks measured, drawn over the photo in its own pixels: red where a check failed.
  function drawOverlay(photo) {
    const overlay = document.getElementById('overlay');
    overlay.replaceChildren();
    const measured = photo.measurements;
    if (!measured) {
      return;
    }
    overlay.setAttribute('viewBox', '0 0 ' + measured.width + ' ' + measured.height);
    const failed = new Set((photo.findings || []).map((finding) => finding.check));
    const colour = (check) => (failed.has(check) ? '#ff3b30' : '#34c759');
    measured.backgroundSamples.forEach((sample) => {
      overlay.appendChild(svg('rect', {
        x: sample.x + 1, y: sample.y + 1, width: Math.max(0, sample.width - 2), height: Math.max(0, sample.height - 2),
        fill: 'none', stroke: colour('background'), 'stroke-width': 2, 'stroke-dasharray': '6 4',
        'class': 'overlay-sample'
      }));
      overlay.appendChild(svg('rect', {
        x: sample.x + 6, y: sample.y + 6, width: 18, height: 18, fill: sample.colour, stroke: '#000', 'stroke-width': 1
      }));
    });
    overlay.appendChild(svg('text', { x: 30, y: 22, 'class': 'overlay-label' },
      'background ' + measured.background + (failed.has('background') ? ' \u2717' : ' \u2713')));
    const head = measured.head;
    if (head.problem) {
      overlay.appendChild(svg('text', { x: 10, y: measured.height / 2, 'class': 'overlay-label' }, head.problem));
      return;
    }
    overlay.appendChild(svg('rect', {
      x: head.faceLeft, y: head.top, width: head.faceWidth, height: head.chin - head.top,
      fill: 'none', stroke: colour('face-width'), 'stroke-width': 3, 'class': 'overlay-face'
    }));
    overlay.appendChild(svg('text', { x: head.faceLeft, y: Math.max(14, head.top - 6), 'class': 'overlay-label' },
      'face ' + head.faceWidth + ' px' + (failed.has('face-width') ? ' \u2717' : '')));
    overlay.appendChild(svg('line', {
      x1: 0, y1: head.eyeLine, x2: measured.width, y2: head.eyeLine,
      stroke: colour('eye-line'), 'stroke-width': 3, 'class': 'overlay-eye-line'
    }));
    overlay.appendChild(svg('text', { x: 6, y: head.eyeLine - 6, 'class': 'overlay-label' },
      'eye line ' + head.eyeLine + ' px' + (failed.has('eye-line') ? ' \u2717' : '')));
  }

  function renderQueue(queue) {
    const rows = document.getElementById('queue');
    rows.replaceChildren();
    queue.slice().reverse().forEach((entry) => {
      const row = el('tr');
      row.appendChild(el('td', entry.shortId));
      row.appendChild(el('td', entry.codeId));
      row.appendChild(el('td', entry.state, 'state-' + entry.state));
      row.appendChild(el('td', Math.round(entry.length / 1024) + ' KiB'));
      row.appendChild(el('td', entry.reason || (entry.state === 'failed' ? entry.lastError : '')));
      const action = el('td');
      if (entry.withdrawable) {
        const button = el('button', 'Withdraw', 'withdraw');
        button.type = 'button';
        button.dataset.entry = entry.entry;
        button.addEventListener('click', () => post('/api/withdraw', { entry: entry.entry }));
        action.appendChild(button);
      }
      row.appendChild(action);
      rows.appendChild(row);
    });
  }

  function renderUpload(upload) {
    const list = document.getElementById('upload');
    list.replaceChildren();
    const add = (term, value) => {
      list.appendChild(el('dt', term));
      list.appendChild(el('dd', value));
    };
    add('Window', (upload.window || 'always') + (upload.windowOpen ? ' (open now)' : ' (closed now)'));
    add('Next check', upload.nextCheck ? new Date(upload.nextCheck).toLocaleTimeString() : '\u2013');
    upload.inFlight.forEach((entry) => add('Sending', entry.entry.substring(0, 8) + ': '
      + Math.round(100 * entry.bytes / Math.max(1, entry.length)) + ' %'));
    add('Last run', upload.lastRun ? upload.lastRun + ' (' + new Date(upload.lastRunAt).toLocaleTimeString() + ')'
      : 'none yet');
  }

  const HEALTH = {
    registry: 'Registry', certificate: 'Station certificate', trustBundle: 'Trust bundle',
    clockSkew: 'Clock', disk: 'Free disk'
  };

  function renderHealth(health) {
    const list = document.getElementById('health');
    list.replaceChildren();
    Object.keys(HEALTH).forEach((key) => {
      const item = el('li');
      item.id = 'health-' + key;
      item.appendChild(el('span', null, 'dot ' + health[key].state));
      item.appendChild(el('strong', HEALTH[key] + ': '));
      item.appendChild(document.createTextNode(health[key].detail || ''));
      list.appendChild(item);
    });
  }

  function renderNotes(notes) {
    const list = document.getElementById('notes');
    list.replaceChildren();
    notes.slice(0, 12).forEach((note) => {
      list.appendChild(el('li', new Date(note.at).toLocaleTimeString() + ' ' + note.text, note.level));
    });
  }

  setInterval(refresh, 700);
  refresh();
  keepFocus();
}());
