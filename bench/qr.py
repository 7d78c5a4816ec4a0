#!/usr/bin/env python3
"""QR decode benchmark: hecha qr (pipeline and plain rqrr), zxing-cpp, zbarimg, on one
certgen corpus. Called by bench/run; see bench/README.md.

    python3 bench/qr.py --bin target/release/hecha [--corpus bench/corpus] [--count 200] [--seed 42]

Decoded % counts photos that have a QR code and whose full set of texts matches
truth.json exactly; "false" counts photos without a code for which a tool reported one.
All tools' payload bytes are read with the same rule as hecha (UTF-8 if valid, else
GB18030) so that the comparison is about finding codes, not about charset guessing.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def text_of(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def ensure_corpus(corpus, count, seed):
    if os.path.exists(os.path.join(corpus, "truth.json")):
        return
    print(f"generating corpus: {count} photos, seed {seed} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "tools/certgen/certgen.py"), "--out", corpus,
                    "--count", str(count), "--seed", str(seed), "--sizes", "mixed"], check=True,
                   stdout=subprocess.DEVNULL)


def score(truth, results):
    """results: {file: (texts, ms)} → (decoded %, false positives, mean ms)."""
    pos = [f for f, t in truth.items() if t]
    neg = [f for f, t in truth.items() if not t]
    ok = sum(1 for f in pos if sorted(results[f][0]) == truth[f])
    fp = sum(1 for f in neg if results[f][0])
    mean = sum(ms for _, ms in results.values()) / len(results)
    return 100.0 * ok / max(1, len(pos)), fp, mean, ok, len(pos), len(neg)


def run_hecha(binary, files, plain, stages=None):
    env = dict(os.environ)
    if plain:
        env["HECHA_QR_PIPELINE"] = "plain"
    elif stages:
        env["HECHA_QR_PIPELINE"] = stages
    t0 = time.perf_counter()
    out = subprocess.run([binary, "qr", *files], capture_output=True, env=env, check=False).stdout
    wall = (time.perf_counter() - t0) * 1000 / len(files)
    res, stages = {}, {}
    for line in out.decode("utf-8").splitlines():
        j = json.loads(line)
        name = os.path.basename(j["file"])
        res[name] = (j["texts"], j["ms"])
        stages[name] = j.get("stage") or j.get("error")
    return res, wall, stages


def run_zxing(files):
    import zxingcpp
    from PIL import Image
    res = {}
    t0 = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        with Image.open(f) as im:
            codes = zxingcpp.read_barcodes(im, formats=zxingcpp.BarcodeFormat.QRCode)
        texts = sorted({text_of(c.bytes) for c in codes if c.valid})
        res[os.path.basename(f)] = (texts, (time.perf_counter() - t) * 1000)
    return res, (time.perf_counter() - t0) * 1000 / len(files)


def run_zbar(files):
    res = {}
    t0 = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        # -Sbinary: raw payload bytes, no charset guessing; one process per file, so the
        # time includes its start-up (a few ms) and image loading.
        p = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sqrcode.binary", f],
                           capture_output=True, check=False)
        raw = p.stdout[:-1] if p.stdout.endswith(b"\n") else p.stdout
        res[os.path.basename(f)] = ([text_of(raw)] if raw else [], (time.perf_counter() - t) * 1000)
    return res, (time.perf_counter() - t0) * 1000 / len(files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/hecha"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "bench/corpus"))
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--only", default="hecha,plain,zxing-cpp,zbarimg")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every tool this many times, alternating; per photo the fastest time counts")
    ap.add_argument("--stages", action="append", default=[],
                    help="also run hecha qr with HECHA_QR_PIPELINE=STAGES (repeatable; experiments)")
    args = ap.parse_args()
    ensure_corpus(args.corpus, args.count, args.seed)
    with open(os.path.join(args.corpus, "truth.json"), encoding="utf-8") as fh:
        truth = json.load(fh)
    files = [os.path.join(args.corpus, f) for f in sorted(truth)]
    sizes = {}
    from PIL import Image
    for f in files:
        with Image.open(f) as im:
            sizes[im.size[0] * im.size[1]] = sizes.get(im.size[0] * im.size[1], 0) + 1
    only = args.only.split(",")
    tools = [t for t in ["hecha", "plain", "zxing-cpp", "zbarimg"] if t in only] + [("stages", st) for st in args.stages]
    names = {"hecha": "hecha qr (pipeline)", "plain": "hecha qr, plain rqrr",
             "zxing-cpp": "zxing-cpp (Python, PIL load)", "zbarimg": "zbarimg (process per file)"}

    def run_tool(tool):
        if tool == "hecha":
            return run_hecha(args.bin, files, plain=False)
        if tool == "plain":
            return run_hecha(args.bin, files, plain=True)
        if tool == "zxing-cpp":
            return (*run_zxing(files), None)
        if tool == "zbarimg":
            return (*run_zbar(files), None)
        return run_hecha(args.bin, files, plain=False, stages=tool[1])

    # --rounds N runs every tool N times, alternating, and keeps each photo's fastest time
    # (texts from the first round): other jobs on a shared machine slow down whichever
    # tool happens to run at the time; the minimum filters that out for all tools alike.
    runs = {t: [] for t in tools}
    for _ in range(args.rounds):
        for t in tools:
            runs[t].append(run_tool(t))
    rows = []
    for t in tools:
        res0, _, stages = runs[t][0]
        res = {f: (res0[f][0], min(r[0][f][1] for r in runs[t])) for f in res0}
        wall = min(r[1] for r in runs[t])
        name = names[t] if isinstance(t, str) else t[1]
        rows.append((name, res, wall))
        if stages:
            by_stage = {}
            for s in stages.values():
                key = (s or "").split("+")[0].split(":")[0]
                by_stage[key] = by_stage.get(key, 0) + 1
            print(f"{name} stages:", json.dumps(by_stage, ensure_ascii=False), file=sys.stderr)

    print(f"\ncorpus: {len(files)} photos, {sum(1 for t in truth.values() if t)} with a code, "
          f"seed {args.seed}; pixel counts: {dict(sorted(sizes.items()))}")
    print(f"machine: {os.cpu_count()} cores; {datetime.date.today().isoformat()}; "
          f"rounds: {args.rounds} (per-photo minimum time)\n")
    print(f"| {'tool':<30} | decoded % | false + | mean ms/image | wall ms/image |")
    print(f"|{'-' * 32}|-----------|---------|---------------|---------------|")
    out = []
    for name, res, wall in rows:
        pct, fp, mean, ok, npos, nneg = score(truth, res)
        print(f"| {name[:30]:<30} | {pct:8.1f}% | {fp:>3}/{nneg:<3} | {mean:13.0f} | {wall:13.0f} |")
        out.append({"tool": name, "decoded_pct": pct, "decoded": ok, "positives": npos, "false_pos": fp,
                    "mean_ms": mean, "wall_ms_per_image": wall,
                    "missed": sorted(f for f, t in truth.items() if t and sorted(res[f][0]) != t)})
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
