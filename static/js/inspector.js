// The inspector: what this tab's own clicks sent over the wire, as the
// server saw it, and why the browser allowed or blocked it. It watches the
// page's fetch and XMLHttpRequest calls (without changing them) to learn
// what the script asked for, and the server's event stream (tagged with
// this tab's id) to learn what arrived. A preflight and the request it
// cleared are shown as one pair. A blocked request is quoted in the words
// of the browser running this page (Firefox, or Chrome and the other
// Chromium-based browsers), the other browser's one click away.
// Each judged request is also announced
// as an 'inspected' event on the list, for a page that shows it its own
// way (the playground).
(() => {
  const list = document.getElementById('exchanges');
  const seen = [];
  let shown = 0;

  labEvents.addEventListener('exchange', (event) => {
    const exchange = JSON.parse(event.data);
    seen.push(exchange);
    const dest = exchange.sec_fetch[2];
    if (dest === 'script') {
      show([exchange], { readable: true, summary: 'Loaded as a <script>: no CORS check applies. The browser runs whatever the API origin sends, in this page.' }, lastSentFor || 'refresh');
    } else if (exchange.origin === 'null' && exchange.method !== 'OPTIONS') {
      // Sent from a sandboxed frame (opaque origin), whose fetch this page cannot watch;
      // it asked for a tagged URL (?tab=…), which the console quotes.
      const url = tagged(`${exchange.listener === 'api' ? apiOrigin() : location.origin}${exchange.path}`);
      explain({ method: exchange.method, url, headers: [], credentials: 'include', kind: 'fetch', button: lastSentFor }, seen.length - 1);
    } else if (dest === 'iframe') {
      show([exchange], { readable: true, summary: 'Loaded in a frame from this same origin: the frame and this page may script each other. No CORS involved.' }, lastSentFor || 'refresh');
    }
  });

  // Called when a request settles: its exchanges come over the event
  // stream at about the same time, so wait until they are here (at most
  // 1.5 s: a request that never reached the server has none).
  function track(request) {
    const start = seen.length;
    return () => {
      const target = new URL(request.url, location.href);
      const method = request.method.toUpperCase();
      const began = Date.now();
      const poll = () => {
        const mine = seen.slice(start).filter((e) => e.path === target.pathname);
        const actual = mine.some((e) => e.method === method);
        const preflightOnly = mine.length > 0 && Date.now() - began > 150;
        if (actual || preflightOnly || Date.now() - began > 1500) {
          explain(request, start);
        } else {
          setTimeout(poll, 20);
        }
      };
      poll();
    };
  }

  const realFetch = window.fetch;
  window.fetch = function (input, init = {}) {
    const given = init.headers || {};
    const headers = given instanceof Headers || Array.isArray(given) ? [...given] : Object.entries(given);
    const done = track({ method: init.method || 'GET', url: String(input), headers, credentials: init.credentials || 'same-origin', mode: init.mode || 'cors', kind: 'fetch', button: sendingFor });
    const result = realFetch.call(this, input, init);
    result.then(done, done);
    return result;
  };

  const { open, setRequestHeader, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.inspected = { method, url: String(url), headers: [], kind: 'xhr', button: sendingFor };
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
    this.inspected?.headers.push([name, value]);
    return setRequestHeader.call(this, name, value);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (this.inspected) {
      this.inspected.credentials = this.withCredentials ? 'include' : 'same-origin';
      this.addEventListener('loadend', track(this.inspected));
    }
    return send.call(this, body);
  };

  async function explain(request, start) {
    const target = new URL(request.url, location.href);
    const mine = seen.slice(start).filter((e) => e.path === target.pathname);
    const preflight = mine.find((e) => e.method === 'OPTIONS' && e.request_method);
    const actual = mine.find((e) => e.method === request.method.toUpperCase());
    if (!preflight && !actual) {
      show([], { readable: false, summary: `${request.method} ${target.pathname}: nothing reached the server (a network or certificate error?).` }, request);
      return;
    }
    if (target.origin === location.origin) {
      show(mine, { readable: true, summary: 'Same origin: the browser hands the response to the page, no CORS check needed.' }, request);
      return;
    }
    if (request.mode === 'no-cors') {
      show([preflight, actual].filter(Boolean), { readable: false, summary: 'no-cors: sent without a preflight or any CORS check; the page got an opaque response (status 0, no headers, no body), whatever the server answered.' }, request);
      return;
    }
    // Authorization values stay in the page: the server only needs the names.
    const headers = request.headers.map(([n, v]) => [n, n.toLowerCase() === 'authorization' ? '(hidden)' : String(v)]);
    const response = await realFetch('/inspect/verdict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        tab: tabId,
        preflight: preflight ? preflight.id : null,
        actual: actual ? actual.id : null,
        request: { method: request.method, url: target.href, headers, credentials: request.credentials, kind: request.kind },
      }),
    });
    const verdict = response.ok ? await response.json() : { readable: false, summary: `The inspector could not judge this request (${response.status}).` };
    show([preflight, actual].filter(Boolean), verdict, request);
  }

  function show(exchanges, verdict, request, button = request?.button) {
    const item = document.createElement('li');
    item.id = `inspected-${++shown}`;
    item.className = 'inspected';
    item.dataset.path = exchanges[0]?.path || '';
    item.dataset.readable = verdict.readable;
    for (const exchange of exchanges) {
      item.append(describe(exchange));
    }
    if (verdict.preflight_cached) {
      item.append(line('note', 'No preflight this time: the browser reused a cached one (Access-Control-Max-Age).'));
    }
    item.append(line('verdict', verdict.summary));
    if (verdict.chromium && verdict.firefox) {
      item.append(consoleWords(verdict));
    }
    // What the server decided: a browser cannot know it (a refused preflight
    // carries no Access-Control-* at all), so the fix below follows from it.
    if (verdict.server_said) {
      item.append(line('server-said', `Server said: ${verdict.server_said}`));
    }
    if (verdict.fix) {
      item.append(line('fix', `Fix: ${verdict.fix}`));
    }
    for (const warning of verdict.warnings || []) {
      item.append(line('warning', `Warning: ${warning}`));
    }
    list.prepend(item);
    linkFrom(button, item, exchanges, verdict);
    if (request) {
      list.dispatchEvent(new CustomEvent('inspected', { detail: { request, exchanges, verdict } }));
    }
  }

  // Which console this learner reads: Firefox's, or Chromium's (Chrome, Edge…).
  const firefox = navigator.userAgent.includes('Firefox/');
  const browsers = [
    { key: 'firefox', name: 'Firefox', code: 'reason' },
    { key: 'chromium', name: 'Chrome', code: 'corsError' },
  ];
  const [mine, theirs] = firefox ? browsers : browsers.reverse();

  function consoleWords(verdict) {
    const said = (browser, kind) => {
      const words = verdict[browser.key];
      if (!words) {
        const p = line(kind, `${browser.name} lets the page read this answer (see the warning).`);
        p.dataset.browser = browser.key;
        return p;
      }
      const p = line(kind, `${browser.name}'s console says (${browser.code} ${words.code}): `);
      const quote = document.createElement('q');
      quote.className = 'message';
      quote.textContent = words.message;
      p.append(quote);
      p.dataset.browser = browser.key;
      return p;
    };
    const block = document.createElement('div');
    block.append(said(mine, 'console'));
    const other = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = verdict[theirs.key] ? `${theirs.name} blocks it too, in other words` : `${theirs.name} does not block it`;
    other.append(summary, said(theirs, 'console-other'));
    block.append(other);
    return block;
  }

  // Beside the button that caused it: what went over the wire, in a few
  // words, and a link to the whole exchange in the inspector.
  function linkFrom(button, item, exchanges, verdict) {
    const wire = button && resultFor(button)?.querySelector('.wire');
    if (!wire) return;
    const steps = exchanges.map((e) => `${e.method === 'OPTIONS' ? 'preflight' : e.method} → ${e.status}`);
    const read = verdict.readable ? 'readable' : 'blocked';
    wire.textContent = `On the wire: ${steps.join(', ') || 'nothing'} (${read}): see the exchange`;
    wire.href = `#${item.id}`;
    wire.hidden = false;
  }

  function describe(exchange) {
    const block = document.createElement('div');
    block.className = exchange.method === 'OPTIONS' ? 'exchange preflight' : 'exchange';
    const kind = exchange.method === 'OPTIONS' ? 'preflight ' : '';
    block.append(line('request', `${kind}${exchange.method} ${exchange.listener === 'api' ? 'API' : 'page'} ${exchange.path} → ${exchange.status}`));
    const facts = [
      ['Origin', exchange.origin],
      ['Access-Control-Request-Method', exchange.request_method],
      ['Access-Control-Request-Headers', exchange.request_headers],
      ['Sec-Fetch-Mode / Site / Dest', exchange.sec_fetch.map((v) => v || '-').join(' / ')],
      ['Credentials sent', exchange.credentials ? 'yes (Cookie or Authorization; values never shown)' : 'no'],
      ...exchange.response_headers.filter(([n]) => n.startsWith('access-control-') || n === 'vary'),
    ];
    const dl = document.createElement('dl');
    for (const [name, value] of facts) {
      if (value === null || value === undefined) continue;
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
    block.append(dl);
    return block;
  }

  function line(kind, text) {
    const p = document.createElement('p');
    p.className = kind;
    p.textContent = text;
    return p;
  }
})();
