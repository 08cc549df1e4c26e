#!/usr/bin/env python3
"""Scores `arshif parse` JSON Lines output against gold records.

Copied from the team's shared scorer (`../shared/eval/score.py`, outside the repository) so CI,
which runs on a clean clone, can score; the figures stay comparable with the shared copy. Two
additions, nothing else changed:
- a count of WRONG dates, printed on its own line after the original figures line (a date
  that is not the article's is worse than none: see `wrong_date`);
- `--floors FILE --set NAME`: compares this run with the floors of set NAME in FILE
  (`tests/fixtures/score-floors.txt`) and exits 1 when a figure is below its floor.

usage: score.py GOLD.json PARSED.jsonl  [--verbose] [--floors FILE --set NAME]
Gold: a list of {file, titles[], subtitle, place, author, agency, date, time, body[]}.
Prints per-file rows and a final line 'fields A/B, body P R F1'.
Without --floors: exit 0 always; the caller decides what is good enough."""
import json, re, sys

QUOTES = re.compile(r'["“”«»\'‘’]')
DASHES = "-ـ–—"

def norm(s):
    if s is None:
        return None
    s = QUOTES.sub("", s)
    s = " ".join(s.split()).strip(" :-ـ–—,.،")
    return s or None

def strip_dateline(p, place):
    """Accepts a first paragraph with or without its inline 'PLACE ـ' prefix."""
    if place:
        m = re.match(r"^\s*" + re.escape(place) + r"\s*[" + DASHES + r"]\s*", p)
        if m:
            return p[m.end():]
    return p

def byline_ok(g, r):
    """Author and agency are judged together: who wrote or supplied the story."""
    want = [norm(g.get(k)) for k in ("author", "agency") if g.get(k)]
    have = " ".join(norm(r.get(k)) or "" for k in ("author", "agency")).strip()
    if not want:
        return not have
    return all(w in have for w in want) and len(have) <= sum(map(len, want)) + 40

def date_part(v):
    return v[:10] if isinstance(v, str) else None

def wrong_date(g, r):
    """A published stamp that is not the article's: another day than gold's (gold null
    included: the page states none), or a time where gold has another or none (gold's time is
    null when the page prints no publication time, e.g. only an update time). A missing date
    is not wrong, only short."""
    have = r.get("published")
    if not isinstance(have, str) or not have:
        return False
    if have[:10] != g.get("date"):
        return True
    time = have[11:16] or None
    return time is not None and time != g.get("time")

def read_floors(path, name):
    """The floors of one set: 'SET FIELDS BODY_F1 LEAKS WRONG_DATES' lines, '#' comments."""
    for line in open(path, encoding="utf-8"):
        cols = line.split("#", 1)[0].split()
        if not cols or cols[0] != name:
            continue
        if len(cols) != 5:
            sys.exit(f"{path}: set {name}: want 'SET FIELDS BODY_F1 LEAKS WRONG_DATES', got {line.strip()!r}")
        try:
            return int(cols[1]), float(cols[2]), int(cols[3]), int(cols[4])
        except ValueError:
            sys.exit(f"{path}: set {name}: not numbers: {line.strip()!r}")
    sys.exit(f"{path}: no floors for set {name!r}")

def check_floors(path, name, fields_ok, f1, leaks, wrong):
    """Prints one line per figure; returns False when one is worse than its floor."""
    min_fields, min_f1, max_leaks, max_wrong = read_floors(path, name)
    rows = [
        ("fields right", fields_ok, ">=", min_fields, fields_ok >= min_fields),
        ("body F1", f"{f1:.3f}", ">=", f"{min_f1:.3f}", round(f1, 3) >= round(min_f1, 3)),
        ("boilerplate leaks", leaks, "<=", max_leaks, leaks <= max_leaks),
        ("wrong dates", wrong, "<=", max_wrong, wrong <= max_wrong),
    ]
    for what, have, op, floor, ok in rows:
        print(f"floor {name}: {what} {have} {op} {floor}: {'ok' if ok else 'BELOW FLOOR'}")
    return all(ok for *_, ok in rows)

def option(name):
    if name not in sys.argv:
        return None
    i = sys.argv.index(name)
    if i + 1 >= len(sys.argv):
        sys.exit(f"{name} needs a value")
    return sys.argv[i + 1]

def main():
    gold = {g["file"]: g for g in json.load(open(sys.argv[1], encoding="utf-8"))}
    parsed = {}
    for line in open(sys.argv[2], encoding="utf-8"):
        line = line.strip()
        if line:
            r = json.loads(line)
            parsed[r.get("source", "").split("/")[-1]] = r
    verbose = "--verbose" in sys.argv
    floors, set_name = option("--floors"), option("--set")
    if bool(floors) != bool(set_name):
        sys.exit("--floors and --set go together")
    fields_ok = fields_all = 0
    tp = npred = ngold = 0
    leaks = 0
    wrong = 0
    for name, g in gold.items():
        r = parsed.get(name)
        row = []
        if g.get("no_article"):
            ok = r is None or "error" in r or not r.get("body")
            fields_all += 1; fields_ok += ok
            print(f"{name}: {'ok' if ok else 'SHORT'} (no article expected)")
            continue
        if r is None or "error" in r:
            fields_all += 5 + bool(g.get('time'))
            ngold += len(g["body"])
            print(f"{name}: MISSING or error: {r and r.get('error')}")
            continue
        checks = {
            "title": norm(r.get("title")) in {norm(t) for t in g["titles"]},
            "subtitle": norm(r.get("subtitle")) == norm(g.get("subtitle")),
            "place": norm(r.get("place")) == norm(g.get("place")),
            "byline": byline_ok(g, r),
            "date": date_part(r.get("published")) == g.get("date"),
        }
        if g.get("time"):
            checks["time"] = g["time"] in (r.get("published") or "")
        for k, ok in checks.items():
            fields_all += 1
            fields_ok += ok
            if not ok:
                want = g["titles"][0] if k == "title" else (g.get("author"), g.get("agency")) if k == "byline" else g.get(k)
                have = r.get("published") if k in ("date", "time") else (r.get("author"), r.get("agency")) if k == "byline" else r.get(k)
                row.append(f"{k}: want {want!r} got {have!r}")
        is_wrong = wrong_date(g, r)
        wrong += is_wrong
        gb = [norm(strip_dateline(p, g.get("place"))) for p in g["body"]]
        pb = [norm(strip_dateline(p, g.get("place"))) for p in r.get("body", [])]
        pb = [p for p in pb if p]
        hit = len(set(gb) & set(pb))
        tp += hit; npred += len(pb); ngold += len(gb)
        bad = {norm(x) for x in g.get("must_not", [])}
        leak = [p for p in pb if any(b and b in p for b in bad)]
        leaks += len(leak)
        extra = [p for p in pb if p not in set(gb)]
        missing = [p for p in gb if p not in set(pb)]
        status = "ok" if not row and not extra and not missing else "SHORT"
        print(f"{name}: {status} body {hit}/{len(gb)} extra {len(extra)}" + (f" boilerplate {len(leak)}" if leak else ""))
        for x in row:
            print("   ", x)
        if is_wrong:
            print(f"    WRONG date: the article's is {g.get('date')!r} {g.get('time')!r}, got {r.get('published')!r}")
        if verbose:
            for p in extra:
                print("    + extra:", p[:80])
            for p in missing:
                print("    - missing:", p[:80])
    P = tp / npred if npred else 0.0
    R = tp / ngold if ngold else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    print(f"fields {fields_ok}/{fields_all}, body P {P:.3f} R {R:.3f} F1 {F:.3f}, boilerplate leaks {leaks}")
    print(f"wrong dates {wrong}")
    if floors and not check_floors(floors, set_name, fields_ok, F, leaks, wrong):
        sys.exit(1)

if __name__ == "__main__":
    main()
