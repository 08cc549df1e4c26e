//! "Cite this article": the citation line an article page shows (author, title, outlet, date,
//! the archive's URL, the day retrieved), and the same reference as BibTeX and RIS files that
//! reference managers (Zotero, EndNote, JabRef) import.
//!
//! The outlet is the publication, else the agency: where a reader would look the article up.
//! The URL is the archive's page of it, absolute, so only when the public address is known
//! (`--base-url` or a trusted proxy); without it the reference has none rather than one that
//! only works from the page it was copied on.

use std::fmt::Write;

use super::SITE_NAME;
use super::dates::arabic_day;
use super::title_of;
use crate::parse::Article;
use crate::parse::Date;
use crate::stable_hash::stable_hash;

/// One article's reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The key of the BibTeX entry, and the downloads' file name: `arshif-<id>`.
    pub key: String,
    pub author: Option<String>,
    pub title: String,
    pub outlet: Option<String>,
    /// The publication date, when the record has a readable one.
    pub date: Option<Date>,
    /// The archive's page of the article, absolute.
    pub url: Option<String>,
    /// The day the reference was made, in UTC.
    pub retrieved: Date,
}

fn field(value: Option<&String>) -> Option<String> {
    value.map(|v| one_line(v)).filter(|v| !v.is_empty())
}

/// `text` with each run of whitespace one space, none at its ends.
fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    push_one_line(&mut line, text);
    line
}

/// [`one_line`] onto the end of `out`. The words pushed as they are found: collected into a
/// vector and joined, they were a third of a reference file's making (notes/serve-bench.md,
/// session 46).
fn push_one_line(out: &mut String, text: &str) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

impl Citation {
    /// The reference to `a`, whose page is at `url` (when the public address is known), made
    /// on `retrieved`.
    pub fn new(a: &Article, url: Option<String>, retrieved: Date) -> Citation {
        // BibTeX keys and file names travel best in ASCII: an id with other letters (a slug
        // of an Arabic file name) is replaced by its hash.
        let key = if a.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            format!("arshif-{}", a.id)
        } else {
            format!("arshif-{:016x}", stable_hash(a.id.as_bytes()))
        };
        Citation {
            key,
            author: field(a.author.as_ref()),
            title: one_line(title_of(a)),
            outlet: field(a.publication.as_ref()).or_else(|| field(a.agency.as_ref())),
            date: a.published.map(Date::day_only),
            url,
            retrieved,
        }
    }

    /// The line a reader copies: `الكاتب، «العنوان»، المطبوعة، 16 أيلول/سبتمبر 2015. أرشيف،
    /// https://…، استُرجع في 1 كانون الأول/ديسمبر 2026.`
    pub fn arabic(&self) -> String {
        let (head, url, tail) = self.arabic_parts();
        head + url.unwrap_or_default() + &tail
    }

    /// [`Citation::arabic`] in three: what comes before the URL, the URL, what follows (a
    /// page sets the URL apart as left-to-right text).
    pub fn arabic_parts(&self) -> (String, Option<&str>, String) {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.author.clone());
        parts.push(format!("«{}»", self.title));
        parts.extend(self.outlet.clone());
        parts.push(match &self.date {
            Some(d) => arabic_day(d),
            None => "بلا تاريخ".to_owned(),
        });
        let head = parts.join("، ") + ". " + SITE_NAME + "، ";
        let tail = format!("استُرجع في {}.", arabic_day(&self.retrieved));
        match &self.url {
            Some(url) => (head, Some(url), format!("، {tail}")),
            None => (head + &tail, None, String::new()),
        }
    }

    /// The reference as a BibTeX entry (`@article` when there is an outlet, `@misc` when
    /// not), every value escaped (see [`bibtex_escape`]).
    pub fn bibtex(&self) -> String {
        let mut fields: Vec<(&str, String)> = Vec::new();
        // Double braces: a name is taken whole, not split into given and family names by
        // rules made for European names.
        if let Some(author) = &self.author {
            fields.push(("author", format!("{{{}}}", bibtex_escape(author))));
        }
        fields.push(("title", bibtex_escape(&self.title)));
        if let Some(outlet) = &self.outlet {
            fields.push(("journal", bibtex_escape(outlet)));
        }
        if let Some(d) = &self.date {
            fields.push(("date", d.day_only().to_string()));
            fields.push(("year", d.year().to_string()));
            fields.push(("month", d.month().to_string()));
        }
        if let Some(url) = &self.url {
            fields.push(("url", bibtex_escape(url)));
        }
        fields.push(("urldate", self.retrieved.to_string()));
        fields.push(("language", "arabic".to_owned()));
        if self.outlet.is_none() {
            fields.push(("howpublished", bibtex_escape(SITE_NAME)));
        }
        let kind = if self.outlet.is_some() {
            "article"
        } else {
            "misc"
        };
        let mut out = format!("@{kind}{{{},\n", self.key);
        for (name, value) in fields {
            let _ = writeln!(out, "  {name} = {{{value}}},");
        }
        out.push_str("}\n");
        out
    }

    /// The reference as RIS (type `NEWS`), one `TAG  - value` line each, CRLF-ended as the
    /// format wants, closed by `ER  - `.
    pub fn ris(&self) -> String {
        let mut lines: Vec<(&str, String)> = vec![("TY", "NEWS".to_owned())];
        lines.push(("TI", self.title.clone()));
        if let Some(author) = &self.author {
            lines.push(("AU", author.clone()));
        }
        if let Some(outlet) = &self.outlet {
            lines.push(("T2", outlet.clone()));
        }
        if let Some(d) = &self.date {
            lines.push(("PY", format!("{:04}", d.year())));
            lines.push((
                "DA",
                format!("{:04}/{:02}/{:02}/", d.year(), d.month(), d.day()),
            ));
        }
        if let Some(url) = &self.url {
            lines.push(("UR", url.clone()));
        }
        let r = &self.retrieved;
        lines.push((
            "Y2",
            format!("{:04}/{:02}/{:02}/", r.year(), r.month(), r.day()),
        ));
        lines.push(("LA", "ar".to_owned()));
        lines.push(("DB", SITE_NAME.to_owned()));
        lines.push(("ID", self.key.clone()));
        let mut out = String::new();
        for (tag, value) in lines {
            // A value is one line: whatever line breaks it held become spaces.
            out.push_str(tag);
            out.push_str("  - ");
            push_one_line(&mut out, &value);
            out.push_str("\r\n");
        }
        out.push_str("ER  - \r\n");
        out
    }
}

/// `text` safe inside a BibTeX value in braces: the characters TeX reads as commands or
/// groups (`\ { } $ & % # _ ~ ^`) as the commands that print them, line breaks as spaces.
pub fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '$' => out.push_str("\\$"),
            '&' => out.push_str("\\&"),
            '%' => out.push_str("\\%"),
            '#' => out.push_str("\\#"),
            '_' => out.push_str("\\_"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article {
            id: "a1b2c3d4e5f60718".into(),
            title: "البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"".into(),
            author: Some("المحرر السياسي".into()),
            publication: Some("الوسط".into()),
            agency: Some("أ ف ب".into()),
            published: Date::parse("2015-09-16").ok(),
            ..Article::default()
        }
    }

    fn retrieved() -> Date {
        Date::parse("2026-12-01").unwrap()
    }

    fn cite(a: &Article) -> Citation {
        Citation::new(
            a,
            Some("https://example.org/archive/articles/a1b2c3d4e5f60718".into()),
            retrieved(),
        )
    }

    #[test]
    fn the_line_names_author_title_outlet_date_url_and_retrieval() {
        assert_eq!(
            cite(&article()).arabic(),
            "المحرر السياسي، «البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"»، \
             الوسط، 16 أيلول/سبتمبر 2015. أرشيف، \
             https://example.org/archive/articles/a1b2c3d4e5f60718، \
             استُرجع في 1 كانون الأول/ديسمبر 2026."
        );
        let mut a = article();
        a.author = None;
        a.publication = None;
        a.published = None;
        let c = Citation::new(&a, None, retrieved());
        assert_eq!(
            c.arabic(),
            "«البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"»، أ ف ب، بلا تاريخ. \
             أرشيف، استُرجع في 1 كانون الأول/ديسمبر 2026."
        );
    }

    #[test]
    fn bibtex_entries_are_well_formed() {
        let bib = cite(&article()).bibtex();
        assert!(
            bib.starts_with("@article{arshif-a1b2c3d4e5f60718,\n"),
            "{bib}"
        );
        assert!(bib.contains("  author = {{المحرر السياسي}},\n"), "{bib}");
        assert!(bib.contains("  journal = {الوسط},\n"), "{bib}");
        assert!(bib.contains("  date = {2015-09-16},\n  year = {2015},\n  month = {9},\n"));
        assert!(bib.contains("  urldate = {2026-12-01},\n"), "{bib}");
        assert!(bib.ends_with("}\n"));
        // Braces balance: every value closes where it should.
        let depth = bib.chars().fold(0i32, |d, c| match c {
            '{' => d + 1,
            '}' => d - 1,
            _ => d,
        });
        assert_eq!(depth, 0, "{bib}");
        let mut a = article();
        a.publication = None;
        a.agency = None;
        assert!(cite(&a).bibtex().starts_with("@misc{"));
    }

    #[test]
    fn bibtex_escapes_what_tex_would_read() {
        assert_eq!(
            bibtex_escape("50% & {x} $y #1 a_b ~ ^ \\ end\nline"),
            "50\\% \\& \\{x\\} \\$y \\#1 a\\_b \\textasciitilde{} \\textasciicircum{} \\textbackslash{} end line"
        );
        let mut a = article();
        a.title = "عنوان {غير} متوازن}} و100%".into();
        let bib = cite(&a).bibtex();
        assert!(
            bib.contains("title = {عنوان \\{غير\\} متوازن\\}\\} و100\\%},"),
            "{bib}"
        );
    }

    #[test]
    fn ris_lines_are_tag_two_spaces_dash_space_value() {
        let ris = cite(&article()).ris();
        let lines: Vec<&str> = ris.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.first(), Some(&"TY  - NEWS"));
        assert_eq!(lines.last(), Some(&"ER  - "));
        for line in &lines {
            let (tag, _) = line.split_at(2);
            assert!(
                tag.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                "{line}"
            );
            assert_eq!(&line[2..6], "  - ", "{line}");
        }
        assert!(lines.contains(&"DA  - 2015/09/16/"));
        assert!(lines.contains(&"Y2  - 2026/12/01/"));
        assert!(lines.contains(&"T2  - الوسط"));
        // A title over several lines is one line.
        let mut a = article();
        a.title = "سطر\nوسطر".into();
        assert!(cite(&a).ris().contains("TI  - سطر وسطر\r\n"));
    }

    #[test]
    fn keys_are_ascii() {
        let mut a = article();
        a.id = "خبر-عاجل".into();
        let key = cite(&a).key;
        assert!(key.starts_with("arshif-") && key.is_ascii(), "{key}");
    }

    proptest::proptest! {
        /// A value made one line as the words collected and joined made it.
        #[test]
        fn a_value_is_one_line_as_when_joined(text in "[ \\t\\n\\r\u{a0}\u{2003}a-zب.]{0,40}") {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(one_line(&text), joined.clone());
            let mut out = "TI  - ".to_owned();
            push_one_line(&mut out, &text);
            proptest::prop_assert_eq!(out, format!("TI  - {joined}"));
        }
    }
}
