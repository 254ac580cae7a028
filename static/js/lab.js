// The lab's policy editor: sends the typed policy with fetch, so a policy
// that does not build shows its error beside the text without a reload;
// one that builds reloads the lab, now showing it in force. Without this
// script, the same form posts as a plain form.
const policyForm = document.getElementById('policy-form');
const policyError = document.getElementById('policy-error');
const policyEditor = document.getElementById('policy-editor');

// Selects line `n` (1-based) of the editor, to show where the error is.
function selectLine(n) {
  const lines = policyEditor.value.split('\n');
  const start = lines.slice(0, n - 1).reduce((sum, line) => sum + line.length + 1, 0);
  policyEditor.focus();
  policyEditor.setSelectionRange(start, start + (lines[n - 1] || '').length);
}

policyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  policyError.hidden = true;
  const response = await fetch(policyForm.action, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    body: new URLSearchParams(new FormData(policyForm)),
  });
  if (response.ok) {
    location.assign('/lab?done=typed');
    return;
  }
  const type = response.headers.get('Content-Type') || '';
  const answer = type.includes('json') ? await response.json() : { error: await response.text() };
  policyError.textContent = answer.error;
  policyError.dataset.line = answer.line || '';
  policyError.hidden = false;
  if (answer.line) selectLine(answer.line);
});
