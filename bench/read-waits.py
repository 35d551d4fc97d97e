"""Quantiles of bench/read-waits.bt's histograms, one line per target.

Usage: python3 bench/read-waits.py DIR   (DIR holds one NAME.bt output per target, as bench/read-waits.sh writes)
Each histogram has 50-microsecond buckets; a quantile is printed as the upper edge of its bucket ("<350").
"""
import glob
import os
import re
import sys

READERS = ('lb_client', 'lb_backend', 'nginx', 'wrk')


def parse(path):
    hists, cur = {}, None
    for line in open(path):
        m = re.match(r'^@(\w+):', line)
        if m:
            cur = hists.setdefault(m.group(1), [])
            continue
        m = re.match(r'^\[(\d+),\s*(\d+|\.\.\.)\)\s+(\d+)', line)
        if m and cur is not None:
            cur.append((int(m.group(1)), int(m.group(3))))
    return hists


def quantile(h, p):
    n = sum(c for _, c in h)
    acc = 0
    for lo, c in h:
        acc += c
        if acc >= p * n:
            return lo + 50
    return h[-1][0] + 50


def main():
    for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.bt'))):
        h = parse(f)
        cells = []
        for k in READERS:
            if k in h and h[k]:
                qs = ' '.join(f'p{int(p * 1000) / 10:g}<{quantile(h[k], p)}' for p in (0.5, 0.9, 0.99, 0.999))
                cells.append(f'{k} (n={sum(c for _, c in h[k])}) {qs}')
        print(f'{os.path.basename(f)[:-3]}: ' + ' | '.join(cells) + ' us')


if __name__ == '__main__':
    main()
