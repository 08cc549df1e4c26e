//! What the reading of a dump doubted or repaired, for the archivist: a stable code to act on
//! and a message to read.
//!
//! A warning is written `{"code": "date-missing", "message": "no publication date found"}`
//! in every format. Code decides by the code (an override that sets `published` drops the
//! date warnings); the message says the particulars (how many bytes, which encoding, which
//! dates) and may be reworded, the codes are kept. The message is made when the warning is
//! raised, by the constructors below, so each text is written once and the record reads back
//! exactly as it was written.

use serde::{Deserialize, Serialize};

use super::Date;

/// One warning of a record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
}

/// What a warning is about. The serialised names are stable: scripts may match them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// Bytes that are invalid in the dump's encoding were replaced by U+FFFD.
    BytesReplaced,
    /// Stray NUL bytes were removed.
    NulBytesRemoved,
    /// The page prints no publication date at the article's heading.
    DateMissing,
    /// The page prints only an "updated" date: `published` stays empty.
    DateOnlyUpdated,
    /// A page's metadata dates it more than a day from its text; the metadata was kept.
    DateConflict,
    /// No place, author or agency was found.
    DatelineMissing,
}

impl WarningCode {
    /// The warnings an archivist's `published` answers.
    pub fn is_about_publication_date(self) -> bool {
        matches!(
            self,
            WarningCode::DateMissing | WarningCode::DateOnlyUpdated
        )
    }
}

impl Warning {
    fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }

    /// Bytes invalid in `encoding` (a WHATWG name) were replaced.
    pub fn invalid_bytes(encoding: &str) -> Warning {
        Warning::new(
            WarningCode::BytesReplaced,
            format!("bytes invalid in {encoding} were replaced"),
        )
    }

    /// `count` broken sequences of a file that is otherwise UTF-8 were replaced.
    pub fn invalid_utf8(count: usize) -> Warning {
        Warning::new(
            WarningCode::BytesReplaced,
            format!("{count} invalid UTF-8 sequences were replaced"),
        )
    }

    pub fn nul_bytes_removed(count: usize) -> Warning {
        Warning::new(
            WarningCode::NulBytesRemoved,
            format!("{count} NUL bytes were removed"),
        )
    }

    pub fn no_publication_date() -> Warning {
        Warning::new(WarningCode::DateMissing, "no publication date found")
    }

    pub fn only_updated_date() -> Warning {
        Warning::new(
            WarningCode::DateOnlyUpdated,
            "no publication date found (only an \"updated\" date)",
        )
    }

    /// The metadata's date was kept over the text's.
    pub fn dates_disagree(metadata: Date, text: Date) -> Warning {
        Warning::new(
            WarningCode::DateConflict,
            format!(
                "the page's metadata dates it {metadata}, its text {text}: the metadata is kept"
            ),
        )
    }

    pub fn no_dateline() -> Warning {
        Warning::new(
            WarningCode::DatelineMissing,
            "no dateline found (place, author or agency)",
        )
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_code_and_message() {
        let w = Warning::only_updated_date();
        let json = serde_json::to_value(&w).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "date-only-updated",
                "message": "no publication date found (only an \"updated\" date)"
            })
        );
        assert_eq!(serde_json::from_value::<Warning>(json).unwrap(), w);
        let bin = postcard::to_stdvec(&w).unwrap();
        assert_eq!(postcard::from_bytes::<Warning>(&bin).unwrap(), w);
        assert!(
            serde_json::from_str::<Warning>(r#"{"code":"no-such-code","message":"x"}"#).is_err()
        );
    }

    /// The names are an interface: changing one breaks the scripts that read them.
    #[test]
    fn the_codes_keep_their_names() {
        for (code, name) in [
            (WarningCode::BytesReplaced, "bytes-replaced"),
            (WarningCode::NulBytesRemoved, "nul-bytes-removed"),
            (WarningCode::DateMissing, "date-missing"),
            (WarningCode::DateOnlyUpdated, "date-only-updated"),
            (WarningCode::DateConflict, "date-conflict"),
            (WarningCode::DatelineMissing, "dateline-missing"),
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
        }
    }

    #[test]
    fn messages_carry_the_particulars() {
        assert_eq!(
            Warning::nul_bytes_removed(3).message,
            "3 NUL bytes were removed"
        );
        let (m, t) = (
            Date::parse("2021-05-02T10:00+03:00").unwrap(),
            Date::parse("2021-05-05").unwrap(),
        );
        let w = Warning::dates_disagree(m, t);
        assert_eq!(w.code, WarningCode::DateConflict);
        assert!(w.message.contains("2021-05-02T10:00+03:00") && w.message.contains("2021-05-05"));
        assert!(WarningCode::DateMissing.is_about_publication_date());
        assert!(!WarningCode::DatelineMissing.is_about_publication_date());
    }
}
