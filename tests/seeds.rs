//! `arshif parse articles/*.txt` gives the table of issue #2 for the five seed dumps, cell by
//! cell, through the real command line.

use std::process::Command;

use serde_json::Value;

fn parse(files: &[&str]) -> (Vec<Value>, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_arshif"))
        .arg("parse")
        .args(files)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("arshif runs");
    let lines = String::from_utf8(out.stdout).expect("UTF-8 output");
    let records = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (records, out.status.success())
}

struct Row {
    file: &'static str,
    title_starts: &'static str,
    subtitle: Option<&'static str>,
    place: Option<&'static str>,
    author: Option<&'static str>,
    agency: Option<&'static str>,
    publication: Option<&'static str>,
    published: Option<&'static str>,
    updated: Option<&'static str>,
    hijri: Option<&'static str>,
    paragraphs: usize,
    first: &'static str,
    last: &'static str,
    captions: &'static [&'static str],
}

const TABLE: [Row; 5] = [
    Row {
        file: "000_4873890e38737cc0.txt",
        title_starts: "كيري ولافروف يبحثان",
        subtitle: Some("هدنة مؤقتة من التصريحات"),
        place: Some("نيويورك"),
        author: Some("مادلين سعادة"),
        agency: None,
        publication: Some("العرب اليوم"),
        published: None,
        updated: None,
        hijri: None,
        paragraphs: 12,
        first: "عقد وزير الخارجية",
        last: "وأضاف كيري: \" يجب",
        captions: &["جون كيري وسيرغي لافروف"],
    },
    Row {
        file: "001_adaa0b1178cf7dcd.txt",
        title_starts: "واشنطن وموسكو تبحثان آليات",
        subtitle: Some("الطيران الحربي يواصل قصف"),
        place: Some("دمشق"),
        author: Some("نور خوّام"),
        agency: None,
        publication: Some("المغرب اليوم"),
        published: None,
        updated: None,
        hijri: None,
        paragraphs: 11,
        first: "خطت واشنطن وموسكو",
        last: "وصعّد الطيران السوري",
        captions: &["واشنطن وموسكو تبحثان محاربة \"داعش\""],
    },
    Row {
        file: "002_33d0e17b3f187f76.txt",
        title_starts: "روسيا وأمريكا تفشلان",
        subtitle: None,
        place: Some("موسكو"),
        author: None,
        agency: None,
        publication: Some("إرم نيوز"),
        published: None,
        updated: None,
        hijri: None,
        paragraphs: 17,
        first: "موسكو ـ قال وزير الخارجية",
        last: "وقال المسؤول الكبير بوزارة",
        captions: &[],
    },
    Row {
        file: "003_cf3dbfa4259b4b62.txt",
        title_starts: "البيت الأبيض: نرحب",
        subtitle: None,
        place: None,
        author: Some("المحرر السياسي"),
        agency: None,
        publication: Some("الوسط"),
        published: Some("2015-09-16"),
        updated: Some("2017-05-12"),
        hijri: Some("02 ذي الحجة 1436"),
        paragraphs: 15,
        first: "أفاد البيت الأبيض أمس",
        last: "كما أعلن أوباما",
        captions: &[],
    },
    Row {
        file: "004_91d6d82d5f0f2529.txt",
        title_starts: "البنتاغون يعلن عن محادثات",
        subtitle: None,
        place: None,
        author: None,
        agency: Some("أ ف ب"),
        publication: None,
        published: Some("2015-09-18T16:41"),
        updated: None,
        hijri: None,
        paragraphs: 25,
        first: "اعلنت وزارة الدفاع",
        last: "وتعتبر واشنطن وشركاؤها",
        captions: &["وزير الدفاع الاميركي اشتون كارتر"],
    },
];

fn opt(v: &Value) -> Option<&str> {
    v.as_str()
}

#[test]
fn the_five_seeds_give_the_table() {
    let files: Vec<String> = TABLE
        .iter()
        .map(|r| format!("articles/{}", r.file))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let (records, ok) = parse(&files);
    assert!(ok, "exit status 0 when every file parses");
    assert_eq!(records.len(), 5);
    for (row, r) in TABLE.iter().zip(&records) {
        let f = row.file;
        assert_eq!(r["source"], f);
        assert_eq!(r["id"], f.split(['_', '.']).nth(1).unwrap(), "{f}: id");
        let title = r["title"].as_str().unwrap();
        assert!(title.starts_with(row.title_starts), "{f}: title {title}");
        match row.subtitle {
            Some(s) => assert!(
                opt(&r["subtitle"]).is_some_and(|t| t.starts_with(s)),
                "{f}: subtitle {}",
                r["subtitle"]
            ),
            None => assert!(r["subtitle"].is_null(), "{f}: subtitle {}", r["subtitle"]),
        }
        assert_eq!(opt(&r["place"]), row.place, "{f}: place");
        assert_eq!(opt(&r["author"]), row.author, "{f}: author");
        assert_eq!(opt(&r["agency"]), row.agency, "{f}: agency");
        assert_eq!(opt(&r["publication"]), row.publication, "{f}: publication");
        assert_eq!(opt(&r["published"]), row.published, "{f}: published");
        assert_eq!(opt(&r["updated"]), row.updated, "{f}: updated");
        assert_eq!(opt(&r["hijri"]), row.hijri, "{f}: hijri");
        let body: Vec<&str> = r["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(body.len(), row.paragraphs, "{f}: paragraphs");
        assert!(
            body[0].starts_with(row.first),
            "{f}: first paragraph {}",
            body[0]
        );
        assert!(
            body.last().unwrap().starts_with(row.last),
            "{f}: last paragraph"
        );
        let captions: Vec<&str> = r["captions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(captions, row.captions, "{f}: captions");
        assert_eq!(r["encoding"], "UTF-8");
        // Undated seeds say why; the rest have nothing to report about the date.
        let warned = r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "date-missing");
        assert_eq!(warned, row.published.is_none(), "{f}: date warning");
    }
}

#[test]
fn no_seed_body_keeps_a_boilerplate_line() {
    let files: Vec<String> = TABLE
        .iter()
        .map(|r| format!("articles/{}", r.file))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let (records, _) = parse(&files);
    for r in &records {
        let title = r["title"].as_str().unwrap().replace('"', "");
        for p in r["body"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            assert_ne!(p.replace('"', ""), title, "the title is not a paragraph");
            for junk in [
                "الإسم",
                "Security Code",
                "arabstoday",
                "GMT",
                "التعليقات",
                "اشترك",
                "©",
            ] {
                assert!(!p.contains(junk), "{}: {junk} in body: {p}", r["source"]);
            }
        }
    }
}

#[test]
fn a_bad_file_gets_an_error_line_and_exit_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.path().join("image.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0]).unwrap();
    let missing = dir.path().join("missing.txt");
    let (records, ok) = parse(&[
        empty.to_str().unwrap(),
        "articles/002_33d0e17b3f187f76.txt",
        binary.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert_eq!(records.len(), 4, "one line per input, in order");
    assert_eq!(records[0]["source"], "empty.txt");
    assert!(records[0]["error"].as_str().unwrap().contains("empty"));
    assert!(
        records[1]["title"]
            .as_str()
            .unwrap()
            .starts_with("روسيا وأمريكا")
    );
    assert!(records[2]["error"].as_str().unwrap().contains("binary"));
    assert!(
        records[3]["error"]
            .as_str()
            .unwrap()
            .contains("missing.txt")
    );
}
