#!/usr/bin/env python3
"""The baseline a user would reach for: rapidfuzz scoring every listed name per query.

Reads DIR/names.tsv (entity key, name) and DIR/queries.tsv (query, expected key or empty,
variant) as exported by `bench_screening export`, and prints the same figures as the Rust side:
queries/s, p50/p99 latency, recall@1 and @10 and false positives at the line (token_sort_ratio
>= 80, the engine's 0.80).
"""
import sys
import time

from rapidfuzz import fuzz, process, utils

LINE = 80.0


def main(directory):
    keys, names = [], []
    with open(f"{directory}/names.tsv", encoding="utf-8") as f:
        for line in f:
            key, name = line.rstrip("\n").split("\t", 1)
            keys.append(key)
            names.append(name)
    queries = []
    with open(f"{directory}/queries.tsv", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            queries.append((parts[0], parts[1] or None))
    # Names are preprocessed once (lower case, punctuation removed), as a user would.
    choices = [utils.default_process(n) for n in names]
    times = []
    positives = at1 = at10 = negatives = false_positives = 0
    start = time.perf_counter()
    for name, expected in queries:
        t = time.perf_counter()
        found = process.extract(
            utils.default_process(name),
            choices,
            scorer=fuzz.token_sort_ratio,
            limit=50,
            score_cutoff=LINE,
        )
        # Best name per entity, ten entities.
        ranked = []
        for _, _, i in found:
            if keys[i] not in ranked:
                ranked.append(keys[i])
            if len(ranked) == 10:
                break
        times.append(time.perf_counter() - t)
        if expected is None:
            negatives += 1
            false_positives += 1 if ranked else 0
        else:
            positives += 1
            at1 += 1 if ranked[:1] == [expected] else 0
            at10 += 1 if expected in ranked else 0
    wall = time.perf_counter() - start
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, round((len(times) - 1) * p))] * 1000.0

    print(
        f"rapidfuzz (Python, process.extract token_sort_ratio over {len(names)} names): "
        f"{len(queries)} queries, {len(queries) / wall:.0f} queries/s, p50 {pct(0.5):.3f} ms, "
        f"p99 {pct(0.99):.3f} ms, recall@1 {at1 / max(positives, 1):.3f}, "
        f"recall@10 {at10 / max(positives, 1):.3f}, false positives "
        f"{100.0 * false_positives / max(negatives, 1):.1f} % ({false_positives} of {negatives}) "
        f"at >= {LINE / 100:.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
