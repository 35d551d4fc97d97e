#!/usr/bin/env python3
"""bench/proxy-side.py DIR - where the latency wrk reports is spent, from bench/arrivals.sh --capture clients
(DIR/<target>-<rep>.pcap: wrk's requests to the balancers on ports 8401-8404 and their answers, data segments only;
wrk's output beside each as .wrk; with --with-floor also the floor proxy's on 8405). Standard library only.

On a kept-alive connection wrk has one request out at a time, so each answer (a segment from the balancer's port) is
paired with the last request on its connection. Their distance is the proxy side: from the request's arrival to the
answer's departure, as the balancer's and wrk's socket calls put them on loopback (the balancer, its backend, and
the scheduling of both). wrk's latency adds what passes between the answer's departure and wrk reading it. Per run
(the first and last 2 % of answers by time left out): wrk's rate, p50 and p99; the proxy side's p50, p90, p99 and
p99.9; and wrk's p99 minus the proxy side's (a difference of percentiles, not a per-request figure). Then the
medians per target, and per repetition our p99 over HAProxy's of the same repetition, wrk's and the proxy side's."""
import glob
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arrivals import segments, wrk_figures  # noqa: E402  (the readers both scripts use)

LB_PORTS = {8401, 8402, 8403, 8404, 8405}  # 8405: the floor (--with-floor)
PAIRS = (('optiflow-rr', 'haproxy-rr'), ('optiflow-lc', 'haproxy-lc'), ('optiflow-rr', 'floor-raw'),
         ('optiflow-lc', 'floor-raw'), ('floor-raw', 'haproxy-rr'))


def quantile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def proxy_side(path):
    """Sorted distances (ms) from each request's arrival to its answer's departure."""
    pending = {}
    answered = []
    for t, sport, dport in segments(path):
        if dport in LB_PORTS:
            pending[sport] = t
        elif sport in LB_PORTS and dport in pending:
            answered.append((t, t - pending.pop(dport)))
    answered.sort()
    cut = len(answered) // 50
    return sorted(d * 1e3 for _, d in answered[cut:len(answered) - cut])


def main(out):
    runs = {}
    for pcap in sorted(glob.glob(os.path.join(out, '*.pcap'))):
        name = os.path.basename(pcap)[:-5]
        target, rep = name.rsplit('-', 1)
        lat = proxy_side(pcap)
        if not lat:
            continue
        rate, w50, w99 = wrk_figures(os.path.join(out, name + '.wrk'))
        q = [quantile(lat, x) for x in (0.5, 0.9, 0.99, 0.999)]
        runs[(target, rep)] = (rate, w50, w99, *q)
        print(f"{name:16s} rate {rate:7.0f}  wrk p50 {w50:.2f} p99 {w99:.2f} ms | proxy side p50 {q[0]:.3f} "
              f"p90 {q[1]:.3f} p99 {q[2]:.3f} p99.9 {q[3]:.3f} ms | wrk p99 - proxy side p99 {w99 - q[2]:.2f} ms")
    print("medians per target (rate, wrk p50, wrk p99, proxy side p50, p90, p99, p99.9; wrk p99 - proxy side p99):")
    for target in sorted({t for t, _ in runs}):
        cols = list(zip(*[v for (t, _), v in runs.items() if t == target]))
        med = [statistics.median(c) for c in cols]
        rest = statistics.median(a - b for a, b in zip(cols[2], cols[5]))
        print(f"  {target:12s} {med[0]:7.0f}  {med[1]:.2f} {med[2]:.2f} | {med[3]:.3f} {med[4]:.3f} {med[5]:.3f} "
              f"{med[6]:.3f} | {rest:.2f} ms")
    for ours, theirs in PAIRS:
        reps = sorted(r for t, r in runs if t == ours and (theirs, r) in runs)
        if not reps:
            continue
        wrk = [runs[(ours, r)][2] / runs[(theirs, r)][2] for r in reps]
        side = [runs[(ours, r)][5] / runs[(theirs, r)][5] for r in reps]
        print(f"{ours}/{theirs}, {len(reps)} repetitions: wrk p99 {statistics.median(wrk):.2f} "
              f"[{min(wrk):.2f}-{max(wrk):.2f}], proxy side p99 {statistics.median(side):.2f} "
              f"[{min(side):.2f}-{max(side):.2f}]")


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit("usage: python3 bench/proxy-side.py DIR (bench/arrivals.sh --capture clients --out DIR)")
    main(sys.argv[1])
