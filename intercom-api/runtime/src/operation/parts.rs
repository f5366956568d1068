//! What an operation writes its inputs into: the path with its parameters filled in, the query
//! in its style, headers and the body; and the request they make.

#[cfg(test)]
use http::Method;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use super::{Built, Multipart};
use crate::error::Error;

/// Characters left as they are in path segments and query components (RFC 3986 unreserved).
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How a query parameter is laid out (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`: arrays repeat the name (or join with commas without `explode`);
    /// objects spread their properties (or `name=k,v,…` without `explode`).
    Form {
        /// The spec's `explode` (default `true` for `form`).
        explode: bool,
    },
    /// `style: deepObject`: `name[key]=value`.
    DeepObject,
}

/// The parts of a request an operation writes into.
#[derive(Debug)]
pub struct RequestParts {
    path: String,
    /// Names and values, percent-encoded.
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl RequestParts {
    pub(super) fn new(template: &str) -> RequestParts {
        RequestParts { path: template.to_owned(), query: Vec::new(), headers: Vec::new(), content_type: None, body: Vec::new() }
    }

    /// Fills `{name}` in the path with `value`, percent-encoded.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let text = scalar_text(name, to_value(name, value)?)?;
        // `.` and `..` would be resolved by URL parsing and send the request to another
        // endpoint (`/contacts/1/tags/..` is `/contacts/1/`); an empty value drops a segment.
        if matches!(text.as_str(), "" | "." | "..") {
            return Err(Error::InvalidRequest(format!("path parameter `{name}` cannot be {text:?}")));
        }
        // `{name}`, found without building the placeholder.
        let at = self.path.match_indices('{').map(|(i, _)| i).find(|&i| {
            let rest = &self.path[i + 1..];
            rest.starts_with(name) && rest[name.len()..].starts_with('}')
        });
        let Some(at) = at else { return Err(Error::InvalidRequest(format!("the path has no parameter `{name}`"))) };
        let mut path = String::with_capacity(self.path.len() + text.len() * 3);
        path.push_str(&self.path[..at]);
        path.extend(utf8_percent_encode(&text, COMPONENT));
        path.push_str(&self.path[at + name.len() + 2..]);
        self.path = path;
        Ok(())
    }

    /// Adds a query parameter; `None` (JSON `null`) adds nothing. An object's entries go in the
    /// order the value writes them (a generated struct's: the spec's), whatever serde_json's
    /// features in the build.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<(), Error> {
        let invalid = |e: serde_json::Error| Error::InvalidRequest(format!("`{name}` cannot be encoded: {e}"));
        if let Some(entries) = crate::query::entries(value).map_err(invalid)? {
            self.query_object(name, entries, style)?;
            return Ok(());
        }
        let value = to_value(name, value)?;
        match (&value, style) {
            (Value::Null, _) => {}
            (Value::Array(items), QueryStyle::Form { explode: true }) => {
                for item in items {
                    self.query.push((encode(name), encode(&scalar(name, item)?)));
                }
            }
            // Joined with commas, each value percent-encoded (its own commas too), so
            // `["a,b", "c"]` is `a%2Cb,c` and not the same as `["a", "b", "c"]`.
            (Value::Array(items), _) => {
                let joined = items.iter().map(|i| Ok(encode(&scalar(name, i)?))).collect::<Result<Vec<_>, Error>>()?.join(",");
                self.query.push((encode(name), joined));
            }
            (scalar_value, _) => self.query.push((encode(name), encode(&scalar(name, scalar_value)?))),
        }
        Ok(())
    }

    fn query_object(&mut self, name: &str, entries: Vec<(String, Value)>, style: QueryStyle) -> Result<(), Error> {
        match style {
            QueryStyle::Form { explode: true } => {
                for (key, item) in entries.iter().filter(|(_, item)| !item.is_null()) {
                    self.query.push((encode(key), encode(&scalar(key, item)?)));
                }
            }
            QueryStyle::Form { explode: false } => {
                let mut parts = Vec::new();
                for (key, item) in &entries {
                    parts.push(encode(key));
                    parts.push(encode(&scalar(key, item)?));
                }
                self.query.push((encode(name), parts.join(",")));
            }
            QueryStyle::DeepObject => {
                for (key, item) in entries.iter().filter(|(_, item)| !item.is_null()) {
                    self.query.push((encode(&format!("{name}[{key}]")), encode(&scalar(key, item)?)));
                }
            }
        }
        Ok(())
    }

    /// Adds a header; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if value.is_null() {
            return Ok(());
        }
        let text = scalar(name, &value)?;
        let value = HeaderValue::from_str(&text).map_err(|_| Error::InvalidRequest(format!("header `{name}` cannot hold {text:?}")))?;
        self.headers.push((HeaderName::from_static(name), value));
        Ok(())
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.body = serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("the body cannot be encoded: {e}")))?;
        self.content_type = Some("application/json".to_owned());
        Ok(())
    }

    /// Sends a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) {
        self.content_type = Some(format!("multipart/form-data; boundary={}", form.boundary));
        self.body = form.finish();
    }

    /// The URI, headers and body: `Intercom-Version` and `Accept`, the operation's own headers
    /// (an `Accept` of its own replaces the default), and the body's `Content-Type`.
    pub(super) fn build(self, base_url: &str, intercom_version: &'static str, accept: &'static str) -> Result<Built, Error> {
        let base_url = base_url.trim_end_matches('/');
        let query_len: usize = self.query.iter().map(|(name, value)| name.len() + value.len() + 2).sum();
        let mut uri = String::with_capacity(base_url.len() + self.path.len() + query_len);
        uri.push_str(base_url);
        uri.push_str(&self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            uri.push(if i == 0 { '?' } else { '&' });
            uri.push_str(name);
            uri.push('=');
            uri.push_str(value);
        }
        let mut headers = HeaderMap::with_capacity(4 + self.headers.len());
        headers.insert(INTERCOM_VERSION, static_value("Intercom-Version", intercom_version)?);
        headers.insert(ACCEPT, static_value("Accept", accept)?);
        if let Some(content_type) = self.content_type {
            let value = HeaderValue::try_from(content_type).map_err(|_| Error::InvalidRequest("invalid Content-Type".to_owned()))?;
            headers.insert(CONTENT_TYPE, value);
        }
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        Ok(Built { uri, headers, body: self.body })
    }

    #[cfg(test)]
    fn into_request(
        self,
        base_url: &str,
        method: Method,
        intercom_version: &'static str,
        accept: &'static str,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let built = self.build(base_url, intercom_version, accept)?;
        let mut request = http::Request::builder().method(method).uri(&built.uri).body(built.body).unwrap();
        *request.headers_mut() = built.headers;
        Ok(request)
    }
}

/// `Intercom-Version`.
const INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");

/// A header value from a constant, without copying it.
fn static_value(name: &str, value: &'static str) -> Result<HeaderValue, Error> {
    if value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        Ok(HeaderValue::from_static(value))
    } else {
        Err(Error::InvalidRequest(format!("`{name}` cannot hold {value:?}")))
    }
}

/// A query name or value, percent-encoded.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// `value` as JSON; `name` names it in the error.
pub(super) fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("`{name}` cannot be encoded: {e}")))
}

/// [`scalar`], taking the value (a string is not copied).
fn scalar_text(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s),
        other => scalar(name, &other),
    }
}

/// A JSON scalar as a parameter string; nested values are sent as JSON text.
pub(super) fn scalar(name: &str, value: &Value) -> Result<String, Error> {
    Ok(match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => return Err(Error::InvalidRequest(format!("`{name}` cannot be null"))),
        nested => nested.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> RequestParts {
        RequestParts::new("/contacts/{id}/notes")
    }

    #[test]
    fn path_parameters_are_percent_encoded() {
        let mut p = parts();
        p.path_param("id", "a b/c").unwrap();
        let r = p.into_request("https://api.intercom.io/", Method::GET, "2.12", "application/json").unwrap();
        assert_eq!(r.uri(), "https://api.intercom.io/contacts/a%20b%2Fc/notes");
        assert!(parts().path_param("nope", "x").is_err());
        for hostile in ["", ".", ".."] {
            assert!(matches!(parts().path_param("id", hostile), Err(Error::InvalidRequest(_))), "{hostile:?}");
        }
    }

    #[test]
    fn query_styles() {
        let mut p = parts();
        p.query("per_page", &Some(5), QueryStyle::Form { explode: true }).unwrap();
        p.query("skip", &None::<i64>, QueryStyle::Form { explode: true }).unwrap();
        p.query("ids", &["a", "b"], QueryStyle::Form { explode: true }).unwrap();
        p.query("tags", &["x", "y"], QueryStyle::Form { explode: false }).unwrap();
        p.query("filter", &serde_json::json!({"email": "a@b.c"}), QueryStyle::Form { explode: true }).unwrap();
        p.query("deep", &serde_json::json!({"k": 1}), QueryStyle::DeepObject).unwrap();
        p.path_param("id", &7).unwrap();
        let r = p.into_request("http://h", Method::GET, "2.12", "application/json").unwrap();
        assert_eq!(r.uri(), "http://h/contacts/7/notes?per_page=5&ids=a&ids=b&tags=x,y&email=a%40b.c&deep%5Bk%5D=1");
    }

    #[test]
    fn commas_inside_unexploded_values_are_encoded_and_the_separators_are_not() {
        let uri = |value: serde_json::Value| {
            let mut p = RequestParts::new("/things");
            p.query("ids", &value, QueryStyle::Form { explode: false }).unwrap();
            p.into_request("http://h", Method::GET, "2.12", "application/json").unwrap().uri().to_string()
        };
        assert_eq!(uri(serde_json::json!(["a,b", "c"])), "http://h/things?ids=a%2Cb,c");
        assert_eq!(uri(serde_json::json!(["a", "b", "c"])), "http://h/things?ids=a,b,c");
        assert_eq!(uri(serde_json::json!({"k,1": "v,2", "n": "%"})), "http://h/things?ids=k%2C1,v%2C2,n,%25");
    }

    #[test]
    fn headers_body_and_version() {
        let mut p = parts();
        p.path_param("id", "1").unwrap();
        p.header("accept", "application/octet-stream").unwrap();
        p.json(&serde_json::json!({"a": 1})).unwrap();
        let r = p.into_request("http://h", Method::POST, "2.12", "application/json").unwrap();
        assert_eq!(r.headers()["intercom-version"], "2.12");
        assert_eq!(r.headers()["accept"], "application/octet-stream");
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.body(), br#"{"a":1}"#);
    }
}
