#!/usr/bin/env python3
"""Build the fuzz seeds (run from the repository root: `python3 fuzz/seed.py`).

Every `samples/*/` directory and every snapshot directory under `tests/fixtures/` is merged into
one JSON object (lists under one key concatenated, other values: the first one wins); every
single-file snapshot under `tests/fixtures/` is taken as it is. The merged samples also go to
`fuzz/seeds/` (the structure-aware target embeds them). Seeds go to `fuzz/corpus/<target>/` for
`load` and `pipeline`; `cargo fuzz cmin` then keeps the ones that add coverage.
"""
import glob
import hashlib
import json
import os
import sys


def merge(files):
    out = {}
    for f in sorted(files):
        try:
            d = json.load(open(f, encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(d, dict):
            continue
        for k, v in d.items():
            if isinstance(v, list) and isinstance(out.get(k), list):
                out[k] = out[k] + v
            elif k not in out:
                out[k] = v
    return out


def main():
    root = os.getcwd()
    if not os.path.isdir(os.path.join(root, "samples")):
        sys.exit("run from the repository root")
    seeds = []
    os.makedirs("fuzz/seeds", exist_ok=True)
    for d in sorted(glob.glob("samples/*/")):
        m = merge(glob.glob(os.path.join(d, "*.json")))
        text = json.dumps(m, separators=(",", ":"), sort_keys=True)
        name = os.path.basename(d.rstrip("/"))
        with open(f"fuzz/seeds/{name}.json", "w", encoding="utf-8") as fh:
            fh.write(text)
        seeds.append(text)
    dirs = {}
    for f in glob.glob("tests/fixtures/**/*.json", recursive=True):
        if "/plans/" in f or "/diff/" in f:
            continue  # Terraform/CloudFormation plans and saved reports are not snapshots
        dirs.setdefault(os.path.dirname(f), []).append(f)
    for d, files in sorted(dirs.items()):
        if len(files) == 1 or d.endswith("scenarios"):
            for f in files:
                seeds.append(open(f, encoding="utf-8", errors="replace").read())
        else:
            m = merge(files)
            seeds.append(json.dumps(m, separators=(",", ":"), sort_keys=True))
    for target in ("load", "pipeline"):
        out = f"fuzz/corpus/{target}"
        os.makedirs(out, exist_ok=True)
        for s in seeds:
            b = s.encode("utf-8")
            with open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb") as fh:
                fh.write(b)
    print(f"{len(seeds)} seeds")


main()
