"""Same-run ratios of the LB under test to every other target of an anchors.sh run, per repetition.

Usage: python3 bench/ratios.py OUT/<variant>/results.tsv [...]
(bench/anchors-vs-optiflow.sh --out OUT writes one results.tsv per variant and runs this at its end.)

anchors.sh interleaves its targets within each repetition, so a repetition's figures of "lut" and of HAProxy come
from the same minute of the machine: their ratio is what docs/benchmarks.md quotes, as the median over the
repetitions with its min-max. For each phase, connection count and target: requests/s, CPU per request (the LB's
CPU % of the run divided by the requests answered; both runs last the same, so the length cancels out), p99 and
p99.9, then the p99 median without the first repetition (the first after the warm-up is the one that still
recompiles, see docs/benchmarks.md).

A second line per pairing says how sure those figures are: for p50, p99 and CPU per request, the 95 % bootstrap
interval of the median ratio, the geometric mean of the ratios with its own interval, and in how many repetitions
ours was below theirs. One 5-second run's p99 moves by +-20 % between repetitions on a shared machine, so a median
ratio of 1.05 over 15 repetitions is not by itself a difference: an interval that holds 1 says the run cannot tell
the two apart. (Resampling with a fixed seed: the same file prints the same intervals.)

Usage: python3 bench/ratios.py [--lut NAME] [--pool] OUT/<variant>/results.tsv [...]
  --lut   the target to take as ours (default "lut"; bench/floor.sh's runs name it floor-<mode>)
  --pool  the files are runs of one variant: report their repetitions together (each still paired within its own
          run), so that three runs of fifteen give one median and interval over forty-five; "without the first"
          then leaves out the first repetition of each run
"""
import csv
import math
import random
import statistics
import sys

LUT = 'lut'


def cpu_per_request(row):
    return float(row['lb_cpu']) / float(row['requests'])


def spread(values):
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def geomean(values):
    return math.exp(statistics.fmean(math.log(v) for v in values))


def interval(values, stat, draws=10000):
    """95 % bootstrap interval of stat over values (resampled with replacement, fixed seed)."""
    rnd = random.Random(1)
    n = len(values)
    got = sorted(stat([values[rnd.randrange(n)] for _ in range(n)]) for _ in range(draws))
    return got[int(0.025 * draws)], got[int(0.975 * draws) - 1]


def resolution(name, values):
    lo, hi = interval(values, statistics.median)
    glo, ghi = interval(values, geomean)
    below = sum(1 for v in values if v < 1.0)
    return (f"{name} median {statistics.median(values):.2f} (95 % {lo:.2f}-{hi:.2f}), geometric mean "
            f"{geomean(values):.2f} ({glo:.2f}-{ghi:.2f}), below 1 in {below} of {len(values)}")


def read(paths):
    """The rows of every file, each repetition named by its file's position and its number ("2:7")."""
    rows = []
    for i, path in enumerate(paths):
        for r in csv.DictReader(open(path), delimiter='\t'):
            r['rep'] = f"{i}:{r['rep']}"
            rows.append(r)
    return rows


def rep_order(rep):
    run, number = rep.split(':')
    return int(run), int(number)


def report(paths):
    rows = read(paths)
    print(" + ".join(paths))
    for phase in sorted({r['phase'] for r in rows}):
        for conns in sorted({r['conns'] for r in rows}, key=int):
            cell = [r for r in rows if r['phase'] == phase and r['conns'] == conns]
            ours = {r['rep']: r for r in cell if r['target'] == LUT}
            if not ours:
                continue
            for target in sorted({r['target'] for r in cell} - {LUT}):
                theirs = {r['rep']: r for r in cell if r['target'] == target}
                reps = sorted(set(ours) & set(theirs), key=rep_order)
                if not reps:
                    continue

                def ratio(f):
                    return [f(ours[k]) / f(theirs[k]) for k in reps]

                rate = ratio(lambda r: float(r['rps']))
                cpu = ratio(cpu_per_request)
                p99 = ratio(lambda r: float(r['p99_us']))
                p999 = ratio(lambda r: float(r['p999_us']))
                firsts = {min((k for k in reps if k.split(':')[0] == run), key=rep_order)
                          for run in {k.split(':')[0] for k in reps}}
                later = [p for k, p in zip(reps, p99) if k not in firsts]
                print(f"  {phase} c{conns} {LUT}/{target}, {len(reps)} repetitions: rate {spread(rate)}, "
                      f"CPU per request {spread(cpu)}, p99 {spread(p99)}, p99.9 {spread(p999)}"
                      + (f"; p99 without the first {spread(later)}" if later else ""))
                if len(reps) >= 5:
                    p50 = ratio(lambda r: float(r['p50_us']))
                    print("    resolution: " + "; ".join(
                        resolution(n, v) for n, v in (("p50", p50), ("p99", p99), ("CPU per request", cpu))))


if __name__ == '__main__':
    args = sys.argv[1:]
    pool = False
    while args and args[0] in ('--lut', '--pool'):
        if args[0] == '--pool':
            pool = True
            args = args[1:]
        elif len(args) >= 2:
            LUT = args[1]
            args = args[2:]
        else:
            break
    if not args or args[0].startswith('--'):
        sys.exit("usage: python3 bench/ratios.py [--lut NAME] [--pool] OUT/<variant>/results.tsv ...")
    if pool:
        report(args)
    else:
        for a in args:
            report([a])
