// CORS: a cross-origin POST. A form-encoded body keeps it a "simple"
// request, so the browser sends it at once, with an Origin header, and only
// hands the response to this page if the server allows this origin.
document.getElementById('refresh').addEventListener('click', async () => {
  const url = `${apiOrigin()}/cors/results`;
  setOutcome('pending', `POST ${url}…`);
  let response;
  try {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams({ standings: 'latest' }) });
  } catch {
    setOutcome('blocked', 'The browser did not let this page read the response (fetch failed). The console says why.');
    return;
  }
  if (!response.ok) {
    setOutcome('error', `The server answered ${response.status}.`);
    return;
  }
  showStandings(await response.text());
  setOutcome('ok', `Refreshed with a cross-origin POST; the server allowed ${location.origin}.`);
});
