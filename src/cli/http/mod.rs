//! What `check` and `probe` share to reach a server: the URL and origin
//! read the way a browser reads them (`target.rs`), whom TLS trusts
//! (`roots.rs`: the system's roots, the app's CA, `--cacert`, or nobody
//! checked with `--insecure`), and one HTTP/1.1 exchange per connection
//! that never follows a redirect (`client.rs`).

pub(crate) mod client;
pub(crate) mod roots;
pub(crate) mod target;
