#!/usr/bin/env python3
"""bench/arrivals.py DIR - per-backend arrival statistics of bench/arrivals.sh's captures (DIR/<target>-<rep>.pcap,
with wrk's output beside each as .wrk). Standard library only: reads the pcap format itself.

Per run: requests captured (the first and last 2 % by time left out: the edges of the wrk run), each backend's share,
the share of requests that reached their backend less than 5 us after the previous one there, and the index of
dispersion of the requests per window (variance / mean of the counts in consecutive windows of 50 us, 200 us and
1 ms, averaged over the backends): 1 for Poisson arrivals, below 1 for arrivals more even than that, above 1 for
bursts. Then the medians per target."""
import collections
import glob
import os
import statistics
import struct
import sys

WINDOWS = (50e-6, 200e-6, 1e-3)


def segments(path):
    """(time in seconds, source port, destination port) of every IPv4 TCP segment in a pcap file (also read by
    bench/proxy-side.py)."""
    out = []
    with open(path, 'rb') as f:
        header = f.read(24)
        magic = struct.unpack('<I', header[:4])[0]
        nanos = magic == 0xa1b23c4d
        link = struct.unpack('<I', header[20:24])[0]
        offset = {1: 14, 113: 16}.get(link, 0)  # Ethernet (Linux loopback), Linux cooked capture
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            sec, frac, incl, _ = struct.unpack('<IIII', rec)
            ip = f.read(incl)[offset:]
            ihl = (ip[0] & 15) * 4
            sport, dport = struct.unpack('>HH', ip[ihl:ihl + 4])
            out.append((sec + frac / (1e9 if nanos else 1e6), sport, dport))
    return out


def packets(path):
    """(time in seconds, destination port) of every IPv4 TCP packet in a pcap file."""
    return [(t, dport) for t, _, dport in segments(path)]


def stats(pk):
    pk.sort()
    cut = len(pk) // 50
    pk = pk[cut:len(pk) - cut]
    by_port = collections.defaultdict(list)
    for t, port in pk:
        by_port[port].append(t)
    close = gaps = 0
    dispersion = [[] for _ in WINDOWS]
    for ts in by_port.values():
        close += sum(1 for a, b in zip(ts, ts[1:]) if b - a < 5e-6)
        gaps += len(ts) - 1
        for k, w in enumerate(WINDOWS):
            counts = collections.Counter(int((t - ts[0]) / w) for t in ts)
            xs = [counts.get(i, 0) for i in range(int((ts[-1] - ts[0]) / w) + 1)]
            mean = statistics.mean(xs)
            dispersion[k].append(statistics.pvariance(xs) / mean if mean else 0.0)
    shares = [100.0 * len(by_port[p]) / len(pk) for p in sorted(by_port)]
    return len(pk), shares, 100.0 * close / max(1, gaps), [statistics.mean(d) for d in dispersion]


def wrk_figures(path):
    """wrk's requests/s, p50 and p99 (ms) from its --latency output (also read by bench/proxy-side.py); None where
    the output has no such line."""
    rps = p50 = p99 = None

    def ms(v):  # wrk prints 812.00us, 4.21ms or 1.02s
        return float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000

    with open(path) as f:
        for line in f:
            if line.startswith('Requests/sec'):
                rps = float(line.split()[1])
            elif line.strip().startswith('50%'):
                p50 = ms(line.split()[1])
            elif line.strip().startswith('99%'):
                p99 = ms(line.split()[1])
    return rps, p50, p99


def main(d):
    per_target = collections.defaultdict(list)
    print('run              req/s    p99 ms  captured  shares %            <5us %  dispersion 50us 200us 1ms')
    for path in sorted(glob.glob(os.path.join(d, '*.pcap'))):
        name = os.path.basename(path)[:-5]
        pk = packets(path)
        if len(pk) < 1000:
            print(f'{name}: only {len(pk)} packets, skipped')
            continue
        n, shares, close, disp = stats(pk)
        rps, _, p99 = wrk_figures(path[:-5] + '.wrk')
        per_target[name.rsplit('-', 1)[0]].append((rps, p99, close, disp))
        print(f'{name:14s} {rps:9.0f} {p99:8.2f} {n:9d}  {" ".join(f"{s:4.1f}" for s in shares):18s} {close:6.2f}  '
              f'{disp[0]:5.2f} {disp[1]:5.2f} {disp[2]:5.2f}')
    print('medians per target:')
    for target, rows in sorted(per_target.items()):
        med = lambda i: statistics.median(r[i] for r in rows)
        disp = [statistics.median(r[3][k] for r in rows) for k in range(len(WINDOWS))]
        print(f'{target:14s} {med(0):9.0f} {med(1):8.2f}  <5us {med(2):5.2f} %  dispersion '
              f'{disp[0]:.2f} {disp[1]:.2f} {disp[2]:.2f}  ({len(rows)} runs)')


if __name__ == '__main__':
    main(sys.argv[1])
