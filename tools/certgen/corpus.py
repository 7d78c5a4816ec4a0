"""The corpus loop shared by certgen.py --profile bands and screen.py: photo i comes from
random.Random(f"{seed}:{i}") alone, so a corpus can be extended (--start) or rendered by
several processes (--jobs) and stay the same.

Writes DIR/PREFIX_NNNN.jpg, DIR/truth.json ({file: [texts, sorted]}, the format the
fixtures and bench/qr.py read) and DIR/bands.json ({file: {attribute: value}}: module_px,
megapixels, blur, blur_px, payload, ... — what bench/qr.py breaks its tables down by).
"""
import json
import os
import random
from multiprocessing import Pool

_MAKE = None


def _one(job):
    seed, i, prefix, out = job
    rng = random.Random(f"{seed}:{i}")
    jpeg, texts, attrs = _MAKE(rng)
    name = f"{prefix}_{i:04d}.jpg"
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(jpeg)
    return name, sorted(texts), attrs


def _init(make):
    global _MAKE
    _MAKE = make


def write_corpus(out, make, seed, count, start=0, prefix="cert", jobs=1):
    """make(rng) → (jpeg bytes, texts, attrs)."""
    os.makedirs(out, exist_ok=True)
    truth, bands = {}, {}
    for name, d in (("truth.json", truth), ("bands.json", bands)):
        p = os.path.join(out, name)
        if os.path.exists(p):
            with open(p, encoding="utf-8") as fh:
                d.update(json.load(fh))
    jobs_list = [(seed, i, prefix, out) for i in range(start, count)]
    with Pool(jobs, initializer=_init, initargs=(make,)) as pool:
        for name, texts, attrs in pool.imap(_one, jobs_list):
            truth[name] = texts
            bands[name] = attrs
            print(name, json.dumps(attrs, ensure_ascii=False), flush=True)
    for name, d in (("truth.json", truth), ("bands.json", bands)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as fh:
            json.dump(d, fh, ensure_ascii=False, indent=1, sort_keys=True)
