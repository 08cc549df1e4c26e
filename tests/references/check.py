"""Imports arshif's BibTeX and RIS downloads the way reference managers' parsers do, with
Python's bibtexparser (2.x) and rispy, and checks every field against what the record says.

Run by tests/references.rs (ignored; .ci/run installs the two packages in a venv):
    python3 check.py CASES.json
CASES.json lists {"bib": path, "ris": path, "expect": {...}}. Exits 1 on any difference.
"""

import json
import sys

import bibtexparser
import rispy

# What arshif's bibtex_escape writes, back to the characters (longest first).
UNESCAPE = [
    ("\\textbackslash{}", "\\"),
    ("\\textasciitilde{}", "~"),
    ("\\textasciicircum{}", "^"),
    ("\\{", "{"),
    ("\\}", "}"),
    ("\\$", "$"),
    ("\\&", "&"),
    ("\\%", "%"),
    ("\\#", "#"),
    ("\\_", "_"),
]


def unescape(value):
    out, i = [], 0
    while i < len(value):
        for escaped, plain in UNESCAPE:
            if value.startswith(escaped, i):
                out.append(plain)
                i += len(escaped)
                break
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def check(case, errors):
    want = case["expect"]
    name = case["bib"]

    def same(what, got, expected):
        if got != expected:
            errors.append(f"{name}: {what}: {got!r} != {expected!r}")

    with open(case["bib"], encoding="utf-8") as f:
        library = bibtexparser.parse_string(f.read())
    same("failed BibTeX blocks", len(library.failed_blocks), 0)
    same("BibTeX entries", len(library.entries), 1)
    if library.entries:
        entry = library.entries[0]
        fields = {k: v.value for k, v in entry.fields_dict.items()}
        same("key", entry.key, want["key"])
        same("type", entry.entry_type, "article" if want["outlet"] else "misc")
        same("title", unescape(fields.get("title", "")), want["title"])
        author = fields.get("author")
        if author is not None:
            # Written in double braces, so that it is taken as one name.
            same("author braces", author[:1] + author[-1:], "{}")
            author = unescape(author[1:-1])
        same("author", author, want["author"])
        outlet = fields.get("journal")
        same("journal", outlet and unescape(outlet), want["outlet"])
        same("date", fields.get("date"), want["date"])
        same("year", fields.get("year"), want["date"] and want["date"][:4])
        same("url", fields.get("url"), want["url"])
        same("urldate", fields.get("urldate"), want["retrieved"])

    with open(case["ris"], encoding="utf-8", newline="") as f:
        records = rispy.loads(f.read())
    same("RIS records", len(records), 1)
    if records:
        r = records[0]
        same("RIS type", r.get("type_of_reference"), "NEWS")
        same("RIS title", r.get("title"), want["title"])
        same("RIS authors", r.get("authors"), [want["author"]] if want["author"] else None)
        same("RIS outlet", r.get("secondary_title"), want["outlet"])
        ris_date = want["date"] and want["date"].replace("-", "/") + "/"
        same("RIS date", r.get("date"), ris_date)
        same("RIS year", r.get("year"), want["date"] and want["date"][:4])
        same("RIS urls", r.get("urls"), [want["url"]] if want["url"] else None)
        same("RIS access date", r.get("access_date"), want["retrieved"].replace("-", "/") + "/")
        same("RIS id", r.get("id"), want["key"])


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    errors = []
    for case in cases:
        check(case, errors)
    for e in errors:
        print(e)
    print(f"{len(cases)} references imported, {len(errors)} differences")
    sys.exit(1 if errors or not cases else 0)


if __name__ == "__main__":
    main()
