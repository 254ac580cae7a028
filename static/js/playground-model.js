// The playground's prediction: will the browser send a preflight before
// this request, and why? The Fetch standard's rules (safelisted methods,
// CORS-safelisted request headers with their value rules, the three form
// content types), as the server's own model has them (src/diagnosis/safelist.rs;
// a browser test holds the two together on a table of requests), plus
// where this browser departs from it. Pure: no page, no network.

const SAFE_METHODS = ['GET', 'HEAD', 'POST'];
// fetch upper-cases these whatever their case; any other method goes out as written.
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];
const FORBIDDEN_HEADERS = ['accept-charset', 'accept-encoding', 'access-control-request-headers',
  'access-control-request-method', 'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt',
  'expect', 'host', 'keep-alive', 'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'via'];
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNSAFE_BYTE = /["():<>?@[\\\]{}\u007f\u0000-\u0008\u000a-\u001f]/;
const LANGUAGE = /^[0-9A-Za-z *,\-.;=]*$/;
const trim = (s) => s.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');

function wireMethod(method) {
  return NORMALIZED.find((m) => m === method.toUpperCase()) || method;
}

// Chromium only (Firefox preflights these): its legacy client hints.
function isClientHint(name, value) {
  const digits = (s) => /^[0-9]+$/.test(s);
  if (['width', 'viewport-width', 'rtt'].includes(name)) return digits(value);
  if (['dpr', 'device-memory', 'downlink'].includes(name)) return /^[0-9]+(\.[0-9]+)?$/.test(value);
  if (name === 'ect') return ['slow-2g', '2g', '3g', '4g'].includes(value);
  if (name === 'save-data') return value.toLowerCase() === 'on';
  return name === 'intervention';
}

function isSimpleRange(value) {
  const m = /^bytes=([0-9]+)-([0-9]*)$/.exec(value);
  return Boolean(m) && (m[2] === '' || Number(m[1]) <= Number(m[2]));
}

function isFormType(value) {
  const type = trim(value);
  const slash = type.indexOf('/');
  if (slash < 0) return false;
  const kind = type.slice(0, slash);
  const subtype = trim(type.slice(slash + 1).split(';')[0]);
  return TOKEN.test(kind) && TOKEN.test(subtype) && FORM_TYPES.includes(`${kind}/${subtype}`.toLowerCase());
}

// A CORS-safelisted request header, value rules included (name lower-case).
function isSafelisted(name, value, browser) {
  if (value.length > 128) return false;
  if (name === 'accept') return !UNSAFE_BYTE.test(value);
  if (name === 'accept-language' || name === 'content-language') return LANGUAGE.test(value);
  if (name === 'content-type') return !UNSAFE_BYTE.test(value) && isFormType(value);
  if (name === 'range') return isSimpleRange(value);
  return browser === 'chromium' && isClientHint(name, value);
}

// Headers a script cannot set: dropped without a word. Firefox lets a script set User-Agent.
function isForbidden(name, value, browser) {
  if (FORBIDDEN_HEADERS.includes(name) || name.startsWith('proxy-') || name.startsWith('sec-')) return true;
  if (name === 'user-agent') return browser === 'chromium';
  const overrides = ['x-http-method', 'x-http-method-override', 'x-method-override'];
  return overrides.includes(name) && value.split(',').some((m) => FORBIDDEN_METHODS.includes(trim(m).toUpperCase()));
}

// What the browser will do with {method, headers: [[name, value]], mode, hasBody}
// in `browser` ('chromium' or 'firefox'): { error } when fetch refuses to send it,
// else { preflight, method, unsafe, dropped, notes }.
function pgPredict({ method, headers, mode = 'cors', hasBody = false }, browser) {
  if (!TOKEN.test(method)) return { error: `"${method}" is not a valid method (an HTTP token): fetch throws a TypeError and sends nothing.` };
  const wire = wireMethod(method);
  if (FORBIDDEN_METHODS.includes(method.toUpperCase())) return { error: `${wire} is a forbidden method: fetch throws a TypeError and sends nothing.` };
  if (hasBody && (wire === 'GET' || wire === 'HEAD')) return { error: `A ${wire} request cannot have a body: fetch throws a TypeError and sends nothing.` };
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) return { error: `"${name}" is not a valid header name: fetch throws a TypeError and sends nothing.` };
    if (/[\0\r\n]/.test(trim(value)) || /[^\u0000-\u00ff]/.test(value)) return { error: `The value of ${name} is not a valid header value: fetch throws a TypeError and sends nothing.` };
  }
  if (mode === 'no-cors') return noCors(wire, headers, browser);
  const seen = [];
  const dropped = [];
  const safelisted = [];
  const unsafe = [];
  for (const [written] of headers) {
    const name = written.toLowerCase();
    if (seen.includes(name)) continue;
    seen.push(name);
    // A header set twice is sent once, its values joined (Firefox judges each value alone).
    const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => trim(v));
    const value = values.join(', ');
    if (isForbidden(name, value, browser)) {
      dropped.push(written);
    } else if (browser === 'firefox' ? values.every((v) => isSafelisted(name, v, browser)) : isSafelisted(name, value, browser)) {
      safelisted.push([name, value]);
    } else {
      unsafe.push(name);
    }
  }
  // The standard's cap on all safelisted values together: past 1024 bytes, they all count as unsafe.
  // With the five standard names at 128 bytes at most, it cannot be reached.
  if (safelisted.reduce((n, [, v]) => n + v.length, 0) > 1024) unsafe.push(...safelisted.map(([n]) => n));
  unsafe.sort();
  const methodUnsafe = !SAFE_METHODS.includes(wire);
  return { preflight: methodUnsafe || unsafe.length > 0, method: methodUnsafe ? wire : null, unsafe, dropped, wire };
}

// no-cors: never a preflight, only GET, HEAD and POST, and only the
// no-CORS-safelisted headers (the others are dropped without a word);
// the page gets an opaque response: status 0, no headers, no body.
function noCors(wire, headers, browser) {
  if (!SAFE_METHODS.includes(wire)) return { error: `no-cors allows only GET, HEAD and POST: fetch throws a TypeError for ${wire} and sends nothing.` };
  const kept = ['accept', 'accept-language', 'content-language', 'content-type'];
  const dropped = headers.filter(([n, v]) => !kept.includes(n.toLowerCase()) || !isSafelisted(n.toLowerCase(), trim(v), browser)).map(([n]) => n);
  return { preflight: false, method: null, unsafe: [], dropped, wire, opaque: true };
}

// The browser this page runs in, for its departures from the model.
function pgBrowser() {
  return navigator.userAgent.includes('Firefox/') ? 'firefox' : 'chromium';
}
