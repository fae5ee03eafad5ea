//! Fetching from public-inbox archives (lore.kernel.org and any other).
//! Placeholder: the HTTP client and cache land with the fetching issue.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// `--base`, else git config `ksreply.baseurl`, else lore's `/all/`.
    pub base: Option<String>,
    /// The URL the user gave, whose host and inbox win over `base`.
    pub url: Option<String>,
    /// Fetch `t.mbox.gz` instead of `raw`.
    pub thread: bool,
    pub offline: bool,
    pub refresh: bool,
    pub timeout_secs: u64,
    pub verbose: bool,
}

/// Fetch the raw message (or, with `thread`, the thread mbox) for `id`.
/// Returns mbox or message bytes, which the caller picks from.
pub fn fetch(id: &str, opts: &RemoteOptions) -> Result<Vec<u8>> {
    let _ = opts;
    Err(Error::input(format!(
        "no such file; fetching <{id}> from a public-inbox archive is not available yet"
    )))
}
