// CORS: one button per kind of cross-origin request. Each entry below is
// exactly the request its button sends (the page prints each next to its
// button, from this very object).
const api = (path) => tagged(`${apiOrigin()}${path}`);
const json = { 'Content-Type': 'application/json' };

const requests = {
  // The tutorial's request: a form-encoded POST is "simple", so no preflight.
  'refresh': () => fetch(api('/cors/results'), { method: 'POST', body: new URLSearchParams({ standings: 'latest' }) }),
  'cors-simple-get': () => fetch(api('/cors/results')),
  'cors-simple-post': () => fetch(api('/cors/results'), { method: 'POST', body: new URLSearchParams({ standings: 'latest' }) }),
  // A JSON body is not a simple content type: the browser asks first (OPTIONS).
  'cors-json-post': () => fetch(api('/cors/results'), { method: 'POST', headers: json, body: JSON.stringify({ standings: 'latest' }) }),
  // Any custom request header makes a preflight.
  'cors-custom-header': () => fetch(api('/cors/results'), { headers: { 'X-Requested-With': 'XMLHttpRequest' } }),
  // PUT and DELETE are not simple methods: preflighted, and they change state.
  'cors-put': () => fetch(api('/api/v1/users/favourite'), { method: 'PUT', headers: json, body: JSON.stringify({ driver: 'HAM' }) }),
  'cors-delete': () => fetch(api('/api/v1/users/favourite'), { method: 'DELETE' }),
  // HTTP Basic: an Authorization header and credentials: a preflight that must list Authorization.
  'cors-basic-auth': () => fetch(api('/api/v1/admin/standings'), { credentials: 'include', headers: { Authorization: `Basic ${btoa('user:password')}` } }),
  // A cookie session: credentials: 'include' both to store the cookie and to send it back.
  'cors-cookie-login': () => fetch(api('/api/v1/users/session'), { method: 'POST', credentials: 'include' }),
  'cors-cookie-me': () => fetch(api('/api/v1/users/me'), { credentials: 'include' }),
  'cors-cookie-logout': () => fetch(api('/api/v1/users/session'), { method: 'DELETE', credentials: 'include' }),
  // Custom response headers are hidden from scripts unless exposed.
  'cors-read-header': () => fetch(api('/cors/results')),
  // Public data: any origin may read it, answered with Access-Control-Allow-Origin: *.
  'cors-public-get': () => fetch(api('/api/v1/public/standings')),
  // The credentialed "who am I?" from a sandboxed iframe, as any site could embed one:
  // its origin is opaque, so the browser sends Origin: null.
  'cors-null-origin': () => fromSandbox(api('/api/v1/users/me')),
};

// Runs a credentialed fetch inside a sandboxed iframe and hands its answer back.
// The frame is /cors/sandbox of this origin, whose own script (sandbox.js)
// waits for the URL: the page's Content-Security-Policy allows no inline script.
function fromSandbox(url) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.sandbox = 'allow-scripts';
    frame.hidden = true;
    frame.src = '/cors/sandbox';
    frame.addEventListener('load', () => frame.contentWindow.postMessage({ url }, '*'));
    const listen = (event) => {
      if (event.source !== frame.contentWindow) return;
      window.removeEventListener('message', listen);
      frame.remove();
      if (event.data.blocked) {
        reject(new TypeError('Failed to fetch'));
      } else {
        resolve(new Response(event.data.body, { status: event.data.status, headers: { 'Content-Type': 'application/json' } }));
      }
    };
    window.addEventListener('message', listen);
    document.body.append(frame);
  });
}

// What the page shows once the browser let it read a response.
async function describe(id, response) {
  if (id === 'cors-read-header') {
    const total = response.headers.get('X-Total-Count');
    const lap = response.headers.get('X-Race-Lap');
    document.getElementById('exposed').textContent = `X-Total-Count: ${total}, X-Race-Lap: ${lap}`;
    return `Read X-Total-Count = ${total} and X-Race-Lap = ${lap} (null means not exposed).`;
  }
  const type = response.headers.get('Content-Type') || '';
  if (type.startsWith('text/html')) {
    showStandings(await response.text());
    return 'Refreshed the standings.';
  }
  const body = response.status === 204 ? '' : await response.text();
  document.getElementById('last-body').textContent = body || '(empty body)';
  return body ? `Body: ${body.slice(0, 120)}` : 'Empty body.';
}

// The outcome line and the result beside the button both say what happened.
async function send(id) {
  const status = (value) => [document.getElementById('outcome'), resultFor(id)].forEach((line) => { line.dataset.status = value; });
  setOutcome('pending', `${id}: sending…`, id);
  let response;
  try {
    response = await sendFor(id, requests[id]);
  } catch {
    status('');
    setOutcome('blocked', `${id}: the browser did not let this page read the response (fetch failed). The console says why.`, id);
    return;
  }
  status(response.status);
  const detail = await describe(id, response);
  setOutcome('ok', `${id}: the server answered ${response.status} and the browser let this page read it. ${detail}`, id);
}

for (const [id, request] of Object.entries(requests)) {
  document.getElementById(id).addEventListener('click', () => send(id));
  const code = document.getElementById(`${id}-code`);
  if (code) {
    code.textContent = request.toString();
  }
}
