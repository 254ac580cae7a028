// The playground's presets: one click fills the whole form with a request
// from the CORS reference's troubleshooting table or a common pitfall.
// Each is a form state (as in the link #pg-share copies), with what to notice.
// `origin` is this page's origin, which an answer must name.
function pgPresets(origin) {
  const echo = { responder: 'policy', path: '/playground/echo', mode: 'cors', credentials: 'same-origin', headers: '', contentType: '', body: '' };
  const respond = (status, preflight, responseHeaders) => ({ ...echo, responder: 'respond', status, preflight, responseHeaders });
  return [
    { id: 'simple-get', label: 'Simple GET', state: { ...echo, method: 'GET' },
      note: 'A simple request: no preflight; the policy names this origin, so the page reads the echo.' },
    { id: 'form-post', label: 'Form POST', state: { ...echo, method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'standings=latest' },
      note: 'The tutorial\'s request: a form content type keeps a POST simple, so no preflight.' },
    { id: 'json-post', label: 'JSON POST', state: { ...echo, method: 'POST', contentType: 'application/json', body: '{"standings":"latest"}' },
      note: 'application/json is not one of the three form content types: the browser asks first.' },
    { id: 'custom-header', label: 'A custom header', state: { ...echo, method: 'GET', headers: 'X-Requested-With: XMLHttpRequest' },
      note: 'Any header that is not CORS-safelisted makes a preflight; the policy lists this one.' },
    { id: 'header-refused', label: 'A header the policy does not allow', state: { ...echo, method: 'GET', headers: 'X-Api-Version: 2' },
      note: 'The preflight asks for x-api-version; the policy does not list it, so it refuses the preflight and the request is never sent.' },
    { id: 'authorization', label: 'Authorization', state: { ...echo, method: 'GET', credentials: 'include', headers: 'Authorization: Bearer not-a-real-token' },
      note: 'Authorization is never safelisted and "*" never covers it: the policy names it. Its value stays in this page; the echo only says one arrived.' },
    { id: 'method-refused', label: 'A refused method', state: { ...echo, method: 'PATCH' },
      note: 'PATCH is not simple (and fetch sends "patch" as written: only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased). The policy does not list it.' },
    { id: 'no-allow-origin', label: 'No Access-Control-Allow-Origin', state: { ...respond('200', '204', ''), method: 'GET' },
      note: 'The server answers 200 (see what it received), but with no Access-Control-Allow-Origin the browser hides the answer from the script: "works in curl or Postman, fails in the browser".' },
    { id: 'wildcard-credentials', label: 'Credentials with *', state: { ...respond('200', '204', 'Access-Control-Allow-Origin: *\nAccess-Control-Allow-Credentials: true'), method: 'GET', credentials: 'include' },
      note: 'With credentials, "*" is not allowed: the answer must name the origin. Try credentials: omit, then it works.' },
    { id: 'credentials-flag-missing', label: 'Credentials without Allow-Credentials', state: { ...respond('200', '204', `Access-Control-Allow-Origin: ${origin}\nVary: Origin`), method: 'GET', credentials: 'include' },
      note: 'The origin is named, but a credentialed request also needs Access-Control-Allow-Credentials: true.' },
    { id: 'not-exposed', label: 'A header not exposed', state: { ...respond('200', '204', `Access-Control-Allow-Origin: ${origin}\nVary: Origin`), method: 'GET' },
      note: 'The request works, but the script reads X-Echo-Bytes as null: add Access-Control-Expose-Headers: X-Echo-Bytes.' },
    { id: 'wrong-origin', label: 'Another origin allowed', state: { ...respond('200', '204', 'Access-Control-Allow-Origin: http://localhost:8080'), method: 'GET' },
      note: 'The answer names another origin (a port mismatch): the browser blocks it.' },
    { id: 'duplicate-origin', label: 'Allow-Origin sent twice', state: { ...respond('200', '204', `Access-Control-Allow-Origin: ${origin}\nAccess-Control-Allow-Origin: ${origin}`), method: 'GET' },
      note: 'Two values (a proxy and the app both adding it): the browser refuses any answer with more than one.' },
    { id: 'preflight-404', label: 'A preflight answered 404', state: { ...respond('200', '404', `Access-Control-Allow-Origin: ${origin}\nAccess-Control-Allow-Methods: PUT`), method: 'PUT' },
      note: 'The preflight must succeed (2xx) before anything else counts: no OPTIONS route, so the PUT is never sent.' },
    { id: 'then-405', label: 'Preflight passes, then 405', state: { ...respond('405', '204', `Access-Control-Allow-Origin: ${origin}\nAccess-Control-Allow-Methods: PUT`), method: 'PUT' },
      note: 'The preflight succeeds, then the application itself refuses the method (405). The script reads that 405 because the error carries CORS headers too; an error without them would look like a CORS failure.' },
    { id: 'methods-missing', label: 'Preflight without Allow-Methods', state: { ...respond('200', '204', `Access-Control-Allow-Origin: ${origin}`), method: 'DELETE' },
      note: 'The preflight names the origin but not DELETE: the browser stops there.' },
    { id: 'no-cors', label: 'no-cors mode', state: { ...echo, method: 'GET', mode: 'no-cors' },
      note: 'no-cors sends the request without any CORS check, and gives the script an opaque response: status 0, no headers, no body.' },
  ];
}
