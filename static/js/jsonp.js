// JSONP: the API origin answers with a script that calls this function.
function refreshSection(html) {
  showStandings(html);
  setOutcome('ok', 'The script from the API origin called refreshSection(…) with the standings.');
}

document.getElementById('refresh').addEventListener('click', () => {
  const script = document.createElement('script');
  script.src = tagged(`${apiOrigin()}/jsonp/results?callback=refreshSection`);
  setOutcome('pending', `Loading ${script.src}…`);
  script.onload = () => script.remove();
  script.onerror = () => {
    script.remove();
    setOutcome('blocked', 'The script could not be loaded. Is the API certificate accepted? The home page checks it.');
  };
  document.head.append(script);
});
