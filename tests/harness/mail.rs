//! Reading what arrived: header values of a received message.

/// The first header `name` of `msg` (LF line endings), folded lines joined
/// with one space.
pub fn header(msg: &str, name: &str) -> Option<String> {
    let head = msg.split("\n\n").next()?;
    let mut out: Option<String> = None;
    for line in head.lines() {
        if let Some(v) = out.as_mut() {
            if line.starts_with([' ', '\t']) {
                v.push(' ');
                v.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            if n.eq_ignore_ascii_case(name) {
                out = Some(v.trim().to_string());
            }
        }
    }
    out
}

/// The addresses of an address header value, lower-cased.
pub fn emails(v: &str) -> Vec<String> {
    ksreply::message::address::parse_list(v)
        .into_iter()
        .map(|a| a.email.to_lowercase())
        .collect()
}

/// The `email` of each address of a `--json` address list (`to`, `cc`).
pub fn json_emails(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a JSON address list: {v}"))
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect()
}
