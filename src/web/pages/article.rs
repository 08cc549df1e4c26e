//! One article: `/articles/{id}`, the file it came from at `/articles/{id}/source` (a dump's
//! text, a saved page's or crawled page's HTML), and each other capture of a crawled address
//! at `/articles/{id}/captures/{n}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::archive::Entry;
use crate::archive::facets::{Facets, Source};
use crate::parse::{Article, Date};
use crate::web::http::cache_policy::{CachePolicy, ETag};
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::pages::{cite, data};
use crate::web::site::{AppState, Site};
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::dates::DateView;
use crate::web::view::hijri::HijriView;
use crate::web::view::links::{self, Links};
use crate::web::view::listing::{Item, any_computed_hijri};
use crate::web::view::markdown;
use crate::web::view::page_links::filters;
use crate::web::view::preview::Preview;
use crate::web::view::title_of;

/// A piece of the dateline (`place ـ author، agency، publication`), with what goes before it.
pub struct DatelinePart<'a> {
    pub separator: &'static str,
    pub text: &'a str,
    pub class: &'static str,
    /// The agency's or publication's page.
    pub href: Option<String>,
}

/// The dateline of `a`, an article of the archive whose facets are `facets`.
fn dateline<'a>(links: &Links, facets: &Facets, a: &'a Article) -> Vec<DatelinePart<'a>> {
    let fields = [
        (a.place.as_deref(), "place", None),
        (a.author.as_deref(), "author", None),
        (a.agency.as_deref(), "agency", Some(Source::Agency)),
        (
            a.publication.as_deref(),
            "publication",
            Some(Source::Publication),
        ),
    ];
    let mut parts: Vec<DatelinePart> = Vec::new();
    for (text, class, source) in fields {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let separator = match parts.last() {
            None => "",
            // A newspaper dateline joins the place to the writer with a kashida dash.
            Some(prev) if prev.class == "place" => " ـ ",
            Some(_) => "، ",
        };
        parts.push(DatelinePart {
            separator,
            text,
            class,
            href: source
                .and_then(|source| Some((source, facets.slug(source, text.trim())?)))
                .map(|(source, slug)| links.to(&links::source_path(source, slug))),
        });
    }
    parts
}

/// The chronologically previous or next article, as linked from the foot of a page.
pub struct Neighbour<'a> {
    pub href: String,
    pub title: &'a str,
    pub date: Option<DateView>,
}

impl<'a> Neighbour<'a> {
    fn new(links: &Links, entry: &'a Entry) -> Neighbour<'a> {
        Neighbour {
            href: links.article(&entry.article.id),
            title: title_of(&entry.article),
            date: entry.article.published.as_ref().map(DateView::new),
        }
    }
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    links: Links,
    a: &'a Article,
    title: &'a str,
    dateline: Vec<DatelinePart<'a>>,
    published: Option<DateView>,
    /// The month page of the publication date.
    month_href: Option<String>,
    updated: Option<DateView>,
    /// The Hijri date the page printed, else the one computed from `published`.
    hijri: Option<HijriView>,
    /// The dump's file name without its extension, when the article has no date: the note
    /// that says so names the override file that would give it one.
    undated_stem: Option<&'a str>,
    /// Whether a computed Hijri date is shown (here or in the thread), and so explained.
    hijri_note: bool,
    /// "Cite this article": the line to copy (before the URL, the URL, after it), and the
    /// record's other forms.
    citation: (String, Option<String>, String),
    json_href: String,
    bib_href: String,
    ris_href: String,
    note_html: Option<String>,
    /// The fields an override set, in Arabic (`العنوان، تاريخ النشر`); empty when none.
    corrected: String,
    source_href: String,
    /// The page's own address, when it is a web address (a saved or crawled page).
    url: Option<&'a str>,
    /// When a crawl fetched the page shown.
    captured: Option<DateView>,
    /// The other captures of the same address, newest first.
    captures: Vec<CaptureView>,
    older: Option<Neighbour<'a>>,
    newer: Option<Neighbour<'a>>,
    preview: Preview,
    /// The other articles of its story thread, oldest first.
    thread: Vec<Item<'a>>,
}

/// Another capture of an article's address, as its page lists it.
pub struct CaptureView {
    pub captured: Option<DateView>,
    /// The file it is in.
    pub file: String,
    /// Its own source view.
    pub href: String,
}

/// A capture date as a page shows it.
fn capture_date(stamp: Option<Date>) -> Option<DateView> {
    stamp.as_ref().map(DateView::new)
}

/// The record's field names as a reader knows them; an unknown name is shown as it is.
fn corrected(fields: &[String]) -> String {
    let label = |f: &str| match f {
        "title" => "العنوان",
        "subtitle" => "العنوان الفرعي",
        "captions" => "تعليقات الصور",
        "place" => "المكان",
        "author" => "الكاتب",
        "agency" => "الوكالة",
        "publication" => "المطبوعة",
        "published" => "تاريخ النشر",
        "updated" => "تاريخ التحديث",
        "hijri" => "التاريخ الهجري",
        "body" => "النص",
        _ => "",
    };
    fields
        .iter()
        .map(|f| match label(f) {
            "" => f.as_str(),
            l => l,
        })
        .collect::<Vec<_>>()
        .join("، ")
}

/// What `read` gives of the entry `id` of `site` (the whole entry lent, or the light one when
/// the body and the dump's text are not shown: reading them is most of the cost of a
/// reference file), or the answer instead of it: a 404, or for a dropped duplicate, whose
/// address was given out once, a 308 to `page_of(kept)`, the copy that is served.
fn find_as<E>(
    site: &Site,
    id: &str,
    page_of: impl Fn(&str) -> String,
    read: impl FnOnce(&str) -> Option<E>,
) -> Result<E, Box<Response>> {
    if let Some(kept) = site.archive.alias(id) {
        return Err(Box::new(
            Redirect::permanent(&page_of(kept)).into_response(),
        ));
    }
    read(id).ok_or_else(|| Box::new(WebError::NotFound.into_response()))
}

/// What `/articles/{id}…` asks for: the page, or the record in another form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Page,
    /// `{id}.json`: the record as data (`data.rs`).
    Json,
    /// `{id}.bib`, `{id}.ris`: the reference to import (`cite.rs`).
    Reference(cite::Format),
}

impl Form {
    /// The form a path segment asks for, and the id in it. Ids are letters, digits and `-`
    /// (`archive::id`), so a dot can only start a suffix.
    fn of(segment: &str) -> (&str, Form) {
        match segment.rsplit_once('.') {
            Some((id, "json")) => (id, Form::Json),
            Some((id, "bib")) => (id, Form::Reference(cite::Format::Bibtex)),
            Some((id, "ris")) => (id, Form::Reference(cite::Format::Ris)),
            _ => (segment, Form::Page),
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Form::Page => "",
            Form::Json => ".json",
            Form::Reference(format) => format.suffix(),
        }
    }
}

/// `GET /articles/{id}`, and `{id}.json`, `{id}.bib`, `{id}.ris`.
pub async fn show(
    State(state): State<AppState>,
    links: Links,
    Path(segment): Path<String>,
) -> Result<Response, WebError> {
    let site = state.site();
    let (id, form) = Form::of(&segment);
    let page_of = |kept: &str| links.article(kept) + form.suffix();
    match form {
        // A reference names the article: its body and text stay in the store.
        Form::Reference(format) => Ok(
            match find_as(&site, id, page_of, |id| site.archive.light(id)) {
                Ok(entry) => cite::download(&links, &entry.article, format),
                Err(answer) => *answer,
            },
        ),
        // The entry is lent from the store's kept frame, which the page, its `.json` and its
        // `source` share: none copies the body out.
        Form::Page | Form::Json => {
            let shown = find_as(&site, id, page_of, |id| {
                site.archive.with_entry(id, |entry| match form {
                    Form::Page => page(&site, links.clone(), entry),
                    _ => data::article(&site, &links, entry),
                })
            });
            shown.unwrap_or_else(|answer| Ok(*answer))
        }
    }
}

/// The article page of `entry`, an entry of `site`.
fn page(site: &Site, links: Links, entry: &Entry) -> Result<Response, WebError> {
    let id = entry.article.id.as_str();
    let a = &entry.article;
    let (older, newer) = site.archive.neighbours(id);
    let published = a.published.as_ref().map(DateView::new);
    let mut links = links;
    links.set_here(crate::web::view::links::article_path(&a.id));
    let month_href = a
        .published
        .map(|d| links.to(&links::month_path(d.year(), d.month())));
    let thread: Vec<Item> = site
        .archive
        .thread(&a.id)
        .into_iter()
        .map(|e| Item::new(&links, site.archive.facets(), e))
        .collect();
    let hijri = HijriView::of(a);
    let hijri_note =
        hijri.as_ref().is_some_and(|h| h.computed) || any_computed_hijri(thread.iter());
    let page = ArticlePage {
        title: title_of(a),
        dateline: dateline(&links, site.archive.facets(), a),
        month_href,
        published,
        updated: a.updated.as_ref().map(DateView::new),
        hijri,
        undated_stem: a.published.is_none().then(|| {
            a.source
                .rsplit_once('.')
                .map_or(a.source.as_str(), |(stem, _)| stem)
        }),
        hijri_note,
        citation: {
            let reference = cite::reference(&links, a);
            let (head, url, tail) = reference.arabic_parts();
            (head, url.map(str::to_owned), tail)
        },
        json_href: links.article(&a.id) + ".json",
        bib_href: links.article(&a.id) + cite::Format::Bibtex.suffix(),
        ris_href: links.article(&a.id) + cite::Format::Ris.suffix(),
        note_html: entry.note.as_deref().map(markdown::to_safe_html),
        corrected: corrected(&entry.overridden),
        source_href: links.source(&a.id),
        url: entry
            .provenance
            .origin
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        captured: capture_date(entry.provenance.origin.captured),
        captures: entry
            .provenance
            .others
            .iter()
            .enumerate()
            .map(|(n, other)| CaptureView {
                captured: capture_date(other.origin.captured),
                file: other.source.clone(),
                href: links.capture_source(&a.id, n + 1),
            })
            .collect(),
        older: older.map(|e| Neighbour::new(&links, e)),
        newer: newer.map(|e| Neighbour::new(&links, e)),
        preview: Preview::article(&links, a),
        thread,
        a,
        links,
    };
    render(&page, StatusCode::OK, CachePolicy::Short)
}

/// `GET /articles/{id}/source`: the file as decoded, for provenance.
pub async fn source(
    State(state): State<AppState>,
    links: Links,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let site = state.site();
    let text = find_as(
        &site,
        &id,
        |kept| links.source(kept),
        |id| site.archive.with_entry(id, |entry| entry.text.clone()),
    );
    Ok(text.map_or_else(|answer| *answer, plain_text))
}

/// `GET /articles/{id}/captures/{n}`: capture `n` (from 1, newest first) of the other captures
/// of the article's address, as decoded. Not under `source/`: a static export writes
/// `source` as a file, which cannot also be a folder.
pub async fn capture_source(
    State(state): State<AppState>,
    links: Links,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, WebError> {
    let site = state.site();
    if let Some(kept) = site.archive.alias(&id) {
        return Ok(Redirect::permanent(&links.capture_source(kept, n)).into_response());
    }
    let text = site
        .archive
        .capture_source(&id, n)
        .ok_or(WebError::NotFound)?;
    Ok(plain_text(text))
}

/// A source as plain text whatever it holds, and `nosniff` so no browser second-guesses a
/// file full of markup (a saved page is nothing else) as HTML and renders it.
fn plain_text(text: String) -> Response {
    (
        CachePolicy::Short,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        ETag::of(text.as_bytes()),
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dateline_joins_what_is_there() {
        let links = Links::for_path("/articles/x");
        let mut a = Article {
            place: Some("نيويورك".into()),
            author: Some("مادلين سعادة".into()),
            agency: Some("أ ف ب".into()),
            publication: Some("العرب اليوم".into()),
            ..Article::default()
        };
        let archived = crate::archive::Entry {
            article: a.clone(),
            ..Entry::default()
        };
        let facets = Facets::build(&[std::slice::from_ref(&archived)], 0);
        let text = |a: &Article| {
            dateline(&links, &facets, a)
                .iter()
                .map(|p| format!("{}{}", p.separator, p.text))
                .collect::<String>()
        };
        assert_eq!(text(&a), "نيويورك ـ مادلين سعادة، أ ف ب، العرب اليوم");
        let hrefs: Vec<_> = dateline(&links, &facets, &a)
            .into_iter()
            .map(|p| p.href)
            .collect();
        assert_eq!(
            hrefs,
            [
                None,
                None,
                Some("../agencies/%D8%A3-%D9%81-%D8%A8".to_owned()),
                Some(format!(
                    "../{}",
                    links::source_path(Source::Publication, "العرب-اليوم")
                )),
            ]
        );
        a.author = None;
        assert_eq!(text(&a), "نيويورك ـ أ ف ب، العرب اليوم");
        a.place = None;
        assert_eq!(text(&a), "أ ف ب، العرب اليوم");
        a.agency = Some("  ".into());
        assert_eq!(text(&a), "العرب اليوم");
    }
}
