"""FAISS peer of BenchmarkLookup (lookup_bench_test.go).

Reads the stored PDQ hashes and the queries the benchmark wrote, builds
FAISS's IndexBinaryMultiHash over them (16 tables of 16 bits, as the Go
index slots them) and times exact range searches at the benchmark's
distance; then, for the linear-scan figure, IndexBinaryFlat on the sample.
Prints one JSON object on stdout; progress goes to stderr.

FAISS's binary range search keeps distances strictly below its radius, so
distance d is searched with radius d+1. nflip, the bits flipped per table
probe, is d // 16: two codes within d bits agree within that many bits in
one table at least, so the search is exact.

Input (little-endian): uint32 n, uint32 queries, uint32 sample; n codes of
32 bytes; the queries, 32 bytes each. The first `sample` queries are the
ones answers are reported for (recall is computed by the caller); the
first --qps-queries (at least the sample) are timed on --threads threads,
the first --latency-queries one at a time on one.

    /usr/bin/python3 faiss_mih_peer.py FILE --distance 31 --threads 2
"""

import argparse
import json
import sys
import time

import faiss
import numpy as np


def status(field):
    """Returns a /proc/self/status memory field in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def log(msg):
    print("faiss_mih_peer: " + msg, file=sys.stderr, flush=True)


def answers(lims, labels, count):
    return [sorted(int(i) for i in labels[lims[q]:lims[q + 1]]) for q in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--distance", type=int, default=31)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--qps-queries", type=int, default=2000)
    ap.add_argument("--latency-queries", type=int, default=1000)
    args = ap.parse_args()

    header = np.fromfile(args.file, dtype="<u4", count=3)
    n, nq, sample = (int(v) for v in header)
    data = np.fromfile(args.file, dtype=np.uint8, offset=12)
    codes = data[: n * 32].reshape(n, 32)
    queries = data[n * 32:].reshape(nq, 32).copy()
    del data
    radius, nflip = args.distance + 1, args.distance // 16

    base = status("VmRSS")
    start = time.perf_counter()
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = nflip
    step = 1_000_000
    for lo in range(0, n, step):
        index.add(codes[lo:lo + step])
    build = time.perf_counter() - start
    del codes
    rss, hwm = status("VmRSS"), status("VmHWM")
    log("MultiHash: %d codes added in %.1f s; VmRSS %.0f MB (%.0f MB before the index), VmHWM %.0f MB"
        % (n, build, rss, base, hwm))

    faiss.omp_set_num_threads(args.threads)
    timed = max(sample, min(nq, args.qps_queries))
    start = time.perf_counter()
    lims, _, labels = index.range_search(queries[:timed], radius)
    qps = timed / (time.perf_counter() - start)
    found = answers(lims, labels, sample)
    log("MultiHash: %.0f q/s on %d threads, over %d queries" % (qps, args.threads, timed))

    faiss.omp_set_num_threads(1)
    lat = []
    for q in range(min(nq, args.latency_queries)):
        t0 = time.perf_counter()
        index.range_search(queries[q:q + 1], radius)
        lat.append(time.perf_counter() - t0)
    lat.sort()
    p50, p99 = lat[len(lat) // 2] * 1e3, lat[len(lat) * 99 // 100] * 1e3
    log("MultiHash: one query at a time, p50 %.3f ms, p99 %.3f ms" % (p50, p99))
    del index

    flat = faiss.IndexBinaryFlat(256)
    flat.add(np.fromfile(args.file, dtype=np.uint8, offset=12, count=n * 32).reshape(n, 32))
    faiss.omp_set_num_threads(args.threads)
    start = time.perf_counter()
    flims, _, flabels = flat.range_search(queries[:sample], radius)
    flat_qps = sample / (time.perf_counter() - start)
    log("Flat: %.1f q/s on %d threads" % (flat_qps, args.threads))

    json.dump({
        "faiss_version": faiss.__version__,
        "threads": args.threads,
        "nflip": nflip,
        "radius": radius,
        "build_seconds": build,
        "rss_mb": rss,
        "rss_before_mb": base,
        "hwm_mb": hwm,
        "qps": qps,
        "p50_ms": p50,
        "p99_ms": p99,
        "found": found,
        "flat_qps": flat_qps,
        "flat_found": answers(flims, flabels, sample),
    }, sys.stdout)


if __name__ == "__main__":
    main()
