// Hidden iframe: point a hidden frame at a same-origin page; that page's own
// script (iframe-results.js) copies its standings into this page.
document.getElementById('refresh').addEventListener('click', () => {
  setOutcome('pending', 'Loading /iframe/results in the hidden iframe…');
  const frame = document.getElementById('results-frame');
  frame.onload = () => {
    // The frame's script runs before its load event; if the outcome is
    // still pending, the frame did not deliver.
    if (document.getElementById('outcome').dataset.outcome === 'pending') {
      setOutcome('error', 'The frame loaded but did not deliver standings.');
    }
  };
  frame.src = tagged(`/iframe/results?at=${Date.now()}`);
});
