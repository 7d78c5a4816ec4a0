#!/usr/bin/env python3
"""QR decode benchmark: hecha qr (pipeline and plain rqrr), zxing-cpp, zbarimg, on one or
more generated corpora, with a breakdown per band. Called by bench/run; see bench/README.md.

    python3 bench/qr.py --bin target/release/hecha [--corpus DIR]... [--count 400] [--seed 17]

Decoded % counts photos that have a QR code and whose full set of texts matches
truth.json exactly. False positives, as issue 17 defines them: a text for a photo without
a code ("on negatives"), or a text other than the code's on a photo with one ("wrong
text"). zxing-cpp's and zbarimg's payload bytes are read as UTF-8 if valid, else GB18030
(the generated payloads are UTF-8 or ASCII, so charset is not what is measured); hecha's
texts are compared as it prints them.

A corpus directory that has a bands.json (certgen.py --profile bands, screen.py) gets a
table per band attribute (module size, megapixels, blur, payload kind, surface): per band
the photos with a code and each tool's decoded %.
"""
import argparse
import datetime
import json
import re
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


def ensure_corpus(corpus, count, seed, jobs):
    """Generates a missing corpus: corpus-bands* with certgen.py --profile bands,
    corpus-screen* with screen.py, anything else with certgen.py's legacy mixed sizes."""
    if os.path.exists(os.path.join(corpus, "truth.json")):
        return
    base = os.path.basename(os.path.normpath(corpus))
    gen = os.path.join(ROOT, "tools/certgen")
    if base.startswith("corpus-bands"):
        cmd = [os.path.join(gen, "certgen.py"), "--profile", "bands", "--jobs", str(jobs)]
    elif base.startswith("corpus-screen"):
        cmd = [os.path.join(gen, "screen.py"), "--jobs", str(jobs)]
    else:
        cmd = [os.path.join(gen, "certgen.py"), "--sizes", "mixed"]
    print(f"generating {corpus}: {count} photos, seed {seed} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, *cmd, "--out", corpus, "--count", str(count), "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)


def score(truth, results):
    """results: {file: (texts, ms)} → figures for one tool on one set of photos."""
    pos = [f for f, t in truth.items() if t]
    neg = [f for f, t in truth.items() if not t]
    ok = sum(1 for f in pos if sorted(results[f][0]) == truth[f])
    fp_neg = sum(1 for f in neg if results[f][0])
    wrong = sum(1 for f in pos if any(t not in truth[f] for t in results[f][0]))
    mean = sum(results[f][1] for f in truth) / max(1, len(truth))
    return {"decoded_pct": 100.0 * ok / max(1, len(pos)), "decoded": ok, "positives": len(pos),
            "negatives": len(neg), "fp_negatives": fp_neg, "wrong_text": wrong, "mean_ms": mean}


# Band edges; module sizes and blur strengths as tools/certgen/camera.py draws them.
MODULE_EDGES = [(1.6, "1.2–1.6 px"), (2.0, "1.6–2 px"), (3.0, "2–3 px"), (5.0, "3–5 px"), (1e9, "5–8 px")]
BLUR_SPLIT = {"gauss": 1.0, "defocus": 1.8, "motion": 3.75}


def bands_of(a):
    """A photo's attributes (bands.json) → {attribute: band label}."""
    out = {}
    if a.get("module_px") is not None:
        out["module size"] = next(label for edge, label in MODULE_EDGES if a["module_px"] < edge)
    mp = a["megapixels"]
    out["megapixels"] = "≤ 2 MP" if mp < 2.5 else "3 MP" if mp < 4 else "5 MP" if mp < 6.5 else "8 MP" if mp < 10 else "12 MP"
    if a["blur"] == "none":
        out["blur"] = "none"
    else:
        split = BLUR_SPLIT[a["blur"]]
        unit = "σ" if a["blur"] == "gauss" else "r" if a["blur"] == "defocus" else "len"
        out["blur"] = f"{a['blur']} {unit} {'<' if a['blur_px'] < split else '≥'} {split} px"
    out["payload"] = a["payload"]
    if "surface" in a:
        out["surface"] = a["surface"]
    return out


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
        res[name] = (j["texts"], j["ms"], j.get("unread"), j.get("times"))
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
    ap.add_argument("--corpus", action="append", default=[],
                    help="corpus directory (repeatable); default bench/corpus-bands and bench/corpus-screen")
    ap.add_argument("--count", type=int, default=400, help="photos per corpus, when one is generated")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--jobs", type=int, default=2, help="processes that render a missing corpus")
    ap.add_argument("--only", default="hecha,plain,zxing-cpp,zbarimg")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every tool this many times, alternating; per photo the fastest time counts")
    ap.add_argument("--stages", action="append", default=[],
                    help="also run hecha qr with HECHA_QR_PIPELINE=STAGES (repeatable; experiments)")
    ap.add_argument("--no-bands", action="store_true", help="overall table only")
    args = ap.parse_args()
    corpora = args.corpus or [os.path.join(ROOT, "bench/corpus-bands"), os.path.join(ROOT, "bench/corpus-screen")]
    only = args.only.split(",")
    tools = [t for t in ["hecha", "plain", "zxing-cpp", "zbarimg"] if t in only] + [("stages", st) for st in args.stages]
    names = {"hecha": "hecha qr (pipeline)", "plain": "hecha qr, plain rqrr",
             "zxing-cpp": "zxing-cpp (Python, PIL load)", "zbarimg": "zbarimg (process per file)"}
    short = {"hecha": "hecha", "plain": "rqrr", "zxing-cpp": "zxing-cpp", "zbarimg": "zbar"}
    out = []
    print(f"machine: {os.cpu_count()} cores; {datetime.date.today().isoformat()}; "
          f"rounds: {args.rounds} (per-photo minimum time)")
    for corpus in corpora:
        out.append(bench_corpus(args, corpus, tools, names, short))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1, ensure_ascii=False)


def stage_costs(res):
    """`hecha qr` lines with `times` (a stage list run) → {stage: (ms per photo, photos)}.
    A stage's size is dropped (`rxing@1632` and `rxing@2000` are the same step of the list
    on photos of other sizes); the second run of a step is `grid#2`, and so on."""
    total, runs = {}, {}
    for r in res.values():
        seen = {}
        for t in (r[3] if len(r) > 3 and r[3] else []):
            base = re.sub(r"@\d+", "", t["stage"])
            seen[base] = seen.get(base, 0) + 1
            key = base if seen[base] == 1 else f"{base}#{seen[base]}"
            total[key] = total.get(key, 0.0) + t["ms"]
            runs[key] = runs.get(key, 0) + 1
    return {k: (total[k] / max(1, len(res)), runs[k]) for k in total}


def bench_corpus(args, corpus, tools, names, short):
    ensure_corpus(corpus, args.count, args.seed, args.jobs)
    with open(os.path.join(corpus, "truth.json"), encoding="utf-8") as fh:
        truth = json.load(fh)
    attrs = {}
    if os.path.exists(os.path.join(corpus, "bands.json")):
        with open(os.path.join(corpus, "bands.json"), encoding="utf-8") as fh:
            attrs = json.load(fh)
    files = [os.path.join(corpus, f) for f in sorted(truth)]

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
        missed = [f for f, tx in truth.items() if tx and sorted(res0[f][0]) != tx]
        if missed and len(res0[missed[0]]) > 2 and res0[missed[0]][2] is not None:
            located = sum(1 for f in missed if res0[f][2])
            print(f"{t if isinstance(t, str) else t[1]}: {len(missed)} missed, {located} of them located "
                  f"but not read, {len(missed) - located} not located", file=sys.stderr)
        wall = min(r[1] for r in runs[t])
        name = names[t] if isinstance(t, str) else t[1]
        rows.append((t, name, res, wall))
        if stages:
            by_stage = {}
            for s in stages.values():
                key = (s or "").split("+")[-1].split(":")[0]
                by_stage[key] = by_stage.get(key, 0) + 1
            print(f"{name} last stage:", json.dumps(by_stage, ensure_ascii=False), file=sys.stderr)
        costs = stage_costs(res0)
        if costs:
            print(f"{name} stage costs, ms per photo over all {len(res0)} (photos it ran on): "
                  + ", ".join(f"{k} {ms:.1f} ({n})" for k, (ms, n) in costs.items()), file=sys.stderr)

    npos = sum(1 for t in truth.values() if t)
    mps = {}
    for a in attrs.values():
        mps[a["megapixels"]] = mps.get(a["megapixels"], 0) + 1
    print(f"\n### {os.path.basename(os.path.normpath(corpus))}: {len(files)} photos, {npos} with a code, "
          f"{len(files) - npos} without" + (f"; megapixels: {dict(sorted(mps.items()))}" if mps else "") + "\n")
    print("| tool | decoded % | false + on negatives | wrong text | mean ms/image | wall ms/image |")
    print("|---|---|---|---|---|---|")
    figures = {"corpus": corpus, "tools": []}
    for t, name, res, wall in rows:
        sc = score(truth, res)
        print(f"| {name} | {sc['decoded_pct']:.1f} % ({sc['decoded']}/{sc['positives']}) | "
              f"{sc['fp_negatives']}/{sc['negatives']} | {sc['wrong_text']} | {sc['mean_ms']:.0f} | {wall:.0f} |")
        figures["tools"].append({"tool": name, **sc, "wall_ms_per_image": wall,
                                 "missed": sorted(f for f, tx in truth.items() if tx and sorted(res[f][0]) != tx)})
    if attrs and not args.no_bands:
        figures["bands"] = band_tables(truth, attrs, rows, short)
    return figures


def band_tables(truth, attrs, rows, short):
    """One table per band attribute: photos with a code in the band, each tool's decoded %."""
    labelled = {f: bands_of(attrs[f]) for f in truth if f in attrs}
    keys = []
    for b in labelled.values():
        keys += [k for k in b if k not in keys]
    cols = [short.get(t, t[1] if isinstance(t, tuple) else t) for t, *_ in rows]
    out = {}
    for key in keys:
        groups = {}
        for f, b in labelled.items():
            if truth[f] and key in b:
                groups.setdefault(b[key], []).append(f)
        if key == "module size":
            small = [f for lab in ("1.2–1.6 px", "1.6–2 px") for f in groups.get(lab, [])]
            groups["1.2–2 px (both)"] = small
        print(f"\n| {key} | photos | " + " | ".join(f"{c} %" for c in cols) + " | ms " + cols[0] + " | ms " +
              (cols[2] if len(cols) > 2 else cols[-1]) + " |")
        print("|---|---|" + "---|" * len(cols) + "---|---|")
        out[key] = {}
        for label in sorted(groups, key=band_order):
            fs = groups[label]
            sub = {f: truth[f] for f in fs}
            pcts = [score(sub, {f: res[f] for f in fs}) for _, _, res, _ in rows]
            zi = 2 if len(rows) > 2 else len(rows) - 1
            print(f"| {label} | {len(fs)} | " + " | ".join(f"{p['decoded_pct']:.0f}" for p in pcts) +
                  f" | {pcts[0]['mean_ms']:.0f} | {pcts[zi]['mean_ms']:.0f} |")
            out[key][label] = {c: p for c, p in zip(cols, pcts)}
    return out


def band_order(label):
    order = ["1.2–1.6", "1.6–2 px", "1.2–2", "2–3", "3–5 px", "5–8", "≤ 2", "3 MP", "5 MP", "8 MP", "12 MP", "none",
             "gauss σ <", "gauss σ ≥", "defocus r <", "defocus r ≥", "motion len <", "motion len ≥"]
    return next((i for i, o in enumerate(order) if label.startswith(o)), len(order)), label


if __name__ == "__main__":
    main()
