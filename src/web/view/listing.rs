//! Lists of articles as several pages show them (the index, facet pages, search results, a
//! story's other coverage): one line per article ([`Item`]), grouped under year and month
//! headings ([`group`]), rendered by the `listing` and `entry` macros of `macros.html`.

use super::dates::{DateView, month_name};
use super::hijri::HijriView;
use super::links::{self, Links};
use super::title_of;
use crate::archive::Entry;
use crate::archive::facets::{Facets, Source};

/// One line of a list.
pub struct Item<'a> {
    pub href: String,
    pub title: &'a str,
    pub date: Option<DateView>,
    /// The Hijri date printed on the page, else computed from `date`.
    pub hijri: Option<HijriView>,
    pub place: Option<&'a str>,
    /// The publication, else the agency.
    pub outlet: Option<Outlet<'a>>,
    /// A search hit's passage: escaped HTML with the matched words in `<mark>`.
    pub snippet_html: Option<String>,
}

/// A publication or agency named in a list, with the link to its page.
pub struct Outlet<'a> {
    pub name: &'a str,
    pub href: String,
}

impl<'a> Outlet<'a> {
    /// `None` for no name, a blank one, or one `facets` does not know (none has a page).
    pub fn new(
        links: &Links,
        facets: &Facets,
        source: Source,
        name: Option<&'a str>,
    ) -> Option<Outlet<'a>> {
        let name = name?.trim();
        let slug = facets.slug(source, name)?;
        Some(Outlet {
            name,
            href: links.to(&links::source_path(source, slug)),
        })
    }
}

impl<'a> Item<'a> {
    /// The line of `entry`, an entry of the archive whose facets are `facets`.
    pub fn new(links: &Links, facets: &Facets, entry: &'a Entry) -> Item<'a> {
        let a = &entry.article;
        Item {
            href: links.article(&a.id),
            title: title_of(a),
            date: a.published.as_ref().map(DateView::new),
            hijri: HijriView::of(a),
            place: a.place.as_deref(),
            outlet: Outlet::new(links, facets, Source::Publication, a.publication.as_deref())
                .or_else(|| Outlet::new(links, facets, Source::Agency, a.agency.as_deref())),
            snippet_html: None,
        }
    }
}

/// A link with its text.
pub struct Link {
    pub text: String,
    pub href: String,
}

/// A heading of a list, linked to its period's page when it has one.
pub struct Heading {
    pub text: String,
    pub href: Option<String>,
}

/// Which headings a list carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headings {
    /// A year heading where a year begins, a month heading where a month does (the index,
    /// a publication's or agency's page).
    YearsAndMonths,
    /// Month headings only (a year's page, whose title names the year).
    Months,
    /// None (a month's page).
    None,
}

/// The articles of one month on this page, with the year's heading when the year begins here.
pub struct MonthGroup<'a> {
    pub year: Option<Heading>,
    pub month: Option<Heading>,
    /// The month heading's level: under the year's, or right under the page's title.
    pub level: u8,
    pub items: Vec<Item<'a>>,
}

/// A page's part of a list: the dated articles by month, then the undated ones.
pub struct Grouped<'a> {
    pub months: Vec<MonthGroup<'a>>,
    pub undated: Vec<Item<'a>>,
    /// Whether an item shows a computed Hijri date (the list then says what that means).
    pub computed_hijri: bool,
}

/// Whether any of `items` shows a computed Hijri date.
pub fn any_computed_hijri<'a, 'b: 'a>(items: impl IntoIterator<Item = &'a Item<'b>>) -> bool {
    items
        .into_iter()
        .any(|i| i.hijri.as_ref().is_some_and(|h| h.computed))
}

/// Groups `entries` (dated ones first, in the order shown; entries of the archive whose
/// facets are `facets`) by month, with `headings`.
pub fn group<'a>(
    links: &Links,
    facets: &Facets,
    entries: impl IntoIterator<Item = &'a Entry>,
    headings: Headings,
) -> Grouped<'a> {
    let mut months: Vec<MonthGroup> = Vec::new();
    let mut undated = Vec::new();
    let mut last_key = None;
    for entry in entries {
        let item = Item::new(links, facets, entry);
        let Some(published) = entry.article.published else {
            undated.push(item);
            continue;
        };
        let (y, m) = (published.year(), published.month());
        if months.is_empty() || (headings != Headings::None && last_key != Some((y, m))) {
            let new_year = last_key.is_none_or(|(year, _)| year != y);
            let year = (headings == Headings::YearsAndMonths && new_year).then(|| Heading {
                text: y.to_string(),
                href: Some(links.to(&links::year_path(y))),
            });
            let month = (headings != Headings::None).then(|| Heading {
                text: format!("{} {y}", month_name(m)),
                href: Some(links.to(&links::month_path(y, m))),
            });
            months.push(MonthGroup {
                year,
                month,
                level: if headings == Headings::YearsAndMonths {
                    3
                } else {
                    2
                },
                items: Vec::new(),
            });
            last_key = Some((y, m));
        }
        months.last_mut().expect("pushed above").items.push(item);
    }
    let computed_hijri = any_computed_hijri(months.iter().flat_map(|g| &g.items));
    Grouped {
        months,
        undated,
        computed_hijri,
    }
}
