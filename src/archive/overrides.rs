//! Archivists' corrections: `<stem>.toml` beside a dump wins over the parser, field by field.

use serde::Deserialize;

use crate::parse::{Article, Date};

/// Every field an archivist may set; unknown keys are an error, so a typo is never ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub captions: Option<Vec<String>>,
    pub place: Option<String>,
    pub author: Option<String>,
    pub agency: Option<String>,
    pub publication: Option<String>,
    /// Read by [`Date::parse`], so `published = "2015-09-18"` or `"2015-09-18T16:41+03:00"`.
    pub published: Option<Date>,
    pub updated: Option<Date>,
    pub hijri: Option<String>,
    pub body: Option<Vec<String>>,
    /// Markdown shown on the article page as the archivist's note.
    pub note: Option<String>,
}

impl Override {
    /// Reads and checks an override file's text; the error says what is wrong in it.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let o: Override = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        if o.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err("`title` is empty".into());
        }
        Ok(o)
    }

    /// Applies the override and returns the names of the fields it set.
    pub fn apply(self, a: &mut Article) -> Vec<&'static str> {
        let mut set = Vec::new();
        macro_rules! take {
            ($($field:ident => $wrap:expr),* $(,)?) => {$(
                if let Some(v) = self.$field {
                    a.$field = $wrap(v);
                    set.push(stringify!($field));
                }
            )*};
        }
        take!(
            title => |v| v,
            subtitle => Some,
            captions => |v| v,
            place => Some,
            author => Some,
            agency => Some,
            publication => Some,
            published => Some,
            updated => Some,
            hijri => Some,
            body => |v| v,
        );
        if set.contains(&"published") {
            a.warnings.retain(|w| !w.code.is_about_publication_date());
        }
        set
    }

    /// Whether the override alone carries an article (for a dump the parser could not read).
    pub fn is_complete(&self) -> bool {
        self.title.is_some() && self.body.as_ref().is_some_and(|b| !b.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Warning;

    #[test]
    fn override_wins_field_by_field() {
        let mut a = Article {
            title: "parsed".into(),
            place: Some("دمشق".into()),
            warnings: vec![Warning::no_publication_date(), Warning::no_dateline()],
            ..Article::default()
        };
        let o = Override::from_toml("title = \"أفضل\"\npublished = \"2015-09-18\"\n").unwrap();
        let set = o.apply(&mut a);
        assert_eq!(set, ["title", "published"]);
        assert_eq!(a.title, "أفضل");
        assert_eq!(a.place.as_deref(), Some("دمشق"));
        assert_eq!(a.published, Date::parse("2015-09-18").ok());
        assert_eq!(
            a.warnings,
            [Warning::no_dateline()],
            "the date warning is answered"
        );
    }

    #[test]
    fn unknown_keys_and_bad_dates_are_errors() {
        assert!(
            Override::from_toml("titel = \"x\"")
                .unwrap_err()
                .contains("titel")
        );
        assert!(Override::from_toml("published = \"18/09/2015\"").is_err());
        assert!(Override::from_toml("published = \"2015-02-30\"").is_err());
    }
}
