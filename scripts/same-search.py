"""Compares two files of search answers written by scripts/same-output.sh: for each query and
page, whether the totals are the same, and the hits (each a whole record, snippet included)
the same set and in the same order."""

import json
import sys


def load(path):
    out, key = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("== "):
            key = line[3:]
        elif line.strip():
            try:
                out[key] = json.loads(line)
            except ValueError:
                out[key] = {"not json": line[:80]}
    return out


def main(a_path, b_path):
    a, b = load(a_path), load(b_path)
    for key in a:
        x, y = a[key], b.get(key, {})
        hx, hy = x.get("results", []), y.get("results", [])
        meta = {k: v for k, v in x.items() if k != "results"} == {
            k: v for k, v in y.items() if k != "results"
        }
        rx = [json.dumps(h, sort_keys=True, ensure_ascii=False) for h in hx]
        ry = [json.dumps(h, sort_keys=True, ensure_ascii=False) for h in hy]
        print(
            f"{key}: totals {'same' if meta else 'DIFFER'}, hits {len(hx)}/{len(hy)}, "
            f"set {'same' if sorted(rx) == sorted(ry) else 'differs'}, "
            f"order {'same' if rx == ry else 'differs'}"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
