"""The event loops' Java samples of a flight recording, for bench/against-floor.sh --instrument jfr.

Usage: jfr print --events jdk.ExecutionSample --stack-depth 64 x.jfr | python3 bench/against-floor-jfr.py REQUESTS
Prints the samples of the event-loop threads (OptiFlow's lb-proxy-*, the floor's nioEventLoopGroup-*) per 1,000
requests, then the top frames by self and by inclusive share. JFR samples threads running Java code only: time in
system calls and in the kernel is not in them.
"""
import collections
import re
import sys

LOOPS = re.compile(r'lb-proxy|nioEventLoop')
FRAME = re.compile(r'^\s+([\w.$<>]+)\.([\w$<>]+)\(.*?\)\s+line:')
THREAD = re.compile(r'sampledThread = "([^"]*)"')


def main():
    requests = int(sys.argv[1])
    own, incl = collections.Counter(), collections.Counter()
    total = 0
    thread, stack = None, []

    def flush():
        nonlocal total
        if thread and LOOPS.search(thread) and stack:
            total += 1
            own[stack[0]] += 1
            for f in set(stack):
                incl[f] += 1

    for line in sys.stdin:
        if line.startswith('jdk.ExecutionSample'):
            flush()
            thread, stack = None, []
            continue
        m = THREAD.search(line)
        if m:
            thread = m.group(1)
            continue
        m = FRAME.match(line)
        if m:
            stack.append(m.group(1).split('.')[-1] + '.' + m.group(2))
    flush()
    print(f'event-loop samples: {total}, {1000 * total / requests:.2f} per 1,000 requests')
    print('self:')
    for k, v in own.most_common(25):
        print(f'  {100 * v / total:5.1f} % {k}')
    print('inclusive:')
    for k, v in incl.most_common(60):
        print(f'  {100 * v / total:5.1f} % {k}')


if __name__ == '__main__':
    main()
