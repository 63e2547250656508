package align

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/shingle"
)

// digitTable returns about size bytes of a results table over a vocabulary of
// ten words: rows of single digits, as lottery or sports results print. Two
// such tables share most of their 5-word shingles, each many times over.
func digitTable(size int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var sb strings.Builder
	for sb.Len() < size {
		for range 12 {
			sb.WriteByte(byte('0' + r.IntN(10)))
			sb.WriteByte(' ')
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// BenchmarkVerifyLowVocab aligns two unrelated 512 KB digit tables, the
// pair whose passage chaining used to be quadratic (256 KB: 33 s; 512 KB
// never finished). Issue 21 asks for under 2 s on one core:
//
//	go test -run '^$' -bench VerifyLowVocab -cpu 1 -count 5 ./internal/align
func BenchmarkVerifyLowVocab(b *testing.B) {
	x, y := NewDoc(digitTable(512<<10, 1)), NewDoc(digitTable(512<<10, 2))
	b.ResetTimer()
	for b.Loop() {
		Verify(x, y)
	}
}

// TestChainWorkLinear checks that chaining examines a bounded number of
// earlier chains per piece, whatever the length of two unrelated digit
// tables: chaining every piece against every chain made the work grow with
// the square of the pieces. (The pieces themselves grow faster than the
// texts until the tables hold most 5-digit shingles, then linearly, as
// maxOccurrences caps each shingle's seeds.)
func TestChainWorkLinear(t *testing.T) {
	for _, size := range []int{16 << 10, 64 << 10, 128 << 10} {
		a, b := NewDoc(digitTable(size, 1)), NewDoc(digitTable(size, 2))
		pieces := len(exactRuns(a, b))
		steps := 0
		chainProbe = func() { steps++ }
		Passages(a, b)
		chainProbe = nil
		t.Logf("%d KB: %d runs, %d chains examined", size>>10, pieces, steps)
		if steps > maxChainsPerPiece*pieces {
			t.Errorf("%d KB: %d chains examined for %d runs, want at most %d a run",
				size>>10, steps, pieces, maxChainsPerPiece)
		}
	}
}

// maxChainsPerPiece bounds the chains one piece is compared with: those
// ending at one of the MaxGap+shingle.N+1 places it can follow, and at most
// maxOccurrences runs (so chains) end at one place of A. Measured on digit
// tables: 0.9 a run at 16 KB, 3.8 at 64 KB, 15 at 256 KB, 58 at 1 MiB, 79 at 2 MiB.
const maxChainsPerPiece = (MaxGap + shingle.N + 1) * maxOccurrences

// TestVerifyContextStops cancels the alignment of two 512 KB digit tables
// while it runs: VerifyContext must return the context's error within a
// second of the cancel.
func TestVerifyContextStops(t *testing.T) {
	a, b := NewDoc(digitTable(512<<10, 1)), NewDoc(digitTable(512<<10, 2))
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancelled = time.Now()
		cancel()
	}()
	_, err := VerifyContext(ctx, a, b)
	if err == nil {
		t.Skip("the alignment finished before the cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("VerifyContext returned %v after the cancel, want under 1 s", d)
	}
}

// chainReference is the oracle for chain: every piece compared with every
// chain made so far, as chaining was first written (quadratic in the
// pieces).
func chainReference(pieces []Passage) []Passage {
	var out []Passage
	for _, p := range pieces {
		best, bestGap := -1, 0
		for k := range out {
			q := &out[k]
			if q.Quote != p.Quote || q.A.End+MaxGap < p.A.Start {
				continue
			}
			ga, gb := p.A.Start-q.A.End, p.B.Start-q.B.End
			if ga < -shingle.N || gb < -shingle.N || ga > MaxGap || gb > MaxGap || abs(ga-gb) > MaxSkew {
				continue
			}
			if p.A.Start < q.A.Start || p.B.Start < q.B.Start {
				continue
			}
			if g := max(ga, 0) + max(gb, 0); best < 0 || g < bestGap {
				best, bestGap = k, g
			}
		}
		if best < 0 {
			out = append(out, p)
			continue
		}
		q := &out[best]
		q.Matched += p.A.End - max(p.A.Start, q.A.End)
		q.A.End = max(q.A.End, p.A.End)
		q.B.End = max(q.B.End, p.B.End)
	}
	return out
}

// FuzzChainLowVocab chains the pieces of two texts over a vocabulary of 2
// to 33 words (fuzzTexts: B edited from A, quoted spellings among the words)
// and checks chain against chainReference, in both directions.
//
//	go test -run '^$' -fuzz '^FuzzChainLowVocab$' -fuzztime 10m -parallel 1 ./internal/align
func FuzzChainLowVocab(f *testing.F) {
	f.Add([]byte{1, 200, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 60, 5, 60, 2, 60, 128, 60})
	f.Add([]byte{3, 60, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 9, 13, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 60, 4, 60, 2, 60, 1, 60})
	f.Add([]byte{0, 30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 60, 60})
	f.Fuzz(func(t *testing.T, data []byte) {
		ta, tb := fuzzTexts(data)
		for _, d := range [][2]*Doc{{NewDoc(ta), NewDoc(tb)}, {NewDoc(tb), NewDoc(ta)}} {
			a, b := d[0], d[1]
			pieces := cut(a, b, exactRuns(a, b))
			want := chainReference(slices.Clone(pieces))
			got, err := chain(context.Background(), pieces, len(a.Tokens))
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("chain = %v, %v\nreference %v\nA: %q\nB: %q", got, err, want, a.Text, b.Text)
			}
		}
	})
}

// FuzzWordDiff checks that WordDiff walks both texts once, in order, with
// equal runs that are equal, on texts of a small vocabulary where many
// alignments tie.
//
//	go test -run '^$' -fuzz '^FuzzWordDiff$' -fuzztime 10m -parallel 1 ./internal/align
func FuzzWordDiff(f *testing.F) {
	f.Add([]byte{4, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 60, 4, 2, 60, 1, 60})
	f.Add([]byte{1, 20, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 60, 7, 60})
	f.Add([]byte{8, 5, 1, 2, 3, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		ta, tb := fuzzTexts(data)
		a, b := NewDoc(ta), NewDoc(tb)
		checkDiff(t, a, b, WordDiff(a, b))
		checkDiff(t, b, a, WordDiff(b, a))
	})
}

// TestVerifySymmetric aligns pairs of low-vocabulary texts (fuzzTexts from
// random bytes), published at random hours or undated, both ways round:
// Verify(b, a) is Verify(a, b) mirrored, which text came first included.
// (Passages chain in the first text's order, so the two orders can differ.)
func TestVerifySymmetric(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 8))
	published := func() When {
		if h := r.IntN(4); h > 0 {
			return When{At: time.Date(2026, 5, 3, h, 0, 0, 0, time.UTC)}
		}
		return When{}
	}
	firsts := map[Order]int{}
	for range 2000 {
		data := make([]byte, 2+r.IntN(300))
		for k := range data {
			data[k] = byte(r.UintN(256))
		}
		ta, tb := fuzzTexts(data)
		a, b := NewDoc(ta), NewDoc(tb)
		a.Published, b.Published = published(), published()
		ab, ba := Verify(a, b), Verify(b, a)
		firsts[ab.First]++
		if want := PublishedOrder(a.Published, b.Published); ab.First != want {
			t.Fatalf("First = %d, want %d (A at %v, B at %v)", ab.First, want, a.Published, b.Published)
		}
		if !reflect.DeepEqual(ab, ba.swapped()) {
			t.Fatalf("Verify(a, b) = %+v\nVerify(b, a) mirrored = %+v\nA: %q\nB: %q", ab, ba.swapped(), ta, tb)
		}
	}
	if firsts[Undated] == 0 || firsts[AFirst] == 0 || firsts[BFirst] == 0 {
		t.Errorf("orders seen: %v, want each", firsts)
	}
}
