// AJAX: XMLHttpRequest GET of an HTML fragment, swapped into the page.
// `button` is the one clicked: its result, beside it, says what happened too.
function refreshWithXhr(url, button) {
  setOutcome('pending', `GET ${url}…`, button);
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url);
  xhr.onload = () => {
    if (xhr.status !== 200) {
      setOutcome('error', `The server answered ${xhr.status}.`, button);
      return;
    }
    showStandings(xhr.responseText);
    setOutcome('ok', `Refreshed with XMLHttpRequest from ${url}.`, button);
  };
  xhr.onerror = () => {
    setOutcome('blocked', `The browser blocked the response from ${url}: it is another origin and it sent no CORS headers (the same-origin policy). The console says so.`, button);
  };
  xhr.send();
}

document.getElementById('refresh').addEventListener('click', () => {
  sendFor('refresh', () => refreshWithXhr(tagged('/ajax/results'), 'refresh'));
});
document.getElementById('refresh-cross-origin').addEventListener('click', () => {
  sendFor('refresh-cross-origin', () => refreshWithXhr(tagged(`${apiOrigin()}/ajax/results`), 'refresh-cross-origin'));
});
