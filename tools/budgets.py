#!/usr/bin/env python3
"""Measure brief against its performance budgets, with less on the same text.

Runs the release binary and less in pseudo-terminals through the shared
probe (../shared/tools/ptyprobe.py from the repository root) and prints a
table of budgets, brief's figures and less's figures, plus the raw numbers
as JSON with --json. See docs/performance.md for what each row means.

    python3 tools/budgets.py                # everything (about 3 minutes)
    python3 tools/budgets.py --quick        # shorter idle and fewer repeats
    python3 tools/budgets.py --json out.json

It builds brief and the generator in release mode first (cargo), writes the
10 MB briefing and both texts for less to a temporary folder, and points
XDG_STATE_HOME at a fresh temporary folder for every run, so no remembered
position changes what is measured.
"""
import argparse
import concurrent.futures
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Beside the repository, or beside the folder of worktrees it sits in.
PROBE = next(
    (p for p in (os.path.normpath(os.path.join(ROOT, *up, "shared", "tools", "ptyprobe.py"))
                 for up in ((".."), ("..", "..")))
     if os.path.exists(p)),
    os.path.normpath(os.path.join(ROOT, "..", "shared", "tools", "ptyprobe.py")))
BRIEF = os.path.join(ROOT, "target", "release", "brief")
GENERATE = os.path.join(ROOT, "target", "release", "examples", "generate")
SHIPPED = os.path.join(ROOT, "briefings", "alibaba-liege.toml")
# In reading-only mode at 120 columns the text is 100 columns wide (the
# reader's widest measure): less gets the same text wrapped the same way.
TEXT_WIDTH = 100


def fail(message):
    print(f"budgets: {message}", file=sys.stderr)
    sys.exit(2)


def load_probe():
    if not os.path.exists(PROBE):
        fail(
            f"the pty probe is missing: expected {PROBE} "
            "(the shared tools folder beside the repository)"
        )
    spec = importlib.util.spec_from_file_location("ptyprobe", PROBE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build():
    for args in (["build", "--release", "--quiet"],
                 ["build", "--release", "--quiet", "--example", "generate"]):
        result = subprocess.run(["cargo", *args], cwd=ROOT)
        if result.returncode != 0:
            fail("cargo " + " ".join(args) + " failed")


def probe(cmd, size, steps="", idle=0.0, env=None, quiet=0.15, first_quiet=0.5):
    """One ptyprobe run; returns its JSON report."""
    state = tempfile.mkdtemp(prefix="brief-state-")
    args = [sys.executable, PROBE, "--size", size, "--steps", steps,
            "--quiet", str(quiet), "--first-quiet", str(first_quiet),
            "--env", f"XDG_STATE_HOME={state}", "--env", "LESSHISTFILE=-",
            "--timeout", "20"]
    if idle:
        args += ["--idle", str(idle)]
    for kv in env or []:
        args += ["--env", kv]
    out = subprocess.run(args + ["--", *cmd], capture_output=True, text=True)
    subprocess.run(["rm", "-rf", state])
    if out.returncode != 0:
        fail(f"ptyprobe failed on {cmd}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def first_screen(cmd, repeats):
    runs = [probe(cmd, "200x60", "q") for _ in range(repeats)]
    return {
        "bytes": f"{runs[0]['first_screen_bytes']} B",
        "first_screen_ms": median([r["first_screen_ms"] for r in runs]),
        "first_byte_ms": median([r["first_byte_ms"] for r in runs]),
        "peak_rss_kb": max(r["peak_rss_kb"] for r in runs),
    }


def first_screen_raw(cmd, repeats, cols=200, rows=60):
    """Time to the last byte of the first screen, read raw as a terminal
    does: no emulator in the way (pyte parses about a megabyte a second, so
    the probe's settled time grows with the screen's bytes)."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    times = []
    for _ in range(repeats):
        state = tempfile.mkdtemp(prefix="brief-state-")
        env = dict(os.environ, TERM="xterm-256color", XDG_STATE_HOME=state, LESSHISTFILE="-",
                   COLUMNS=str(cols), LINES=str(rows))
        start = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(cmd[0], cmd, env)
        last = None
        while True:
            wait = 5.0 if last is None else 0.3
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                break
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                break
            if not data:
                break
            last = time.monotonic()
        os.write(fd, b"q")
        time.sleep(0.05)
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
        subprocess.run(["rm", "-rf", state])
        if last is not None:
            times.append((last - start) * 1000)
    return round(median(times), 2) if times else None


def key_latency(cmd, presses, prefix="", size="200x60"):
    steps = " ".join([prefix] + ["j"] * presses + ["k"] * presses + ["q"]).strip()
    run = probe(cmd, size, steps, quiet=0.08)
    keys = [s for s in run["steps"] if s["key"] in ("j", "k") and s["bytes"]]
    return {
        "latency_ms": median([s["latency_ms"] for s in keys]),
        "settle_ms": median([s["settle_ms"] for s in keys]),
        "worst_ms": max((s["latency_ms"] or 0) for s in keys) if keys else None,
    }


def scroll_bytes(cmd, prefix, lines, pages):
    """Bytes for one-line scrolls and page scrolls at 120x40.

    The prefix (brief's `z`, reading only) changes the reading pane's width,
    so the whole briefing is laid out again: on the 10 MB briefing that takes
    longer than the probe's quiet time, and its frame would be counted as the
    first scroll's. The wait lets it finish before the scrolls are counted.
    """
    settle = [prefix, "<wait:1500>"] if prefix else []
    line_steps = " ".join(settle + ["j"] * lines + ["q"])
    page_steps = " ".join(settle + ["<Space>"] * pages + ["q"])
    line_run = probe(cmd, "120x40", line_steps, quiet=0.1)
    page_run = probe(cmd, "120x40", page_steps, quiet=0.1)
    line = [s["bytes"] for s in line_run["steps"] if s["key"] == "j"]
    page = [s["bytes"] for s in page_run["steps"] if s["key"] == "<Space>"]
    return {
        "line_total": sum(line), "line_steps": len(line),
        "line_mean": sum(line) / max(1, len(line)),
        "line_range": [min(line), max(line)] if line else None,
        "page_total": sum(page), "page_steps": len(page),
        "page_mean": sum(page) / max(1, len(page)),
    }


def idle(cmd, seconds):
    run = probe(cmd, "200x60", "q", idle=seconds)
    return {"seconds": seconds, "cpu_s": run["idle"]["cpu_s"], "bytes": run["idle"]["bytes"]}


def many_readers(ptyprobe, path, count, seconds):
    """`count` readers open at once, idle: total CPU over `seconds`."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    states = []
    probes = []
    for _ in range(count):
        state = tempfile.mkdtemp(prefix="brief-state-")
        states.append(state)
        probes.append(ptyprobe.Probe([BRIEF, path], 120, 40, dict(env, XDG_STATE_HOME=state)))
    # Let every reader draw its first screen and go quiet.
    deadline = time.monotonic() + 30
    for p in probes:
        p.settle(0.3, max(1.0, deadline - time.monotonic()), need_output=True)
    for p in probes:
        p.pump(0.01)
    before = [ptyprobe.proc_cpu(p.pid) or 0.0 for p in probes]
    end = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < end:
        for p in probes:
            sent += p.pump(0.002)
        time.sleep(0.05)
    after = [ptyprobe.proc_cpu(p.pid) or 0.0 for p in probes]
    rss = [ptyprobe.proc_hwm_kb(p.pid) or 0 for p in probes]
    for p in probes:
        p.send(b"q")
    for p in probes:
        p.settle(0.05, 3)
        if not p._reap():
            try:
                os.kill(p.pid, 9)
                os.waitpid(p.pid, 0)
            except OSError:
                pass
    for state in states:
        subprocess.run(["rm", "-rf", state])
    return {"readers": count, "seconds": seconds,
            "cpu_s": round(sum(a - b for a, b in zip(after, before)), 3),
            "bytes": sent, "rss_kb_each": max(rss)}


def print_rate(path, repeats):
    size = os.path.getsize(path)
    times = []
    for _ in range(repeats):
        start = time.monotonic()
        subprocess.run([BRIEF, "print", "--width", "80", path], stdout=subprocess.DEVNULL, check=True)
        times.append(time.monotonic() - start)
    best = min(times)
    return {"bytes": size, "seconds": round(best, 3), "mb_per_s": round(size / best / 1e6, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="10 s idle and fewer repeats")
    ap.add_argument("--json", help="also write the raw figures to this file")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    a = ap.parse_args()
    ptyprobe = load_probe()
    if not a.no_build:
        build()
    for binary in (BRIEF, GENERATE):
        if not os.path.exists(binary):
            fail(f"{binary} is missing (run without --no-build)")
    if subprocess.run(["sh", "-c", "command -v less"], capture_output=True).returncode != 0:
        fail("less is not installed")
    repeats = 3 if a.quick else 5
    idle_seconds = 10 if a.quick else 60

    work = tempfile.mkdtemp(prefix="brief-budgets-")
    big = os.path.join(work, "big.toml")
    with open(big, "wb") as out:
        subprocess.run([GENERATE, "--size", "10MB", "--sections", "2000"], stdout=out, check=True)
    inputs = {"shipped": SHIPPED, "10MB": big}
    texts = {}
    for name, path in inputs.items():
        texts[name] = os.path.join(work, f"{name}.txt")
        with open(texts[name], "wb") as out:
            subprocess.run([BRIEF, "print", "--width", str(TEXT_WIDTH), path], stdout=out, check=True)

    results = {"machine": os.uname().nodename, "cores": os.cpu_count(),
               "load_average": os.getloadavg(), "inputs": {}}
    for name, path in inputs.items():
        brief_cmd, less_cmd = [BRIEF, path], ["less", texts[name]]
        print(f"measuring {name}…", file=sys.stderr)
        r = {"file_bytes": os.path.getsize(path)}
        r["brief_first"] = first_screen(brief_cmd, repeats)
        r["less_first"] = first_screen(less_cmd, repeats)
        r["brief_first"]["raw_ms"] = first_screen_raw(brief_cmd, repeats)
        r["less_first"]["raw_ms"] = first_screen_raw(less_cmd, repeats)
        r["brief_keys"] = key_latency(brief_cmd, 15)
        r["less_keys"] = key_latency(less_cmd, 15)
        r["brief_keys_120x40"] = key_latency(brief_cmd, 15, size="120x40")
        r["less_keys_120x40"] = key_latency(less_cmd, 15, size="120x40")
        r["brief_scroll"] = scroll_bytes(brief_cmd, "z", 60, 10)
        r["less_scroll"] = scroll_bytes(less_cmd, "", 60, 10)
        results["inputs"][name] = r

    print(f"idle for {idle_seconds} s…", file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        jobs = {
            "shipped": pool.submit(idle, [BRIEF, SHIPPED], idle_seconds),
            "10MB": pool.submit(idle, [BRIEF, big], idle_seconds),
            "less": pool.submit(idle, ["less", texts["shipped"]], idle_seconds),
        }
        results["idle"] = {k: v.result() for k, v in jobs.items()}
    print("50 readers…", file=sys.stderr)
    results["many"] = many_readers(ptyprobe, SHIPPED, 50, 10)
    results["print"] = print_rate(big, repeats)
    subprocess.run(["rm", "-rf", work])

    table(results)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


def table(results):
    s, b = results["inputs"]["shipped"], results["inputs"]["10MB"]
    big_limit_kb = (3 * b["file_bytes"] / 1e6 + 15) * 1000
    rows = []

    def row(what, budget, brief, less, ok):
        rows.append((what, budget, brief, less, "yes" if ok else "**no**"))

    def ms(v):
        return "–" if v is None else f"{v:.1f} ms"

    sf, lf = s["brief_first"]["raw_ms"], s["less_first"]["raw_ms"]
    row("First screen, shipped (200x60, raw reader)", "≤ 2× less", f"{ms(sf)} ({sf / lf:.1f}×)", ms(lf), sf <= 2 * lf)
    sp, lp = s["brief_first"]["first_screen_ms"], s["less_first"]["first_screen_ms"]
    row("First screen, shipped (200x60, through the emulator)", "(context)",
        f"{ms(sp)} ({s['brief_first'].get('bytes', '?')})", ms(lp), True)
    bf = b["brief_first"]["raw_ms"]
    row("First screen, 10 MB (200x60, raw reader)", "< 300 ms", ms(bf), ms(b["less_first"]["raw_ms"]), bf < 300)
    bp = b["brief_first"]["first_screen_ms"]
    row("First screen, 10 MB (200x60, through the emulator)", "(context)", ms(bp),
        ms(b["less_first"]["first_screen_ms"]), True)
    for name, r in (("shipped", s), ("10 MB", b)):
        k = r["brief_keys"]["latency_ms"]
        row(f"Key to frame, {name} (200x60, j/k, median)", "< 2 ms", ms(k),
            ms(r["less_keys"]["latency_ms"]), k is not None and k < 2)
    # The tighter budgets of "as fast as less": ratios to less in the same run.
    for name, r, keys, size in (("shipped", s, "keys_120x40", "120x40"), ("10 MB", b, "keys", "200x60")):
        k, lk = r[f"brief_{keys}"]["latency_ms"], r[f"less_{keys}"]["latency_ms"]
        ratio = k / lk if k and lk else None
        row(f"Key to frame, {name} ({size}, j/k, median)", "≤ 1.5× less",
            f"{ms(k)} ({ratio:.1f}×)" if ratio else ms(k), ms(lk), ratio is not None and ratio <= 1.5)
    for name, r in (("shipped", s), ("10 MB", b)):
        bs, ls = r["brief_scroll"], r["less_scroll"]
        line_ratio = bs["line_total"] / max(1, ls["line_total"])
        row(f"Bytes per line scroll, {name} (120x40, `z`, mean of {bs['line_steps']})", "≤ 2× less",
            f"{bs['line_mean']:.0f} B ({line_ratio:.2f}×)", f"{ls['line_mean']:.0f} B", line_ratio <= 2)
    row("First screen, 10 MB (200x60, raw reader)", "< 150 ms", ms(bf), ms(b["less_first"]["raw_ms"]), bf < 150)
    row("Peak memory, 10 MB", "< 25 MB", f"{b['brief_first']['peak_rss_kb'] / 1000:.1f} MB",
        f"{b['less_first']['peak_rss_kb'] / 1000:.1f} MB", b["brief_first"]["peak_rss_kb"] < 25000)
    for name, r in (("shipped", s), ("10 MB", b)):
        bs, ls = r["brief_scroll"], r["less_scroll"]
        line_ratio = bs["line_total"] / max(1, ls["line_total"])
        page_ratio = bs["page_mean"] / max(1, ls["page_mean"])
        row(f"Bytes per line scroll, {name} (120x40, `z`, mean of {bs['line_steps']})", "≤ 3× less",
            f"{bs['line_mean']:.0f} B ({line_ratio:.2f}×)", f"{ls['line_mean']:.0f} B", line_ratio <= 3)
        row(f"Bytes per page, {name} (120x40, `z`, mean of {bs['page_steps']})", "≤ 1.5× less",
            f"{bs['page_mean']:.0f} B ({page_ratio:.2f}×)", f"{ls['page_mean']:.0f} B", page_ratio <= 1.5)
    for name in ("shipped", "10MB"):
        i = results["idle"][name]
        row(f"Idle {i['seconds']} s, {name}", "0 B, < 0.01 s CPU",
            f"{i['bytes']} B, {i['cpu_s']} s", f"{results['idle']['less']['bytes']} B, {results['idle']['less']['cpu_s']} s",
            i["bytes"] == 0 and i["cpu_s"] is not None and i["cpu_s"] < 0.01)
    sr = s["brief_first"]["peak_rss_kb"]
    row("Peak memory, shipped", "< 15 MB", f"{sr / 1000:.1f} MB", f"{s['less_first']['peak_rss_kb'] / 1000:.1f} MB", sr < 15000)
    br = b["brief_first"]["peak_rss_kb"]
    row("Peak memory, 10 MB", f"< 3× file + 15 MB ({big_limit_kb / 1000:.0f} MB)", f"{br / 1000:.1f} MB",
        f"{b['less_first']['peak_rss_kb'] / 1000:.1f} MB", br < big_limit_kb)
    m = results["many"]
    row(f"{m['readers']} readers idle {m['seconds']} s, total CPU", "< 0.1 s", f"{m['cpu_s']} s, {m['bytes']} B", "", m["cpu_s"] < 0.1)
    p = results["print"]
    row("`brief print` of 10 MB", "≥ 20 MB/s", f"{p['mb_per_s']} MB/s ({p['seconds']} s)", "", p["mb_per_s"] >= 20)

    print(f"\nMachine: {results['machine']}, {results['cores']} cores, load average at start "
          + ", ".join(f"{x:.2f}" for x in results["load_average"]) + "\n")
    print("| Measure | Budget | brief | less | Met |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
