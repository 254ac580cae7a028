// AJAX: XMLHttpRequest GET of an HTML fragment, swapped into the page.
function refreshWithXhr(url) {
  setOutcome('pending', `GET ${url}…`);
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url);
  xhr.onload = () => {
    if (xhr.status !== 200) {
      setOutcome('error', `The server answered ${xhr.status}.`);
      return;
    }
    showStandings(xhr.responseText);
    setOutcome('ok', `Refreshed with XMLHttpRequest from ${url}.`);
  };
  xhr.onerror = () => {
    setOutcome('blocked', `The browser blocked the response from ${url}: it is another origin and it sent no CORS headers (the same-origin policy). The console says so.`);
  };
  xhr.send();
}

document.getElementById('refresh').addEventListener('click', () => {
  refreshWithXhr(tagged('/ajax/results'));
});
document.getElementById('refresh-cross-origin').addEventListener('click', () => {
  refreshWithXhr(tagged(`${apiOrigin()}/ajax/results`));
});
