//! Hand-made archives for the web tests, and a small in-process client.
//!
//! The entries are written here rather than parsed from `articles/`, so these tests check the
//! web layer whatever the parser makes of the seeds today.

#![allow(dead_code)] // Each test file uses its own part of this module.

pub mod indexed;
pub mod nginx;
pub mod process;
pub mod seeded;
pub mod stamped;
pub mod warc;

use arshif::Article;
use arshif::archive::{Archive, Entry};
use arshif::parse::Date;
use arshif::search::{SearchIndex, build_index};
use arshif::web::{AppState, Config, Site, app};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn entry(id: &str, published: Option<&str>, title: &str) -> Entry {
    Entry {
        article: Article {
            id: id.into(),
            source: format!("{id}.txt"),
            title: title.into(),
            published: published.map(|d| Date::parse(d).unwrap()),
            body: vec![format!("نص المقال {id}.")],
            encoding: "UTF-8".into(),
            ..Article::default()
        },
        note: None,
        overridden: vec![],
        text: format!("{title}\n\nنص المقال {id}.\n"),
        provenance: Default::default(),
    }
}

/// Five articles shaped like the shipped seeds: two dated (2015-09-16 and 2015-09-18),
/// three undated, one with an archivist's note.
pub fn seeds() -> Vec<Entry> {
    let s = |v: &str| Some(v.to_owned());
    let mut kerry = entry(
        "4873890e38737cc0",
        None,
        "كيري ولافروف يبحثان عن آلية مشتركة لضرب تنظيم \"داعش\"",
    );
    kerry.article.subtitle = s("هدنة مؤقتة من التصريحات النارية ومفاوضات في غضون أيام");
    kerry.article.captions = vec!["جون كيري وسيرغي لافروف".into()];
    kerry.article.place = s("نيويورك");
    kerry.article.author = s("مادلين سعادة");
    kerry.article.publication = s("العرب اليوم");
    kerry.article.body = vec![
        "عقد وزير الخارجية الأميركي جون كيري، مؤتمرا صحافيا متوترًا مع نظيره الروسي سيرجي لافروف بعد ساعات من تحذير روسيا للولايات المتحدة بسحب قواتها قبل بدء الضربات الجوية في سورية.".into(),
        "واشتبكت البلدان في اجتماع مجلس الأمن التابع للأمم المتحدة بشأن الحملات الجوية الموازية ضد تنظيم \"داعش\" في سورية، حيث أخبر كيري المجلس أنه سيتم تجاهل تحذير روسيا، وزعم الجانبان شرعية أفعالهم لكنهما اختلفا حول دور الرئيس السوري بشار الأسد.".into(),
        "وأضاف كيري بعد اجتماعه مع لافروف: \"اتفقنا على حتمية عقد محادثات على المستوى العسكري في أقرب وقت ممكن وربما غدا، والجانبان متفقان على استهداف تنظيم داعش\"، موضحا أن كلا البلدين سيعملان معا من أجل التوصل إلى حل بشأن سورية.".into(),
    ];

    let mut moscow = entry(
        "adaa0b1178cf7dcd",
        None,
        "واشنطن وموسكو تبحثان آليات التصدي لـ\"داعش\" في سورية",
    );
    moscow.article.subtitle = s("الطيران الحربي يواصل قصف ريف درعا وحمص");
    moscow.article.captions = vec!["واشنطن وموسكو تبحثان محاربة \"داعش\"".into()];
    moscow.article.place = s("دمشق");
    moscow.article.author = s("نور خوّام");
    moscow.article.publication = s("المغرب اليوم");
    moscow.article.body = vec![
        "خطت واشنطن وموسكو خطوة جديدة، الجمعة، في اتجاه عقد اجتماع عاجل بينهما لدرس الوضع في سورية، في ضوء المخاوف الأميركية من التعزيزات العسكرية التي ترسلها روسيا إلى هذا البلد.".into(),
        "وفي واشنطن، لم يؤكد الجانب الأميركي بعد حصول لقاء بين الرئيسين باراك أوباما (Barack Obama) وفلاديمير بوتين في الأمم المتحدة نهاية هذا الشهر.".into(),
    ];

    let mut fail = entry(
        "33d0e17b3f187f76",
        None,
        "روسيا وأمريكا تفشلان في التوصل لخطة مشتركة لقتال داعش",
    );
    fail.article.place = s("موسكو");
    fail.article.agency = s("رويترز");
    fail.article.body = vec![
        "قال وزير الخارجية الروسي سيرجي لافروف بعد اجتماع للمرة الثانية في أيام مع نظيره الأمريكي جون كيري إن روسيا والولايات المتحدة لم تتمكنا من التوصل لنهج مشترك للتصدي لتنظيم الدولة الإسلامية.".into(),
        "ولكن لافروف اضاف أنه وكيري اتفقا على أن يستمر المسؤولون الروس والأمريكيون في العمل على إيجاد استراتيجية مشتركة لمقاتلة التنظيم المتشدد.".into(),
    ];

    let mut white_house = entry(
        "cf3dbfa4259b4b62",
        Some("2015-09-16"),
        "البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"",
    );
    white_house.article.author = s("المحرر السياسي");
    white_house.article.publication = s("الوسط");
    white_house.article.hijri = s("02 ذي الحجة 1436");
    white_house.article.body = vec![
        "أفاد البيت الأبيض أمس الأربعاء 16 أيلول/سبتمبر أنه يرحب بأي دعم روسي للتحالف في محاربة التنظيم الإرهابي \"داعش\"، مشيرا إلى أن الجهود التي تبذلها موسكو لدعم الرئيس السوري لن تكون مثمرة.".into(),
        "ورغم النفي الروسي لبناء أي قواعد جوية أو عسكرية في سوريا، تتمسك واشنطن بالخطاب نفسه، حيث ذكر البيت الأبيض أن دعم روسيا للرئيس السوري بشار الأسد قد يفاقم الصراع في سوريا.".into(),
    ];
    white_house.note = Some(
        "نُشر في **العدد 4758** من الصحيفة. انظر أيضًا [الخبر نفسه من واشنطن](adaa0b1178cf7dcd)."
            .into(),
    );
    white_house.overridden = vec!["published".into()];

    let mut pentagon = entry(
        "91d6d82d5f0f2529",
        Some("2015-09-18T16:41"),
        "البنتاغون يعلن عن محادثات عسكرية حول سوريا بين الولايات المتحدة وروسيا",
    );
    pentagon.article.captions = vec!["وزير الدفاع الاميركي اشتون كارتر".into()];
    pentagon.article.agency = s("وكالة الصحافة الفرنسية (أ ف ب)");
    pentagon.article.body = vec![
        "اعلنت وزارة الدفاع الاميركية الجمعة ان وزيري دفاع الولايات المتحدة وروسيا تحادثا هاتفيا الجمعة وتطرقا الى الازمة في سوريا واتفقا على مواصلة هذه المحادثات في المستقبل.".into(),
        "وصرح المتحدث باسم البنتاغون بيتر كوك (Peter Cook) ان وزير الدفاع الاميركي اشتون كارتر ونظيره الروسي سيرغي شويغو اجريا مكالمة هاتفية لبحث الوضع في سوريا.".into(),
    ];

    vec![kerry, moscow, fail, white_house, pentagon]
}

pub const ABOUT: &str = "جُمعت هذه المقالات من مواقع أخبار عربية في أيلول/سبتمبر 2015.\n\n## المصادر\n\n* العرب اليوم\n* المغرب اليوم\n* الوسط\n";

/// One article whose every field holds what a hostile or careless dump could.
pub fn hostile() -> Entry {
    let mut e = entry(
        "hostile",
        Some("2015-09-17"),
        "<script>alert(1)</script> & <b>عريض</b>",
    );
    let a = &mut e.article;
    a.subtitle = Some("<i>مائل</i> & \"مقتبس\"".into());
    a.captions = vec!["<img src=x onerror=alert(1)>".into()];
    a.place = Some("<b>مكان</b>".into());
    a.author = Some("[x](javascript:alert(1))".into());
    a.publication = Some("<a href=\"javascript:alert(1)\">مطبوعة</a>".into());
    a.hijri = Some("<script>alert(2)</script>".into());
    a.body = vec![
        "# ليس عنوانًا".into(),
        "* ليس بندًا".into(),
        "[x](javascript:alert(1))".into(),
        "<script>alert(3)</script>".into(),
        "AT&T <b>bold</b> &amp; &lt;".into(),
    ];
    e.note = Some(
        "<script>alert(4)</script>\n\n**مهم** و[رابط خطر](javascript:alert(5)) و<b>وسم</b>".into(),
    );
    e.text = "<script>alert(6)</script>\n# dump".into();
    e
}

pub fn router(entries: Vec<Entry>, about: Option<&str>) -> Router {
    router_with(entries, about, Config::default())
}

pub fn router_with(entries: Vec<Entry>, about: Option<&str>, config: Config) -> Router {
    app(AppState::new(
        Archive::from_entries(entries, about.map(String::from)),
        config,
    ))
}

/// The site of `archive` with a search index of its entries, written to a temporary folder
/// that lives as long as the returned guard.
pub fn searchable(archive: Archive, config: Config) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    // The archive lists light entries; the index needs their bodies.
    let whole: Vec<Entry> = archive
        .entries()
        .iter()
        .map(|e| archive.get(&e.article.id).unwrap())
        .collect();
    build_index(whole.iter().map(|e| &e.article), &path).unwrap();
    let index = SearchIndex::open(&path).unwrap();
    let state = AppState::with_site(Site::new(archive, Some(index)), config);
    (dir, app(state))
}

/// One URL of each kind of page that answers 200 (the stylesheet by its hashed name).
pub async fn page_urls(app: &Router) -> Vec<String> {
    let css = attrs(&get(app, "/").await.html(), "link[rel=stylesheet]", "href");
    vec![
        "/".into(),
        "/?order=oldest".into(),
        "/page/2".into(),
        "/articles/cf3dbfa4259b4b62".into(),
        "/articles/cf3dbfa4259b4b62/source".into(),
        "/about".into(),
        resolve("/", &css[0]),
        "/static/fonts/OFL.txt".into(),
    ]
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (lossy: fonts are not UTF-8).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .map_or("", |v| v.to_str().unwrap())
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
}

pub async fn request(app: &Router, method: Method, uri: &str) -> Reply {
    send(app, method, uri, &[]).await
}

/// A request with extra headers (`("if-none-match", "\"…\"")`).
pub async fn send(app: &Router, method: Method, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    request(app, Method::GET, uri).await
}

/// The text of every node `selector` matches, whitespace collapsed.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|n| {
            n.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The value of `attr` on every node `selector` matches.
pub fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|n| n.value().attr(attr).map(String::from))
        .collect()
}

/// Resolves a relative reference against a request path the way a browser does
/// (RFC 3986 §5.2, for the path-only references this site emits).
pub fn resolve(base: &str, reference: &str) -> String {
    let base_path = base.split(['?', '#']).next().unwrap();
    // A fragment is never part of what is requested.
    let reference = reference.split('#').next().unwrap();
    let (ref_path, query) = match reference.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (reference, None),
    };
    let ref_path = ref_path.split('#').next().unwrap();
    let merged = if ref_path.starts_with('/') {
        ref_path.to_owned()
    } else if ref_path.is_empty() {
        base_path.to_owned()
    } else {
        let dir = &base_path[..=base_path.rfind('/').unwrap()];
        format!("{dir}{ref_path}")
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = merged.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut path = format!("/{}", out.join("/"));
    if let Some(q) = query {
        path = format!("{path}?{q}");
    }
    path
}

/// A gzip body, decoded.
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A brotli body, decoded.
pub fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The content type of every HTML page.
pub const HTML: &str = "text/html; charset=utf-8";

/// The article ids that `selector`'s links lead to, in page order.
pub fn linked_ids(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
        .into_iter()
        .map(|h| {
            assert!(h.contains("articles/"), "{h} is not an article link");
            h.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

/// The last path segment of every link `selector` matches, in page order.
pub fn ids_in_order(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
        .into_iter()
        .map(|h| h.rsplit('/').next().unwrap().to_owned())
        .collect()
}

/// `n` articles, `n000` oldest; dated ones a day apart (28-day months keep it simple).
pub fn numbered(n: usize, dated: bool) -> Vec<arshif::archive::Entry> {
    (0..n)
        .map(|i| {
            let published = format!(
                "{}-{:02}-{:02}",
                2000 + i / 336,
                1 + i / 28 % 12,
                1 + i % 28
            );
            entry(
                &format!("n{i:03}"),
                dated.then_some(published.as_str()),
                &format!("مقال {i}"),
            )
        })
        .collect()
}
