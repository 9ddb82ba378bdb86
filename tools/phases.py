#!/usr/bin/env python3
"""Split brief's key-to-frame time in a pseudo-terminal into its steps.

Builds brief with the `phase-trace` feature (into target/phases, so the
release binary is left alone), opens a briefing in a pseudo-terminal of the
given size, types `j` and `k` with a pause between keys (as a person does:
the caches go cold between keys), and prints the median of each step of a
key, in milliseconds, on two lines: keys whose rows were written instead of
a frame ("rows"), and keys that drew a frame ("frame"), each with its count:

    wake      from the key written to the terminal to brief's read returning
              (the kernel and the scheduler: a program that only echoes
              pays it too)
    applied   the key decoded and applied to the model
    ahead     (rows) the reading pane's changed rows and the status line
              made ready from the lines kept
    cleared   the frame's buffer made blank
    rendered  the panes drawn into it
    compared  the rows compared with the last frame, their glyphs built
    weighed   the ways of writing the change weighed, the bytes made
    written   the bytes written to the terminal
    back      from the write to this script's read returning
    total     from the key to the first byte read back (what
              tools/budgets.py and the shared probe call latency)

    python3 tools/phases.py                                  # shipped, 120x40
    python3 tools/phases.py --size 200x60 --file big.toml --runs 3

Run tools/budgets.py for the comparison with less on the same text.
"""
import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target", "phases")
# The steps of a key whose rows were written instead of a frame, and of one
# that drew a frame.
KINDS = {
    "rows": ["read", "applied", "ahead", "written"],
    "frame": ["read", "applied", "cleared", "rendered", "compared", "weighed", "written"],
}


def build():
    subprocess.run(["cargo", "build", "--release", "--features", "phase-trace",
                    "--target-dir", TARGET], cwd=ROOT, check=True)
    return os.path.join(TARGET, "release", "brief")


def drain(fd, quiet, limit=10.0):
    """Reads until `quiet` seconds pass with no output; returns when the
    first byte came (None if none did)."""
    start = time.monotonic()
    first, last = None, start
    while time.monotonic() - start < limit:
        ready, _, _ = select.select([fd], [], [], 0.005)
        now = time.monotonic()
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return first
            if not data:
                return first
            if first is None:
                first = now
            last = now
        elif now - last >= quiet and (first is not None or now - start >= quiet):
            return first
    return first


def run(binary, path, cols, rows, presses, gap):
    marks_path = tempfile.mktemp(prefix="brief-phases-")
    env = dict(os.environ, TERM="xterm-256color", BRIEF_PHASES=marks_path,
               XDG_STATE_HOME=tempfile.mkdtemp(prefix="brief-phases-state-"))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(binary, [binary, path], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    drain(fd, 1.0)
    sent = []
    for key in b"j" * presses + b"k" * presses:
        time.sleep(gap)
        at = time.monotonic()
        os.write(fd, bytes([key]))
        sent.append((at, drain(fd, 0.1)))
    os.write(fd, b"q")
    drain(fd, 0.5)
    os.waitpid(pid, 0)
    with open(marks_path) as f:
        marks = [(name, float(at)) for name, at in (line.split() for line in f)]
    os.unlink(marks_path)
    keys = []
    for at, first in sent:
        if first is None:
            continue
        times = {}
        for name, when in marks:
            if when >= at and name not in times:
                times[name] = when
            if name == "written" and name in times:
                break
        kind = "rows" if "ahead" in times else "frame"
        steps = KINDS[kind]
        if any(step not in times for step in steps):
            continue
        points = [at] + [times[step] for step in steps]
        names = ["wake"] + steps[1:]
        key = {name: (points[i + 1] - points[i]) * 1e3 for i, name in enumerate(names)}
        key["back"] = (first - times["written"]) * 1e3
        key["total"] = (first - at) * 1e3
        key["kind"] = kind
        keys.append(key)
    return keys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--file", default=os.path.join(ROOT, "briefings", "alibaba-liege.toml"))
    ap.add_argument("--presses", type=int, default=15, help="j presses, then as many k")
    ap.add_argument("--gap", type=float, default=0.15, help="seconds between keys")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--binary", help="a brief built with --features phase-trace")
    a = ap.parse_args()
    cols, rows = (int(n) for n in a.size.split("x"))
    binary = a.binary or build()
    for _ in range(a.runs):
        keys = run(binary, a.file, cols, rows, a.presses, a.gap)
        if not keys:
            sys.exit("no key was traced: is the binary built with --features phase-trace?")
        for kind, steps in KINDS.items():
            of_kind = [k for k in keys if k["kind"] == kind]
            if not of_kind:
                continue
            names = ["wake"] + steps[1:] + ["back", "total"]
            medians = "  ".join(
                f"{n} {statistics.median(k[n] for k in of_kind):.3f}" for n in names)
            print(f"{kind:5} {len(of_kind):3} keys  {medians}")


if __name__ == "__main__":
    main()
