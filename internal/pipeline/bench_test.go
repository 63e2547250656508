package pipeline

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"runtime"
	"sync"
	"testing"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
	"github.com/copydesk/copydesk/internal/synth"
)

// benchCorpus is 10,000 synthetic articles (seed 1) as JSONL, made once,
// or the JSONL file named by $COPYDESK_BENCH_JSONL (how
// testdata/peer_datasketch.sh runs both tools on one corpus).
var benchCorpus = sync.OnceValue(func() []byte {
	if path := os.Getenv("COPYDESK_BENCH_JSONL"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		return data
	}
	var c, t bytes.Buffer
	if err := synth.Write(context.Background(), 10000, 1, &c, &t); err != nil {
		panic(err)
	}
	return c.Bytes()
})

// BenchmarkEndToEnd10k is compare clusters minus the output: read and
// parse the JSONL, prepare, find candidates, verify, group. articles/s is
// the throughput.
func BenchmarkEndToEnd10k(b *testing.B) {
	data := benchCorpus()
	for _, story := range []bool{false, true} {
		name := "copy"
		if story {
			name = "story"
		}
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				r := article.Reader{Stdin: bytes.NewReader(data), Workers: runtime.GOMAXPROCS(0)}
				res, err := Stream(context.Background(), func(emit func(article.Article) error) error {
					return r.Read(context.Background(), []string{"-"}, emit)
				}, Options{Story: story})
				if err != nil {
					b.Fatal(err)
				}
				res.Groups(levelFor(story))
				n = len(res.IDs)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
			b.SetBytes(int64(len(data)))
		})
	}
}

// BenchmarkFloor is the least a copy run must do, the yardstick its
// stages are measured against (BENCHMARKS.md): split the JSONL into lines
// and sign each line as it is (tokens, shingles, signature, band keys), on
// every core, then index the band keys. No JSON parsing, cleaning,
// anchors, verification or grouping. Compare its articles/s with
// BenchmarkEndToEnd10k/copy's on the same corpus ($COPYDESK_BENCH_JSONL
// for a larger one).
func BenchmarkFloor(b *testing.B) {
	data := benchCorpus()
	var n int
	for b.Loop() {
		lines := bytes.Split(bytes.TrimSpace(data), []byte{'\n'})
		candidate.LSH.Find(bandsOnEveryCore(len(lines), func(i int) string { return string(lines[i]) }))
		n = len(lines)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.SetBytes(int64(len(data)))
}

// signBands is the LSH band keys of text t: tokens, shingles, signature.
func signBands(t string) []uint64 {
	sig := shingle.Sign(shingle.Shingles(shingle.Tokens(t)))
	return shingle.BandKeys(&sig)
}

// bandsOnEveryCore signs text(i) for every i < n, on every core.
func bandsOnEveryCore(n int, text func(int) string) [][]uint64 {
	bands := make([][]uint64, n)
	var wg sync.WaitGroup
	w := runtime.GOMAXPROCS(0)
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += w {
				bands[i] = signBands(text(i))
			}
		}()
	}
	wg.Wait()
	return bands
}

// benchTexts is the compared text of each article of benchCorpus.
var benchTexts = sync.OnceValue(func() []string {
	var out []string
	r := article.Reader{Stdin: bytes.NewReader(benchCorpus())}
	r.Read(context.Background(), []string{"-"}, func(a article.Article) error {
		out = append(out, Text(&a))
		return nil
	})
	return out
})

// BenchmarkSignIndex compares the signature and index step with
// github.com/ekzhu/minhash-lsh on the same 10,000 articles and the same
// 5-word shingles: from text to an index that answers "which articles
// share a band" (copydesk: tokens, shingles, 128-slot OPH signature, 32
// band keys, candidate.LSH.Find; ekzhu: tokens, shingles, 128-hash MinHash,
// MinhashLSH Add and Index at the same threshold). copydesk-1core is the
// same work on one goroutine; minhash-lsh has no parallel mode.
func BenchmarkSignIndex(b *testing.B) {
	texts := benchTexts()
	b.Run("copydesk", func(b *testing.B) {
		for b.Loop() {
			candidate.LSH.Find(bandsOnEveryCore(len(texts), func(i int) string { return texts[i] }))
		}
		b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	})
	b.Run("copydesk-1core", func(b *testing.B) {
		for b.Loop() {
			bands := make([][]uint64, len(texts))
			for i, t := range texts {
				bands[i] = signBands(t)
			}
			candidate.LSH.Find(bands)
		}
		b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	})
	// From shingles: the signature and index step alone, tokenising (the
	// same code for both, and most of the time above) left out.
	shingles := make([][]uint64, len(texts))
	for i, t := range texts {
		shingles[i] = shingle.Shingles(shingle.Tokens(t))
	}
	b.Run("from-shingles/copydesk-1core", func(b *testing.B) {
		for b.Loop() {
			bands := make([][]uint64, len(shingles))
			for i, sh := range shingles {
				sig := shingle.Sign(sh)
				bands[i] = shingle.BandKeys(&sig)
			}
			candidate.LSH.Find(bands)
		}
		b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	})
	b.Run("from-shingles/ekzhu-minhash-lsh", func(b *testing.B) {
		for b.Loop() {
			lsh := minhashlsh.NewMinhashLSH64(shingle.K, 0.42)
			var buf [8]byte
			for i, sh := range shingles {
				mh := minhashlsh.NewMinhash(1, shingle.K)
				for _, s := range sh {
					binary.LittleEndian.PutUint64(buf[:], s)
					mh.Push(buf[:])
				}
				lsh.Add(i, mh.Signature())
			}
			lsh.Index()
		}
		b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	})
	b.Run("ekzhu-minhash-lsh", func(b *testing.B) {
		for b.Loop() {
			lsh := minhashlsh.NewMinhashLSH64(shingle.K, 0.42)
			var buf [8]byte
			for i, t := range texts {
				mh := minhashlsh.NewMinhash(1, shingle.K)
				for _, s := range shingle.Shingles(shingle.Tokens(t)) {
					binary.LittleEndian.PutUint64(buf[:], s)
					mh.Push(buf[:])
				}
				lsh.Add(i, mh.Signature())
			}
			lsh.Index()
		}
		b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	})
}

func levelFor(story bool) cluster.Level {
	if story {
		return cluster.StoryLvl
	}
	return cluster.Copy
}
