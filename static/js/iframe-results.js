// Runs inside the hidden iframe. It has the same origin as the page that
// holds it, so it may call that page's functions.
const standings = document.getElementById('standings').innerHTML;
window.parent.showStandings(standings);
window.parent.setOutcome('ok', 'The page loaded in the hidden iframe copied its standings into this page.');
