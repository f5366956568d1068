use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::Redirect;
use crate::error::{DecodeError, Error, snippet};
use crate::reread;

/// A JSON body; a failure names the JSON path where decoding stopped.
pub fn json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    // Fast, and only a failure again, tracking the path.
    reread::read(body).map_err(|failed| {
        Error::Decode(Box::new(DecodeError {
            status,
            path: failed.path,
            message: failed.error.to_string(),
            body_snippet: snippet(body),
            ..Default::default()
        }))
    })
}

/// A `text/plain` body.
pub fn text(status: StatusCode, body: &[u8]) -> Result<String, Error> {
    String::from_utf8(body.to_vec()).map_err(|e| {
        Error::Decode(Box::new(DecodeError {
            status,
            path: String::new(),
            message: e.to_string(),
            body_snippet: snippet(body),
            ..Default::default()
        }))
    })
}

/// A body of any other media type (a file download): the raw bytes.
pub fn bytes(_status: StatusCode, body: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(body.to_vec())
}

/// A response without a body: whatever came is ignored.
pub fn empty(_status: StatusCode, _body: &[u8]) -> Result<(), Error> {
    Ok(())
}

/// A redirect's `Location`, for an operation whose output is [`Redirect`] (its
/// [`decode_response`](super::Operation::decode_response)). A success that is not a redirect
/// means the HTTP client followed it (the client given to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) must not), and a
/// redirect without `Location` says nowhere: both are [`Error::Decode`].
pub fn redirect(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Redirect, Error> {
    let failure = |message: &str| {
        Error::Decode(Box::new(DecodeError { status, message: message.to_owned(), body_snippet: snippet(body), ..Default::default() }))
    };
    if !status.is_redirection() {
        return Err(failure("a redirect (3xx with `Location`) was expected; was it followed? Send without following redirects"));
    }
    let location = headers.get(http::header::LOCATION).ok_or_else(|| failure("the redirect has no `Location`"))?;
    let location = location.to_str().map_err(|_| failure("the redirect's `Location` is not text"))?;
    Ok(Redirect { status, location: location.to_owned() })
}

/// A status the operation's spec does not list among its successes.
pub fn unexpected<T>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    Err(Error::Decode(Box::new(DecodeError {
        status,
        path: String::new(),
        message: format!("the spec lists no {status} response for this operation"),
        body_snippet: snippet(body),
        ..Default::default()
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_name_the_path_and_keep_a_snippet() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            id: String,
        }
        let body = br#"{"data":[{"id":"1"},{"id":2}]}"#;
        let Err(Error::Decode(e)) = json::<Page>(StatusCode::OK, body) else { panic!("expected a decode error") };
        assert_eq!(e.path, "data[1].id");
        assert_eq!(e.body_snippet, String::from_utf8_lossy(body));
        assert!(matches!(json::<Page>(StatusCode::OK, b"{\"data\":[]} trailing"), Err(Error::Decode(_))));
    }
}
