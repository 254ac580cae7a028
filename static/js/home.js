// Can this browser reach the API origin? A 'no-cors' fetch needs no CORS
// headers: it succeeds (with an unreadable response) as soon as the TLS
// certificate is accepted, and fails with a TypeError when it is not
// (then `cargo run --release -- trust` makes this browser trust the CA).
async function checkApiOrigin() {
  const check = document.getElementById('api-check');
  document.getElementById('api-link').href = `${apiOrigin()}/`;
  try {
    await fetch(`${apiOrigin()}/`, { mode: 'no-cors', cache: 'no-store' });
    check.dataset.state = 'reachable';
  } catch {
    check.dataset.state = 'unreachable';
  }
}

checkApiOrigin();
