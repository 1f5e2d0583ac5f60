#!/usr/bin/env python3
"""Write RATE NDJSON records per second into FILE for SECONDS seconds.

Each record carries the wall-clock time it was written (epoch ms in "ts"),
a sequence number and one of a few event names.  The total written is
printed on stdout at the end.  Used by tests/soak/run.
"""
import json
import random
import sys
import time


def main():
    path, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    events = ["delivered", "open", "bounce", "processed", "click"]
    rnd = random.Random(7)
    tick = 0.05
    per_tick = max(1, int(rate * tick))
    seq = 0
    start = time.time()
    with open(path, "a", buffering=1 << 20) as f:
        while True:
            now = time.time()
            if now - start >= seconds:
                break
            ms = int(now * 1000)
            lines = []
            for _ in range(per_tick):
                seq += 1
                lines.append(json.dumps({
                    "ts": ms, "seq": seq, "event": rnd.choice(events),
                    "email": "user%d@example.com" % rnd.randrange(5000),
                    "template": "device_linked"}, separators=(",", ":")))
            f.write("\n".join(lines) + "\n")
            f.flush()
            target = start + (seq / rate)
            delay = target - time.time()
            if delay > 0:
                time.sleep(delay)
    print(seq)


if __name__ == "__main__":
    main()
