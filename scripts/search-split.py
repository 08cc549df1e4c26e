# Per-request split of a search profile (scripts/search-instructions.sh): the inclusive count of
# each stage's function in a `callgrind_annotate --inclusive=yes` file, divided by the N
# requests profiled, as Markdown rows. callgrind names Rust functions by their last segment
# here (`get`, `best`), so each stage is the largest count of its name.
#
#   python3 scripts/search-split.py ANNOTATED N
import re, sys
n = int(sys.argv[2])
best = {}
total = 0
for line in open(sys.argv[1]):
    m = re.match(r'\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*)', line)
    if not m: continue
    v = int(m.group(1).replace(',', ''))
    name = m.group(2)
    if 'PROGRAM TOTALS' in name: total = v; continue
    fn = name.rsplit(':', 1)[-1].split(' [')[0].split(' (')[0].strip()
    best[fn] = max(best.get(fn, 0), v)
def g(*names): return max((best.get(x, 0) for x in names), default=0) / n / 1e6
rows = [('all', total / n / 1e6), ('SearchIndex::search', g('search')),
        ('passages (SnippetGenerator::snippet / Passages::best)', g('snippet', 'best')),
        ('stored fields (StoreReader::get)', g('get')),
        ('– of which from_utf8', g('from_utf8')),
        ('top k, tantivy\'s (collect_segment_top_k; before session 28)', g('collect_segment_top_k')),
        ('count (count_including_deleted)', g('count_including_deleted')),
        ('collect_segment (the top k with its ties; a long phrase\'s rank and count)', g('collect_segment')),
        ('– of which phrase_match', g('phrase_match')),
        ('page (askama render_into_with_values)', g('render_into_with_values')),
        ('hyper (poll_msg)', g('poll_msg'))]
for k, v in rows: print(f"| {k} | {v:.2f} M |")
