//! A `multipart/form-data` body (files and their fields), part by part.

use serde::Serialize;
use serde_json::Value;

use super::parts::{scalar, to_value};
use crate::error::Error;

/// A `multipart/form-data` body, part by part.
#[derive(Debug)]
pub struct Multipart {
    pub(super) boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Multipart {
        Multipart { boundary: format!("intercom-api-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)), body: Vec::new() }
    }

    /// Adds a text field; `None` (JSON `null`) adds nothing.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if value.is_null() {
            return Ok(());
        }
        let text = match &value {
            Value::Object(_) | Value::Array(_) => value.to_string(),
            other => scalar(name, other)?,
        };
        self.part(name, None, "text/plain; charset=utf-8", text.as_bytes());
        Ok(())
    }

    /// Adds a file field.
    pub fn file(&mut self, name: &str, file_name: &str, bytes: &[u8]) {
        self.part(name, Some(file_name), "application/octet-stream", bytes);
    }

    fn part(&mut self, name: &str, file_name: Option<&str>, content_type: &str, bytes: &[u8]) {
        // A CR or LF would end the header line and let a name write headers of its own; they
        // are percent-encoded, as browsers do (WHATWG multipart/form-data encoding).
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace('\r', "%0D").replace('\n', "%0A");
        self.body.extend_from_slice(format!("--{}\r\nContent-Disposition: form-data; name=\"{}\"", self.boundary, quote(name)).as_bytes());
        if let Some(file_name) = file_name {
            self.body.extend_from_slice(format!("; filename=\"{}\"", quote(file_name)).as_bytes());
        }
        self.body.extend_from_slice(format!("\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    /// The body: every part, then the closing boundary.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_hold_text_and_files() {
        let mut form = Multipart::new();
        form.text("finalize", "false").unwrap();
        form.text("absent", &None::<String>).unwrap();
        form.file("catalog", "catalog.json", b"[]");
        let boundary = form.boundary.clone();
        let body = String::from_utf8(form.finish()).unwrap();
        assert_eq!(
            body,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"finalize\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfalse\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"catalog\"; filename=\"catalog.json\"\r\nContent-Type: application/octet-stream\r\n\r\n[]\r\n\
                 --{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn multipart_names_cannot_break_out_of_their_header() {
        let mut form = Multipart::new();
        form.text("a\r\nContent-Type: text/html", "x").unwrap();
        form.file("f\"ile", "evil\r\n\r\nbody.txt", b"1");
        let body = String::from_utf8(form.finish()).unwrap();
        assert!(body.contains("name=\"a%0D%0AContent-Type: text/html\""), "{body}");
        assert!(body.contains("name=\"f\\\"ile\"; filename=\"evil%0D%0A%0D%0Abody.txt\""), "{body}");
        // Each part has exactly its two header lines.
        assert_eq!(body.matches("\r\nContent-Type: ").count(), 2, "{body}");
    }
}
