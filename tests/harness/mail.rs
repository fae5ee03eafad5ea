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

/// The ids of a Message-ID header value (`<a@b> <c@d>` → `a@b`, `c@d`).
pub fn msg_ids(v: &str) -> Vec<String> {
    v.split('<')
        .skip(1)
        .filter_map(|s| s.split_once('>'))
        .map(|(id, _)| id.to_string())
        .collect()
}

/// The addresses of a `--json` address list, lower-cased (for comparing
/// with other programs' answers as sets).
pub fn json_emails_lower(v: &serde_json::Value) -> Vec<String> {
    json_emails(v).into_iter().map(str::to_lowercase).collect()
}

/// A `--json` list of strings (`references`).
pub fn json_strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}
