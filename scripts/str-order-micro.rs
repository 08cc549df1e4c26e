// The reading order's sort at a million, by strings against by prefixes (notes/build-bench.md,
// session 26, the `+1`). Stand-alone:
//   rustc -O -C target-cpu=native scripts/str-order-micro.rs -o /tmp/m && /tmp/m
// 1M light entries as a build holds them (an id string among each entry's other allocations),
// in file order; sorted into reading order by (date, id, i) as before and by
// ((date, prefix(id)), i) with the id only on ties, as now.
use std::time::Instant;
struct E { id: String, _fill: Vec<u8>, date: u64 }
fn prefix(s: &[u8]) -> u64 { let mut h=[0u8;8]; let n=s.len().min(8); h[..n].copy_from_slice(&s[..n]); u64::from_be_bytes(h) }
fn cpu() -> f64 { let s = std::fs::read_to_string("/proc/self/stat").unwrap(); let f: Vec<&str> = s.split(' ').collect(); (f[13].parse::<f64>().unwrap() + f[14].parse::<f64>().unwrap())/100.0 }
fn main() {
    let n = 1_000_000usize;
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut rnd = || { x ^= x >> 12; x ^= x << 25; x ^= x >> 27; x.wrapping_mul(0x2545f4914f6cdd1d) };
    let mut es = Vec::with_capacity(n);
    for _ in 0..n {
        let id = format!("{:016x}", rnd());
        let fill = vec![0u8; 300 + (rnd() % 200) as usize];
        let r = rnd();
        let date = if r % 10 < 3 { u64::MAX } else { (r >> 8) % (3 * 365 * 24 * 60) };
        es.push(E { id, _fill: fill, date });
    }
    for round in 0..2 {
        let t = cpu(); let w = Instant::now();
        let mut keys: Vec<(u64, &str, usize)> = es.iter().enumerate().map(|(i, e)| (e.date, e.id.as_str(), i)).collect();
        keys.sort_unstable();
        let a: Vec<usize> = keys.into_iter().map(|k| k.2).collect();
        println!("round {round} strings: {:.2} CPU-s {:.2} s", cpu() - t, w.elapsed().as_secs_f64());
        let t = cpu(); let w = Instant::now();
        let mut keys: Vec<((u64, u64), usize)> = es.iter().enumerate().map(|(i, e)| ((e.date, prefix(e.id.as_bytes())), i)).collect();
        keys.sort_unstable_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| (es[*a].id.as_str(), a).cmp(&(es[*b].id.as_str(), b))));
        let b: Vec<usize> = keys.into_iter().map(|k| k.1).collect();
        println!("round {round} prefixes: {:.2} CPU-s {:.2} s", cpu() - t, w.elapsed().as_secs_f64());
        assert_eq!(a, b);
    }
}
