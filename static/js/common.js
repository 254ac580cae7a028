// Shared by every page: where the API origin is, and how a page shows
// standings and reports what happened.

// The API origin has this page's own host name (localhost, 127.0.0.1, [::1]
// or a LAN name), over HTTPS, on the API port the server told us.
function apiOrigin() {
  return `https://${location.hostname}:${document.body.dataset.apiPort}`;
}

function showStandings(html) {
  document.getElementById('standings').innerHTML = html;
}

// state is 'pending', 'ok', 'blocked' (the browser refused) or 'error'
// (the server answered with an error status). The outcome line says it, and
// so does the result beside the button that was clicked (`button`).
function setOutcome(state, sentence, button = 'refresh') {
  for (const line of [document.getElementById('outcome'), resultFor(button)]) {
    if (!line) continue;
    line.dataset.outcome = state;
    (line.querySelector('.said') || line).textContent = sentence;
    const wire = line.querySelector('.wire');
    if (wire && state === 'pending') wire.hidden = true;
  }
}

function resultFor(button) {
  return document.querySelector(`[data-result-for="${button}"]`);
}

// The button whose click is sending right now, so the inspector can show the
// exchange it explains beside that button too.
let sendingFor = null;
let lastSentFor = null;

function sendFor(button, send) {
  sendingFor = lastSentFor = button;
  try {
    return send();
  } finally {
    sendingFor = null;
  }
}

// Each tab gets an id, added to its requests as ?tab=…, so the server can
// show this tab (and only this tab) what its own clicks sent.
const tabId = Math.random().toString(36).slice(2, 10);

function tagged(url) {
  return `${url}${url.includes('?') ? '&' : '?'}tab=${tabId}`;
}
