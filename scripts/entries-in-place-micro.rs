// The archive's entries put in reading order at a million (notes/build-bench.md, session 26,
// the `+1`). Stand-alone:
//   rustc -O -C target-cpu=native scripts/entries-in-place-micro.rs -o /tmp/g && /tmp/g
// A million 560-byte entries, each in its own vector (as a build's results hold them), put in a
// random reading order: moved out in file order then permuted by cycles (before), or taken
// straight into their places (now).
use std::time::Instant;
#[derive(Default, Clone)]
struct E { id: String, f: [u64; 32], g: [u64; 32], h: [u64; 3] }
fn cpu() -> f64 { let s = std::fs::read_to_string("/proc/self/stat").unwrap(); let f: Vec<&str> = s.split(' ').collect(); (f[13].parse::<f64>().unwrap() + f[14].parse::<f64>().unwrap())/100.0 }
fn gather<A>(a: &mut [A], mut order: Vec<usize>) {
    for start in 0..order.len() { let mut at = start;
        while order[at] != start && order[at] != at { let from = order[at]; a.swap(at, from); order[at] = at; at = from; }
        order[at] = at; }
}
fn main() {
    let n = 1_000_000usize;
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut rnd = move || { x ^= x >> 12; x ^= x << 25; x ^= x >> 27; x.wrapping_mul(0x2545f4914f6cdd1d) };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() { let j = (rnd() % (i as u64 + 1)) as usize; order.swap(i, j); }
    for round in 0..2 {
        let mk = |n: usize| -> Vec<Vec<E>> { (0..n).map(|i| vec![E { id: format!("{i:016x}"), f: [i as u64; 32], g: [1; 32], h: [2; 3] }]).collect() };
        let done = mk(n);
        let (t, w) = (cpu(), Instant::now());
        let mut es: Vec<E> = Vec::with_capacity(n);
        for d in done { for e in d { es.push(e); } }
        gather(&mut es, order.clone());
        println!("round {round} move then permute: {:.2} CPU-s {:.2} s", cpu() - t, w.elapsed().as_secs_f64());
        let a0 = es[0].f[0]; drop(es);
        let mut done = mk(n);
        let (t, w) = (cpu(), Instant::now());
        let mut es: Vec<E> = Vec::with_capacity(n);
        for &k in &order { es.push(std::mem::take(&mut done[k][0])); }
        drop(done);
        println!("round {round} taken in place:   {:.2} CPU-s {:.2} s", cpu() - t, w.elapsed().as_secs_f64());
        assert_eq!(es[0].f[0], a0);
    }
}
