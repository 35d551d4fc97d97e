"""Same-run ratios of the LB under test to every other target of an anchors.sh run, per repetition.

Usage: python3 bench/ratios.py OUT/<variant>/results.tsv [...]
(bench/anchors-vs-optiflow.sh --out OUT writes one results.tsv per variant and runs this at its end.)

anchors.sh interleaves its targets within each repetition, so a repetition's figures of "lut" and of HAProxy come
from the same minute of the machine: their ratio is what docs/benchmarks.md quotes, as the median over the
repetitions with its min-max. For each phase, connection count and target: requests/s, CPU per request (the LB's
CPU % of the run divided by the requests answered; both runs last the same, so the length cancels out), p99 and
p99.9, then the p99 median without the first repetition (the first after the warm-up is the one that still
recompiles, see docs/benchmarks.md).
"""
import csv
import statistics
import sys

LUT = 'lut'


def cpu_per_request(row):
    return float(row['lb_cpu']) / float(row['requests'])


def spread(values):
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def report(path):
    rows = list(csv.DictReader(open(path), delimiter='\t'))
    print(path)
    for phase in sorted({r['phase'] for r in rows}):
        for conns in sorted({r['conns'] for r in rows}, key=int):
            cell = [r for r in rows if r['phase'] == phase and r['conns'] == conns]
            ours = {r['rep']: r for r in cell if r['target'] == LUT}
            if not ours:
                continue
            for target in sorted({r['target'] for r in cell} - {LUT}):
                theirs = {r['rep']: r for r in cell if r['target'] == target}
                reps = sorted(set(ours) & set(theirs), key=int)
                if not reps:
                    continue

                def ratio(f):
                    return [f(ours[k]) / f(theirs[k]) for k in reps]

                rate = ratio(lambda r: float(r['rps']))
                cpu = ratio(cpu_per_request)
                p99 = ratio(lambda r: float(r['p99_us']))
                p999 = ratio(lambda r: float(r['p999_us']))
                later = [p for k, p in zip(reps, p99) if k != reps[0]]
                print(f"  {phase} c{conns} {LUT}/{target}, {len(reps)} repetitions: rate {spread(rate)}, "
                      f"CPU per request {spread(cpu)}, p99 {spread(p99)}, p99.9 {spread(p999)}"
                      + (f"; p99 without the first {spread(later)}" if later else ""))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit("usage: python3 bench/ratios.py OUT/<variant>/results.tsv ...")
    for a in sys.argv[1:]:
        report(a)
