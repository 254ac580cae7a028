// Runs inside the /cors page's sandboxed iframe, whose origin is opaque: its
// fetch goes out with Origin: null. The page posts the URL; the answer (or
// the failure) goes back to it.
window.addEventListener('message', async (event) => {
  if (event.source !== window.parent) return;
  try {
    const response = await fetch(event.data.url, { credentials: 'include' });
    window.parent.postMessage({ status: response.status, body: await response.text() }, '*');
  } catch {
    window.parent.postMessage({ blocked: true }, '*');
  }
});
