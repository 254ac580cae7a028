// The playground: the learner's own request to the API origin. The form is
// the state (kept in the URL fragment, so a link restores it); the request
// is built from it once, and that very object is both printed (#pg-code)
// and passed to fetch. The prediction comes from playground-model.js, what
// happened from the response and from the inspector (inspector.js), which
// reports each request with the exchanges the server recorded.
const FIELDS = {
  method: 'pg-method', path: 'pg-path', headers: 'pg-headers', contentType: 'pg-content-type', body: 'pg-body',
  credentials: 'pg-credentials', mode: 'pg-mode', responder: 'pg-responder',
  status: 'pg-response-status', preflight: 'pg-preflight-status', responseHeaders: 'pg-response-headers',
};
const field = (key) => document.getElementById(FIELDS[key]);
const DEFAULTS = readForm();

function readForm() {
  return Object.fromEntries(Object.keys(FIELDS).map((key) => [key, field(key).value]));
}

function writeForm(state) {
  for (const key of Object.keys(FIELDS)) {
    field(key).value = state[key] ?? DEFAULTS[key];
  }
}

// One `Name: value` per line; blank lines skipped, a line without a colon kept whole as a name.
function lines(text) {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const colon = l.indexOf(':');
    return colon < 0 ? [l.trim(), ''] : [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
  });
}

// The request the form describes: the URL and the init object fetch gets.
function buildRequest(state) {
  let path = state.path;
  if (state.responder === 'respond') {
    const query = new URLSearchParams({ status: state.status, preflight: state.preflight });
    for (const [name, value] of lines(state.responseHeaders)) query.append('h', `${name}: ${value}`);
    path = `/playground/respond?${query}`;
  }
  const headers = lines(state.headers);
  if (state.contentType.trim() !== '') headers.push(['Content-Type', state.contentType.trim()]);
  const init = { method: state.method, mode: state.mode, credentials: state.credentials };
  if (headers.length > 0) init.headers = headers;
  if (state.body !== '') init.body = state.body;
  return { url: tagged(`${apiOrigin()}${path.startsWith('/') ? path : `/${path}`}`), init };
}

function predictionText(request, browser) {
  const { init } = request;
  const headers = init.headers || [];
  const p = pgPredict({ method: init.method, headers, mode: init.mode, hasBody: 'body' in init }, browser);
  if (p.error) return { preflight: 'no', sentences: [p.error] };
  const out = [];
  if (p.opaque) {
    out.push('No preflight: in no-cors mode there never is one, and no CORS check either. The script gets an opaque response: status 0, no headers, no body, whatever the server answers.');
  } else if (p.preflight) {
    const why = [];
    if (p.method) why.push(`the method ${p.method} is not GET, HEAD or POST`);
    for (const name of p.unsafe) why.push(headerReason(name, headers));
    out.push(`A preflight (OPTIONS) first, because ${why.join('; ')}.`);
    out.push(`It asks Access-Control-Request-Method: ${p.wire}${p.unsafe.length ? ` and Access-Control-Request-Headers: ${p.unsafe.join(',')}` : ''}. The actual request goes out only if the answer allows it (unless this browser cached an earlier answer: Access-Control-Max-Age).`);
  } else {
    out.push(`No preflight: ${p.wire} is a safelisted method and every header the script sets is CORS-safelisted.`);
  }
  if (p.dropped.length) out.push(`The browser drops without a word what a script may not set${p.opaque ? ' in no-cors mode' : ''}: ${p.dropped.join(', ')}.`);
  if ('body' in init && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    out.push('With a body and no Content-Type, fetch adds Content-Type: text/plain;charset=UTF-8 (safelisted).');
  }
  if (init.credentials === 'include' && !p.opaque) {
    out.push('With credentials: \'include\', cookies go along, and the answer (the preflight\'s too) must name this origin, not *, and say Access-Control-Allow-Credentials: true.');
  }
  const other = browser === 'chromium' ? 'firefox' : 'chromium';
  const there = pgPredict({ method: init.method, headers, mode: init.mode, hasBody: 'body' in init }, other);
  if (!there.error && there.preflight !== p.preflight) {
    out.push(`${other === 'firefox' ? 'Firefox' : 'Chromium'} differs here: it would ${there.preflight ? '' : 'not '}send a preflight (${there.unsafe.join(', ') || 'no unsafe header'}).`);
  }
  return { preflight: p.preflight ? 'yes' : 'no', sentences: out };
}

function headerReason(name, headers) {
  const value = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim()).join(', ');
  if (value.length > 128) return `${name} is longer than 128 bytes`;
  if (name === 'content-type') return `Content-Type ${value} is not application/x-www-form-urlencoded, multipart/form-data or text/plain`;
  if (['accept', 'accept-language', 'content-language', 'range'].includes(name)) return `${name}: ${value} breaks that header's safelist value rules`;
  return `${name} is not a CORS-safelisted request header`;
}

// What /playground/respond will refuse with a 400 (src/api/playground/answer.rs decides; this only warns).
const SETTABLE = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age', 'vary'];
function responderRefuses(state) {
  const status = (s) => /^[2-5][0-9][0-9]$/.test(s);
  const refused = lines(state.responseHeaders).filter(([name]) => !SETTABLE.includes(name.toLowerCase())).map(([name]) => name);
  const out = [];
  if (!status(state.status) || !status(state.preflight)) out.push('The responder will answer 400: a status must be a number from 200 to 599.');
  if (refused.length) out.push(`The responder will answer 400: it may only set ${SETTABLE.join(', ')}, not ${refused.join(', ')}.`);
  return out;
}

function paragraphs(element, sentences) {
  element.replaceChildren(...sentences.map((s) => Object.assign(document.createElement('p'), { textContent: s })));
}

// The form changed: the fragment, the code and the prediction follow.
function refresh() {
  const state = readForm();
  history.replaceState(null, '', `#${new URLSearchParams(state)}`);
  document.getElementById('pg-respond-fields').hidden = state.responder !== 'respond';
  field('path').disabled = state.responder === 'respond';
  document.getElementById('pg-share-link').textContent = '';
  const request = buildRequest(state);
  document.getElementById('pg-code').textContent = `fetch(${JSON.stringify(request.url)}, ${JSON.stringify(request.init, null, 2)})`;
  const prediction = predictionText(request, pgBrowser());
  if (state.responder === 'respond') prediction.sentences.push(...responderRefuses(state));
  const element = document.getElementById('pg-prediction');
  element.dataset.preflight = prediction.preflight;
  paragraphs(element, prediction.sentences);
  return request;
}

// The inspector reports each request once the server's record of it is in.
let awaited = null;
document.getElementById('exchanges').addEventListener('inspected', (event) => {
  if (awaited && event.detail.request.url === awaited.url) awaited.resolve(event.detail);
});
const inspected = (url) => new Promise((resolve) => {
  awaited = { url, resolve };
  setTimeout(() => resolve(null), 4000);
});

async function send() {
  const outcome = document.getElementById('pg-outcome');
  const request = refresh();
  const button = document.getElementById('pg-send');
  button.disabled = true;
  Object.assign(outcome.dataset, { outcome: 'pending', preflight: '', status: '' });
  paragraphs(outcome, ['Sending…']);
  const report = inspected(request.url);
  let seen;
  try {
    const response = await fetch(request.url, request.init);
    seen = await readable(response);
  } catch (error) {
    seen = { outcome: 'blocked', status: '', sentences: [`fetch failed (${error.name}: ${error.message}): the script learns nothing more. The console, and the server's record below, say why.`] };
  }
  const detail = await report;
  const exchanges = detail ? detail.exchanges : [];
  const sentences = [...seen.sentences];
  if (detail) {
    sentences.push(`Server received: ${exchanges.map((e) => `${e.method === 'OPTIONS' ? 'preflight ' : ''}${e.method} ${e.path} → ${e.status}`).join(', ') || 'nothing'}.`);
    sentences.push(detail.verdict.summary);
    const words = detail.verdict[pgBrowser()];
    if (words) sentences.push(`${pgBrowser() === 'firefox' ? 'Firefox' : 'Chrome'}'s console says (${words.code}): ${words.message}`);
    if (detail.verdict.server_said) sentences.push(`Server said: ${detail.verdict.server_said}`);
  }
  paragraphs(outcome, sentences);
  Object.assign(outcome.dataset, { outcome: seen.outcome, status: seen.status, preflight: exchanges.some((e) => e.method === 'OPTIONS') ? 'yes' : 'no' });
  button.disabled = false;
}

// What the script could read of a response.
async function readable(response) {
  if (response.type === 'opaque') {
    return { outcome: 'opaque', status: '', sentences: ['An opaque response: the request went out, but the script sees status 0, no headers and no body.'] };
  }
  const headers = [...response.headers].map(([n, v]) => `${n}: ${v}`);
  const body = await response.text();
  return {
    outcome: 'ok',
    status: String(response.status),
    sentences: [
      `Read: status ${response.status}.`,
      `Readable headers: ${headers.join('; ') || 'none'}. X-Echo-Bytes reads ${response.headers.get('X-Echo-Bytes')} (null: not exposed).`,
      `Body: ${body.slice(0, 2000) || '(empty)'}`,
    ],
  };
}

async function share() {
  const link = location.href;
  const output = document.getElementById('pg-share-link');
  output.textContent = link;
  try {
    await navigator.clipboard.writeText(link);
    output.dataset.copied = 'yes';
  } catch {
    output.dataset.copied = 'no';
  }
}

function start() {
  const buttons = document.getElementById('pg-preset-buttons');
  for (const preset of pgPresets(location.origin)) {
    const button = Object.assign(document.createElement('button'), { type: 'button', id: `pg-preset-${preset.id}`, textContent: preset.label });
    button.addEventListener('click', () => {
      writeForm(preset.state);
      document.getElementById('pg-preset-note').textContent = preset.note;
      refresh();
    });
    buttons.append(button);
  }
  if (location.hash.length > 1) writeForm(Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
  document.getElementById('pg-form').addEventListener('input', refresh);
  document.getElementById('pg-form').addEventListener('submit', (event) => event.preventDefault());
  document.getElementById('pg-send').addEventListener('click', send);
  document.getElementById('pg-share').addEventListener('click', share);
  refresh();
}

start();
