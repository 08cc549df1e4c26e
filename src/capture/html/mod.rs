//! A saved HTML page: its bytes decoded, its visible text rendered as the text dumps are, and
//! its tags collected, in one pass.

mod charset;
mod walk;

pub use charset::charset_param;
pub use walk::{Found, TimeTag, walk};

use crate::parse::{MAX_DUMP_BYTES, ParseError, Warning};

/// What a saved page is made of.
#[derive(Debug)]
pub struct Page {
    /// The page as decoded: what its source view shows.
    pub html: String,
    /// The visible text, as a text dump of the page would hold it.
    pub text: String,
    pub found: Found,
    /// The encoding's WHATWG name.
    pub encoding: &'static str,
    /// Repairs worth telling the archivist about.
    pub notes: Vec<Warning>,
}

/// Reads a page; `charset` is the one its HTTP header named, if any.
pub fn read(bytes: &[u8], charset: Option<&str>) -> Result<Page, ParseError> {
    if bytes.len() > MAX_DUMP_BYTES {
        return Err(ParseError::TooLarge(bytes.len() as u64));
    }
    let decoded = charset::decode(bytes, charset)?;
    let rendered = walk(&decoded.text);
    Ok(Page {
        html: decoded.text,
        text: rendered.text,
        found: rendered.found,
        encoding: decoded.encoding,
        notes: decoded.notes,
    })
}
