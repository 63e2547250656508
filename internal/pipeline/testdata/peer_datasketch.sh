#!/bin/sh
# Signatures + LSH index, copydesk against Python datasketch, on one JSONL
# corpus, side by side. Usage (from the repository root):
#
#   go run ./cmd/compare synth --n 10000 -o /tmp/c10k.jsonl
#   sh internal/pipeline/testdata/peer_datasketch.sh /tmp/c10k.jsonl
#
# The Go side hashes its own 5-word shingles (UAX #29 words, normalised);
# the Python side builds 5-word shingles from lower-cased \w+ tokens. The
# timed work is the same: 128-slot MinHash per article and an LSH index at
# threshold 0.42 over all of them. datasketch is skipped, with a message,
# where it is not installed (pip install datasketch).
set -eu
corpus=${1:?usage: peer_datasketch.sh CORPUS.jsonl}
echo "== copydesk (go test -bench SignIndex, same corpus)"
COPYDESK_BENCH_JSONL=$corpus go test -run x -bench 'SignIndex' -benchtime 3x ./internal/pipeline | grep -E 'Benchmark|ok'
echo "== datasketch"
python3 - "$corpus" <<'PY'
import json, re, sys, time
try:
    from datasketch import MinHash, MinHashLSH
except ImportError:
    print("datasketch is not installed here (pip install datasketch); skipped")
    sys.exit(0)
word = re.compile(r"\w+", re.UNICODE)
docs = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        text = (a.get("title", "") + "\n\n" + a["text"]).lower()
        toks = word.findall(text)
        docs.append((a["id"], [" ".join(toks[i:i + 5]).encode() for i in range(max(1, len(toks) - 4))]))
t0 = time.perf_counter()
lsh = MinHashLSH(threshold=0.42, num_perm=128)
for key, shingles in docs:
    m = MinHash(num_perm=128)
    m.update_batch(shingles)
    lsh.insert(key, m)
dt = time.perf_counter() - t0
print(f"datasketch MinHash+MinHashLSH: {len(docs)} articles in {dt:.2f} s, {len(docs)/dt:.0f} articles/s (one core)")
PY
