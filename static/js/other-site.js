// "A site you don't trust": every technique a page has, run against the API
// origin's real resources with whatever session this browser holds there.
// Each request carries ?tab=X<run><code>, so this site's own server can ask
// the API origin's record what arrived (/observed): sent? with the cookie?
// The page itself only knows what the browser let it read.
const API = document.body.dataset.api;
const RUN = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
// Upper-case X: never the start of an inspector's tab id (lower-case base 36).
const tag = (code) => `X${RUN}${code}`;
const url = (path, code, extra = '') => `${API}${path}?tab=${tag(code)}${extra}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const vote = () => new URLSearchParams({ driver: 'MAG' });

// Resolves on the element's load or error event, or after `ms`.
function loaded(element, ms = 5000) {
  return new Promise((resolve) => {
    setTimeout(() => resolve('timeout'), ms);
    element.addEventListener('load', () => resolve('load'), { once: true });
    element.addEventListener('error', () => resolve('error'), { once: true });
  });
}

// A fetch in CORS mode: readable if the browser hands the answer over.
async function corsFetch(code, path, init) {
  try {
    const response = await fetch(url(path, code), init);
    return { readable: true, read: `${response.status}: ${(await response.text()).slice(0, 160)}` };
  } catch (e) {
    return { readable: false, read: `${e.name}: the browser kept the answer from this page (see the console)` };
  }
}

const TECHNIQUES = {
  // An image of "who am I?": sent with the cookie, never readable.
  img: async (code) => {
    const img = new Image();
    img.src = url('/api/v1/users/me', code);
    return { readable: false, read: `only that the image fired "${await loaded(img)}"` };
  },
  // A form POST into a hidden frame: the classic forged request.
  form: async (code) => {
    const frame = Object.assign(document.createElement('iframe'), { name: `sink${code}`, hidden: true });
    const form = Object.assign(document.createElement('form'), { method: 'POST', target: frame.name });
    form.action = url('/api/v1/users/favourite', code);
    form.append(Object.assign(document.createElement('input'), { name: 'driver', value: 'MAG', type: 'hidden' }));
    document.body.append(frame, form);
    form.submit();
    // The frame's document turns into another origin's (null here) once the answer arrives.
    for (let i = 0; i < 100 && frame.contentDocument !== null; i++) await sleep(50);
    const readable = frame.contentDocument !== null;
    return { readable, read: readable ? 'the frame is still readable: the answer never came' : 'nothing: the answer sits in a frame of another origin' };
  },
  // The API's "who am I?" in a frame: can the page look inside, or get a message?
  iframe: async (code) => {
    const frame = Object.assign(document.createElement('iframe'), { hidden: true });
    let message = null;
    const listen = (event) => { if (event.source === frame.contentWindow) message = event.data; };
    window.addEventListener('message', listen);
    frame.src = url('/api/v1/users/me', code);
    document.body.append(frame);
    await loaded(frame);
    await sleep(300);
    window.removeEventListener('message', listen);
    let inside = null;
    try { inside = frame.contentDocument?.body?.textContent ?? null; } catch { inside = null; }
    if (inside !== null) return { readable: true, read: inside.slice(0, 160) };
    return { readable: false, read: message ? `a message: ${JSON.stringify(message)}` : 'nothing: another origin\'s document, and it posted no message' };
  },
  // JSONP: a <script> from the API calls this page's function.
  script: async (code) => {
    let got = null;
    window.otherSiteGot = (data) => { got = data; };
    const script = document.createElement('script');
    script.src = url('/jsonp/results', code, '&callback=otherSiteGot');
    document.body.append(script);
    await loaded(script);
    return { readable: got !== null, read: got === null ? 'nothing' : `the standings (${String(got).length} characters): JSONP hands its data to any page` };
  },
  // A no-cors POST with the cookie: the answer is opaque, the request is not.
  'fetch-no-cors': async (code) => {
    const init = { method: 'POST', mode: 'no-cors', credentials: 'include', body: vote() };
    const response = await fetch(url('/api/v1/users/favourite', code), init);
    return { readable: false, read: `an opaque answer (type "${response.type}", status ${response.status})` };
  },
  // CORS mode, no credentials: the admin standings.
  'fetch-cors': (code) => corsFetch(code, '/api/v1/admin/standings', {}),
  // CORS mode with credentials: "who am I?" as the learner.
  'fetch-cors-credentials': (code) => corsFetch(code, '/api/v1/users/me', { credentials: 'include' }),
  // CORS mode, a simple POST with credentials: no preflight asks first.
  'fetch-cors-post': (code) =>
    corsFetch(code, '/api/v1/users/favourite', { method: 'POST', credentials: 'include', body: vote() }),
  // From a sandboxed frame of this site: Origin: null (its script: sandbox.js).
  'sandboxed-fetch': async (code) => {
    const frame = Object.assign(document.createElement('iframe'), { hidden: true, src: '/sandbox' });
    frame.sandbox = 'allow-scripts';
    document.body.append(frame);
    await loaded(frame);
    const answer = new Promise((resolve) => {
      setTimeout(() => resolve({ blocked: true }), 5000);
      window.addEventListener('message', (event) => { if (event.source === frame.contentWindow) resolve(event.data); });
    });
    frame.contentWindow.postMessage({ url: url('/api/v1/users/me', code) }, '*');
    const data = await answer;
    if (data.blocked) return { readable: false, read: 'TypeError: the browser kept the answer from the frame' };
    return { readable: true, read: `${data.status}: ${String(data.body).slice(0, 160)}` };
  },
};

// What the API origin recorded for this run, asked on this site's server.
async function observed() {
  const response = await fetch(`/observed?run=${RUN}`, { cache: 'no-store' });
  return response.json();
}

// Waits (up to 3 s) until the API recorded a request tagged `code`.
async function recorded(code) {
  for (let i = 0; ; i++) {
    const record = await observed();
    const mine = record.exchanges.filter((e) => e.tab === tag(code) && e.method !== 'OPTIONS');
    if (mine.length > 0 || i >= 30) return { record, mine };
    await sleep(100);
  }
}

function showSideEffects(record) {
  const box = document.getElementById('side-effects');
  box.dataset.executions = record.executions;
  box.dataset.defence = record.defence;
  box.textContent = `The favourite driver has been changed ${record.executions} times on the API's server ` +
    `(now: ${record.favourite ?? 'none'}). CSRF defence: ${record.defence ? 'on' : 'off'}. Scenario: ${record.scenario}.`;
}

async function runAll() {
  const table = document.getElementById('other-results');
  const button = document.getElementById('run');
  button.disabled = true;
  table.dataset.state = 'running';
  for (const row of table.querySelectorAll('tbody tr')) {
    const code = row.dataset.code;
    const before = (await observed()).executions;
    // A network failure (an untrusted certificate) ends one row, not the run.
    const seen = await TECHNIQUES[row.dataset.technique](code)
      .catch((e) => ({ readable: false, read: `${e.name}: the request failed (${e.message})` }));
    const { record, mine } = await recorded(code);
    row.dataset.sent = mine.length > 0 ? 'yes' : 'no';
    row.dataset.credentials = mine.some((e) => e.credentials) ? 'yes' : 'no';
    row.dataset.readable = seen.readable ? 'yes' : 'no';
    row.dataset.sideEffect = record.executions > before ? 'yes' : 'no';
    const arrived = mine.map((e) => `${e.status} (Origin ${e.origin ?? 'none'}, Sec-Fetch-Site ${e.sec_fetch_site ?? 'none'})`);
    row.querySelector('.sent').textContent = `${row.dataset.sent} ${arrived.join(', ')}`;
    row.querySelector('.credentials').textContent = row.dataset.credentials;
    row.querySelector('.readable').textContent = `${row.dataset.readable}: ${seen.read}`;
    row.querySelector('.side-effect').textContent = row.dataset.sideEffect;
    showSideEffects(record);
  }
  table.dataset.state = 'done';
  button.disabled = false;
}

function whichName() {
  const here = document.getElementById('which-name');
  const { sameSite, crossSite } = document.body.dataset;
  here.textContent = location.origin === sameSite
    ? `the same-site neighbour (${sameSite}): the page origin's host, another port`
    : location.origin === crossSite ? `the cross-site one (${crossSite}): another site for the browser` : location.origin;
}

whichName();
document.getElementById('run').addEventListener('click', runAll);
runAll();
