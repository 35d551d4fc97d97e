"""Sums up a flight recording of the server: CPU by thread group, and where the threads outside the data plane spend.

Usage: jfr print --events jdk.CPULoad,jdk.ExecutionSample --stack-depth 12 server.jfr | python3 bench/jfr-by-thread.py
(bench/dashboard-load.sh runs it with JFR=1, on the same machine: the CPU count is this machine's). jdk.CPULoad
(every second) gives the whole process's CPU, JFR's own included; jdk.ExecutionSample gives the stacks of Java
threads running Java code (not GC, not JIT, not native I/O). Thread numbers are dropped, so "lb-proxy-1" and
"lb-proxy-2" are one group; "first dashboard frame" is the first Vaadin, Atmosphere, Undertow or lb-dashboard frame
from the top of a stack: which of the dashboard's steps the time went to.
"""
import collections
import os
import re
import sys

DATA_PLANE = re.compile(r'(lb-proxy|lb-dp|dataplane)')
DASHBOARD = re.compile(r'(vaadin|atmosphere|optiflow\.lb\.dashboard|optiflow\.lb\.core\.stats|elemental|undertow)')
FRAME = re.compile(r'\s+([\w.$<>]+\.[\w$<>]+\(.*?\))\s+line:')
THREAD = re.compile(r'(?:sampledThread|eventThread) = "([^"]*)"')
EVENT = re.compile(r'^(jdk\.\w+) \{')
LOAD = re.compile(r'\s+(jvmUser|jvmSystem) = ([\d.]+)%')


def group(thread):
    return re.sub(r'[-#\s]*\d+$', '', thread)


def main():
    by_group = collections.Counter()
    top_frames = collections.Counter()
    dashboard_frames = collections.Counter()
    load = []   # the process's CPU each second, % of one core
    event, thread, stack, cpu = None, None, [], 0.0

    def flush():
        if event == 'jdk.CPULoad':
            load.append(cpu * os.cpu_count())
        if event != 'jdk.ExecutionSample' or thread is None:
            return
        g = group(thread)
        by_group[g] += 1
        if not DATA_PLANE.match(thread) and stack:
            top_frames[(g, stack[0])] += 1
            first = next((f for f in stack if DASHBOARD.search(f)), None)
            if first:
                dashboard_frames[(g, first)] += 1

    for line in sys.stdin:
        m = EVENT.match(line)
        if m:
            flush()
            event, thread, stack, cpu = m.group(1), None, [], 0.0
            continue
        m = THREAD.search(line) or LOAD.match(line) or FRAME.match(line)
        if not m:
            continue
        if m.re is THREAD:
            thread = m.group(1)
        elif m.re is LOAD:
            cpu += float(m.group(2))
        else:
            stack.append(m.group(1))
    flush()

    if load:
        print(f"process CPU, % of one core: mean {sum(load) / len(load):.1f} over {len(load)} s")
    samples = sum(by_group.values()) or 1
    print(f"CPU samples {sum(by_group.values())}, by thread group:")
    for g, n in by_group.most_common(15):
        print(f"{100 * n / samples:5.1f}% {g}")
    print("-- top frames outside the data plane --")
    for (g, f), n in top_frames.most_common(12):
        print(f"{100 * n / samples:5.1f}% {g}: {f}")
    print("-- first dashboard frame on stacks outside the data plane --")
    for (g, f), n in dashboard_frames.most_common(12):
        print(f"{100 * n / samples:5.1f}% {g}: {f}")


if __name__ == '__main__':
    main()
