//! The canonical forms `SDK-HMAC-SHA256` signs: percent-encoding, the canonical URI and the
//! canonical query string, exactly as Huawei Cloud's official signer builds them.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything except RFC 3986's unreserved characters `A-Z a-z 0-9 - _ . ~` is encoded.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes UTF-8 text, keeping only unreserved characters (a space is `%20`, never `+`).
pub fn encode(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, RESERVED).into()
}

/// Decodes the `%XX` escapes of a path; invalid UTF-8 becomes U+FFFD, as in the official
/// signer. A `+` in a path is a plus sign.
pub fn decode(text: &str) -> Cow<'_, str> {
    percent_decode_str(text).decode_utf8_lossy()
}

/// The canonical URI of a path as sent on the wire: decoded, split on `/`, each segment encoded,
/// and always ending in `/`.
pub fn canonical_uri(raw_path: &str) -> String {
    let decoded = decode(raw_path);
    let mut uri = String::with_capacity(decoded.len() + 1);
    for (index, segment) in decoded.split('/').enumerate() {
        if index > 0 {
            uri.push('/');
        }
        uri.push_str(&encode(segment));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Splits a raw query string into decoded `(name, value)` pairs; `name` alone has an empty value.
///
/// Decoding is `application/x-www-form-urlencoded`, so `+` is a space: that is how reqwest (and
/// so the generated clients) write a space, while the official signer never writes a bare `+`.
/// Pairs borrow from `raw_query` unless decoding changed them.
pub fn parse_query(raw_query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(raw_query.as_bytes()).collect()
}

/// The canonical query string: pairs sorted by name then value, each side encoded, `name=value`
/// joined with `&`. This is also the query string the request must carry on the wire.
pub fn canonical_query<N, V>(pairs: &[(N, V)]) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect();
    sorted.sort_unstable();
    let mut query = String::with_capacity(sorted.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (name, value) in sorted {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(name));
        query.push('=');
        query.push_str(&encode(value));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_pythons_quote_with_tilde_safe() {
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode("a b:c/d+e"), "a%20b%3Ac%2Fd%2Be");
        assert_eq!(encode("é漢"), "%C3%A9%E6%BC%A2");
    }

    #[test]
    fn canonical_uri_always_ends_in_a_slash() {
        assert_eq!(
            canonical_uri("/v2/p/tasks/t/checkrecord"),
            "/v2/p/tasks/t/checkrecord/"
        );
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a%20b/c"), "/a%20b/c/");
        // Decoding first, as the official signer does: an encoded slash splits the segment.
        assert_eq!(canonical_uri("/tasks/a%2Fb"), "/tasks/a/b/");
    }

    #[test]
    fn canonical_query_sorts_by_name_then_value() {
        let pairs = parse_query("vul_id=CVE-1&limit=200&a=2&a=1&remark=x%20y&flag");
        assert_eq!(
            canonical_query(&pairs),
            "a=1&a=2&flag=&limit=200&remark=x%20y&vul_id=CVE-1"
        );
        assert_eq!(canonical_query::<&str, &str>(&[]), "");
        // reqwest writes a space as `+`; it is signed and sent as `%20`.
        assert_eq!(parse_query("q=a+b%2Bc"), [("q".into(), "a b+c".into())]);
    }
}
