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
// (the server answered with an error status).
function setOutcome(state, sentence) {
  const outcome = document.getElementById('outcome');
  outcome.dataset.outcome = state;
  outcome.textContent = sentence;
}

// Each tab gets an id, added to its requests as ?tab=…, so the server can
// show this tab (and only this tab) what its own clicks sent.
const tabId = Math.random().toString(36).slice(2, 10);

function tagged(url) {
  return `${url}${url.includes('?') ? '&' : '?'}tab=${tabId}`;
}
