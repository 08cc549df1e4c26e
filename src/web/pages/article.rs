//! One article: `/articles/{id}`, and the dump it came from at `/articles/{id}/source`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::archive::Entry;
use crate::archive::facets::Source;
use crate::parse::Article;
use crate::web::http::cache_policy::{self, CachePolicy};
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::site::{AppState, Site};
use crate::web::view::dates::DateView;
use crate::web::view::hijri::HijriView;
use crate::web::view::links::{self, Links};
use crate::web::view::listing::{Item, any_computed_hijri};
use crate::web::view::markdown;
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

fn dateline<'a>(links: &Links, a: &'a Article) -> Vec<DatelinePart<'a>> {
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
            href: source.map(|source| links.to(&links::source_path(source, text.trim()))),
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
    note_html: Option<String>,
    /// The fields an override set, in Arabic (`العنوان، تاريخ النشر`); empty when none.
    corrected: String,
    source_href: String,
    older: Option<Neighbour<'a>>,
    newer: Option<Neighbour<'a>>,
    preview: Preview,
    /// The other articles of its story thread, oldest first.
    thread: Vec<Item<'a>>,
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

/// The entry `id` of `site`, or the answer instead of it: a 404, or for a dropped duplicate,
/// whose address was given out once, a 308 to `page_of(kept)`, the copy that is served.
fn find(site: &Site, id: &str, page_of: impl Fn(&str) -> String) -> Result<Entry, Box<Response>> {
    if let Some(kept) = site.archive.alias(id) {
        return Err(Box::new(
            Redirect::permanent(&page_of(kept)).into_response(),
        ));
    }
    site.archive
        .get(id)
        .ok_or_else(|| Box::new(WebError::NotFound.into_response()))
}

/// `GET /articles/{id}`.
pub async fn show(
    State(state): State<AppState>,
    links: Links,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let site = state.site();
    let entry = match find(&site, &id, |kept| links.article(kept)) {
        Ok(entry) => entry,
        Err(answer) => return Ok(*answer),
    };
    let a = &entry.article;
    let (older, newer) = site.archive.neighbours(&id);
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
        .map(|e| Item::new(&links, e))
        .collect();
    let hijri = HijriView::of(a);
    let hijri_note =
        hijri.as_ref().is_some_and(|h| h.computed) || any_computed_hijri(thread.iter());
    let page = ArticlePage {
        title: title_of(a),
        dateline: dateline(&links, a),
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
        note_html: entry.note.as_deref().map(markdown::to_safe_html),
        corrected: corrected(&entry.overridden),
        source_href: links.source(&a.id),
        older: older.map(|e| Neighbour::new(&links, e)),
        newer: newer.map(|e| Neighbour::new(&links, e)),
        preview: Preview::article(&links, a),
        thread,
        a,
        links,
    };
    render(&page, StatusCode::OK, CachePolicy::Short)
}

/// `GET /articles/{id}/source`: the dump as decoded, for provenance. Plain text whatever it
/// holds, and `nosniff` so no browser second-guesses a dump full of markup as HTML.
pub async fn source(
    State(state): State<AppState>,
    links: Links,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let site = state.site();
    let entry = match find(&site, &id, |kept| links.source(kept)) {
        Ok(entry) => entry,
        Err(answer) => return Ok(*answer),
    };
    Ok((
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
            cache_policy::etag(entry.text.as_bytes()),
        ],
        entry.text.clone(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dateline_joins_what_is_there() {
        let links = Links::for_path("/articles/x");
        let text = |a: &Article| {
            dateline(&links, a)
                .iter()
                .map(|p| format!("{}{}", p.separator, p.text))
                .collect::<String>()
        };
        let mut a = Article {
            place: Some("نيويورك".into()),
            author: Some("مادلين سعادة".into()),
            agency: Some("أ ف ب".into()),
            publication: Some("العرب اليوم".into()),
            ..Article::default()
        };
        assert_eq!(text(&a), "نيويورك ـ مادلين سعادة، أ ف ب، العرب اليوم");
        let hrefs: Vec<_> = dateline(&links, &a).into_iter().map(|p| p.href).collect();
        assert_eq!(
            hrefs,
            [
                None,
                None,
                Some("../agencies/%D8%A3%20%D9%81%20%D8%A8".to_owned()),
                Some(format!(
                    "../{}",
                    links::source_path(Source::Publication, "العرب اليوم")
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
