//! Counts in words: a number with its noun in the form Arabic grammar wants after it (dual for
//! two, plural for three to ten, accusative singular for eleven to ninety-nine, genitive
//! singular for round hundreds and what follows them).

/// The forms of one noun after a number.
pub struct Noun {
    /// The whole phrase for zero (`لا مقالات`).
    pub none: &'static str,
    /// The whole phrase for one (`مقال واحد`).
    pub one: &'static str,
    /// The whole phrase for two: the dual (`مقالان`).
    pub two: &'static str,
    /// After 3–10: the plural (`مقالات`).
    pub plural: &'static str,
    /// After 11–99: the accusative singular (`مقالًا`).
    pub accusative: &'static str,
    /// After 100, 200, … and 101, 102, …: the genitive singular (`مقال`).
    pub genitive: &'static str,
}

impl Noun {
    /// `n` with this noun: `مقالان`, `7 مقالات`, `15 مقالًا`, `100 مقال`.
    pub fn count(&self, n: usize) -> String {
        match (n, n % 100) {
            (0, _) => self.none.to_owned(),
            (1, _) => self.one.to_owned(),
            (2, _) => self.two.to_owned(),
            (_, 3..=10) => format!("{n} {}", self.plural),
            (_, 11..=99) => format!("{n} {}", self.accusative),
            _ => format!("{n} {}", self.genitive),
        }
    }
}

pub const ARTICLES: Noun = Noun {
    none: "لا مقالات",
    one: "مقال واحد",
    two: "مقالان",
    plural: "مقالات",
    accusative: "مقالًا",
    genitive: "مقال",
};

pub const RESULTS: Noun = Noun {
    none: "لا نتائج",
    one: "نتيجة واحدة",
    two: "نتيجتان",
    plural: "نتائج",
    accusative: "نتيجة",
    genitive: "نتيجة",
};

pub const PUBLICATIONS: Noun = Noun {
    none: "لا مطبوعات",
    one: "مطبوعة واحدة",
    two: "مطبوعتان",
    plural: "مطبوعات",
    accusative: "مطبوعة",
    genitive: "مطبوعة",
};

pub const AGENCIES: Noun = Noun {
    none: "لا وكالات",
    one: "وكالة واحدة",
    two: "وكالتان",
    plural: "وكالات",
    accusative: "وكالة",
    genitive: "وكالة",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_range_takes_its_form() {
        let table = [
            (0, "لا مقالات", "لا نتائج"),
            (1, "مقال واحد", "نتيجة واحدة"),
            (2, "مقالان", "نتيجتان"),
            (3, "3 مقالات", "3 نتائج"),
            (10, "10 مقالات", "10 نتائج"),
            (11, "11 مقالًا", "11 نتيجة"),
            (99, "99 مقالًا", "99 نتيجة"),
            (100, "100 مقال", "100 نتيجة"),
            (102, "102 مقال", "102 نتيجة"),
            (103, "103 مقالات", "103 نتائج"),
            (1_250, "1250 مقالًا", "1250 نتيجة"),
        ];
        for (n, articles, results) in table {
            assert_eq!(ARTICLES.count(n), articles, "{n}");
            assert_eq!(RESULTS.count(n), results, "{n}");
        }
        assert_eq!(PUBLICATIONS.count(2), "مطبوعتان");
        assert_eq!(AGENCIES.count(4), "4 وكالات");
    }
}
