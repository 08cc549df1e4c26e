"""Each function's instructions in a callgrind file, inclusive and its own, with the code
inlined into it counted as its own: callgrind_annotate gives a line per inlined source file
(a function of tantivy's appears once per file it inlines: postings_writer.rs,
shared_arena_hashmap.rs, murmurhash2.rs…), which splits one step of a profile into many.

    python3 scripts/callgrind-functions.py FILE [top N | callees NAME]

`top` lists the N costliest functions by inclusive instructions (60 unless given); `callees`
what the functions whose name holds NAME call, and how much each call costs inclusive
(notes/build-bench.md, session 47: tantivy's steps on its indexing thread)."""

import collections
import re
import sys


def parse(path):
    """Own cost by function, cost of calls out of it (recursion left out), cost by edge."""
    names = {}
    own = collections.Counter()
    calls_out = collections.Counter()
    edges = collections.Counter()
    fn = cfn = None
    in_call = False

    def name(token):
        # Compressed names: "(id) name" the first time, "(id)" after.
        m = re.match(r"\((\d+)\)(?: (.*))?", token)
        if not m:
            return token
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names[m.group(1)]

    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        if line[0].isdigit() or line[0] in "+-*":
            parts = line.split()
            if len(parts) < 2:
                continue
            cost = int(parts[1])
            if in_call:
                if cfn != fn:
                    calls_out[fn] += cost
                edges[(fn, cfn)] += cost
                in_call = False
            else:
                own[fn] += cost
        elif line.startswith("fn="):
            fn = name(line[3:])
        elif line.startswith("cfn="):
            cfn = name(line[4:])
        elif line.startswith("calls="):
            in_call = True
    return own, calls_out, edges


def main():
    own, calls_out, edges = parse(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "top"
    if mode == "top":
        n = int(sys.argv[3]) if len(sys.argv) > 3 else 60
        print(f"total {sum(own.values()):,}")
        functions = sorted(set(own) | set(calls_out), key=lambda f: -(own[f] + calls_out[f]))
        for f in functions[:n]:
            print(f"{own[f] + calls_out[f]:>15,} {own[f]:>14,}  {f[:160]}")
    elif mode == "callees":
        for (caller, callee), cost in sorted(edges.items(), key=lambda e: -e[1]):
            if sys.argv[3] in caller and cost > 0:
                print(f"{cost:>15,}  {caller[:70]}  ->  {callee[:120]}")


if __name__ == "__main__":
    main()
