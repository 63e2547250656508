package align

// Fuzz targets: the fast exact-run finder against its reference (the
// dynamic programme), and the whole verification of two arbitrary texts.
//
//	go test -run '^$' -fuzz '^FuzzExactRuns$' -fuzztime 10m -parallel 1 ./internal/align
//	go test -run '^$' -fuzz '^FuzzVerify$' -fuzztime 10m -parallel 1 ./internal/align

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/shingle"
)

// fuzzTexts builds two texts from fuzz bytes: A is a random word sequence
// over a small vocabulary, B is written by edit operations over A (copy a
// run of A's words, skip some, insert a word, jump elsewhere in A), so the
// two share long runs broken by small edits, as real copy does.
//
//	data[0]     vocabulary size, 2..33 words
//	data[1]     where A's bytes end and B's operations start
//	A's bytes   one word each: which word, and in which spelling
//	B's bytes   one operation each
func fuzzTexts(data []byte) (a, b string) {
	if len(data) < 2 {
		return "", ""
	}
	vocab := 2 + int(data[0]%32)
	split := min(2+int(data[1]), len(data))
	// Spellings that normalise to one word, and separators that are not
	// words, so runs are found on normalised words.
	word := func(k, form int) string {
		switch form % 4 {
		case 1:
			return fmt.Sprintf("W%d", k)
		case 2:
			return fmt.Sprintf("“w%d”", k)
		case 3:
			return fmt.Sprintf("w%d,", k)
		}
		return fmt.Sprintf("w%d", k)
	}
	var aw []string
	for _, c := range data[2:split] {
		aw = append(aw, word(int(c)%vocab, int(c)/vocab))
	}
	var bw []string
	cur := 0
	for _, op := range data[split:] {
		arg := int(op >> 2)
		switch op & 3 {
		case 0: // copy 1..16 words
			for n := arg%16 + 1; n > 0 && cur < len(aw); n-- {
				bw = append(bw, aw[cur])
				cur++
			}
		case 1: // skip 0..7 words
			cur = min(cur+arg%8, len(aw))
		case 2: // insert a word
			bw = append(bw, word(arg%vocab, arg/vocab))
		case 3: // jump
			cur = arg * len(aw) / 64
		}
	}
	return strings.Join(aw, " "), strings.Join(bw, " ")
}

// overCap reports whether some shingle occurs more than maxOccurrences
// times in d: exactRuns then leaves seeds out on purpose and finds only
// part of what the reference finds.
func overCap(d *Doc) bool {
	n := make(map[uint64]int)
	for _, h := range d.Shingles {
		n[h]++
		if n[h] > maxOccurrences {
			return true
		}
	}
	return false
}

// checkRuns compares exactRuns with exactRunsReference: equal when no
// shingle is over the cap; otherwise each fast run must still be a real
// common word sequence of at least a shingle's width.
func checkRuns(t *testing.T, a, b *Doc) {
	t.Helper()
	fast := exactRuns(a, b)
	if !slices.IsSortedFunc(fast, func(x, y run) int {
		if x.a != y.a {
			return x.a - y.a
		}
		return x.b - y.b
	}) {
		t.Fatalf("runs not sorted: %v", fast)
	}
	if !overCap(a) && !overCap(b) {
		if ref := exactRunsReference(a, b); !slices.Equal(fast, ref) {
			t.Fatalf("exactRuns = %v\nreference = %v\nA: %q\nB: %q", fast, ref, a.Text, b.Text)
		}
		return
	}
	for _, r := range fast {
		if r.n < width(a) || r.a < 0 || r.b < 0 || r.a+r.n > len(a.Tokens) || r.b+r.n > len(b.Tokens) {
			t.Fatalf("run %v out of range (%d and %d tokens)", r, len(a.Tokens), len(b.Tokens))
		}
		for k := range r.n {
			if a.Tokens[r.a+k].Hash != b.Tokens[r.b+k].Hash {
				t.Fatalf("run %v: word %d differs", r, k)
			}
		}
	}
}

func FuzzExactRuns(f *testing.F) {
	f.Add([]byte{4, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 60, 4, 2, 60, 1, 60})
	f.Add([]byte{31, 20, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 60, 3, 60})
	f.Add([]byte{0, 30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 60, 60})
	f.Add([]byte{8, 5, 1, 2, 3, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		ta, tb := fuzzTexts(data)
		a, b := NewDoc(ta), NewDoc(tb)
		checkRuns(t, a, b)
		checkRuns(t, b, a)
	})
}

// FuzzVerify compares two arbitrary texts and checks what Verify, its
// passages and WordDiff promise.
func FuzzVerify(f *testing.F) {
	names, err := filepath.Glob("../../testdata/crafted/*.txt")
	if err != nil || len(names) < 2 {
		f.Fatalf("crafted cases missing: %v", err)
	}
	texts := make([]string, len(names))
	for i, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		texts[i] = string(data)
	}
	for i := range texts {
		f.Add(texts[i], texts[(i+1)%len(texts)])
	}
	f.Add(`He said "we are very, very concerned about the escalation of violence" on Monday in Geneva.`,
		`“We are very, very concerned about the escalation of violence,” he said on Monday in Geneva.`)
	f.Add("Kerry arrived in Geneva on Sunday in a bid to revive a cease-fire that has all but fallen apart, officials in the city said",
		"Kerry arrived in Geneva on Sunday in an urgent bid to revive a cease-fire that has all but fallen apart")
	f.Add("", "one two three")
	f.Fuzz(func(t *testing.T, ta, tb string) {
		a, b := NewDoc(ta), NewDoc(tb)
		for _, d := range []*Doc{a, b} {
			if len(d.Quoted) != len(d.Tokens) {
				t.Fatalf("%d quote marks for %d tokens", len(d.Quoted), len(d.Tokens))
			}
			if ref := markQuotesReference(d.Text, d.Tokens); !slices.Equal(d.Quoted, ref) {
				t.Fatalf("MarkQuotes = %v, reference %v", d.Quoted, ref)
			}
		}
		checkRuns(t, a, b)
		res := Verify(a, b)
		if want := shingle.Jaccard(a.Set, b.Set); res.Jaccard != want {
			t.Fatalf("Jaccard %v, shingle.Jaccard %v", res.Jaccard, want)
		}
		for _, x := range []float64{res.Jaccard, res.AInB, res.BInA} {
			if x < 0 || x > 1 {
				t.Fatalf("score %v outside [0, 1]", x)
			}
		}
		firstCopy := res.CopyA // LongestCopy counts the canonical first text
		if !canonical(a, b) {
			firstCopy = res.CopyB
		}
		if res.CopyA > len(a.Tokens) || res.CopyB > len(b.Tokens) || res.LongestCopy > firstCopy {
			t.Fatalf("copy counts %d, %d, longest %d for %d and %d words", res.CopyA, res.CopyB, res.LongestCopy, len(a.Tokens), len(b.Tokens))
		}
		for k, p := range res.Passages {
			if k > 0 {
				q := res.Passages[k-1]
				if q.A.Start > p.A.Start || q.A.Start == p.A.Start && q.B.Start > p.B.Start {
					t.Fatalf("passages out of order: %v then %v", q, p)
				}
			}
			checkSpan(t, "A", p.A, a)
			checkSpan(t, "B", p.B, b)
			minWords := MinPassageWords
			if p.Quote {
				minWords = MinQuoteWords
			}
			if p.A.Words() < minWords || p.B.Words() < minWords {
				t.Fatalf("passage %v shorter than %d words", p, minWords)
			}
			if p.Matched < 1 || p.Matched > p.A.Words() {
				t.Fatalf("passage %v: %d words matched of %d", p, p.Matched, p.A.Words())
			}
		}
		checkDiff(t, a, b, WordDiff(a, b))
	})
}

func checkSpan(t *testing.T, side string, s Span, d *Doc) {
	t.Helper()
	if s.Start < 0 || s.End <= s.Start || s.End > len(d.Tokens) {
		t.Fatalf("%s span %v outside %d tokens", side, s, len(d.Tokens))
	}
	if s.Offset != int(d.Tokens[s.Start].Start) || s.EndOffset != int(d.Tokens[s.End-1].End) {
		t.Fatalf("%s span %v: offsets are not its tokens'", side, s)
	}
}

// checkDiff checks that a word diff walks both texts once, in order, and
// that its equal runs are equal.
func checkDiff(t *testing.T, a, b *Doc, edits []Edit) {
	t.Helper()
	i, j := 0, 0
	for _, e := range edits {
		if e.A.Start != i || e.B.Start != j {
			t.Fatalf("edit %v does not start where the last ended (%d, %d)", e, i, j)
		}
		switch e.Op {
		case Equal:
			if e.A.Words() != e.B.Words() {
				t.Fatalf("equal edit of unequal lengths: %v", e)
			}
			for k := range e.A.Words() {
				if a.Tokens[i+k].Hash != b.Tokens[j+k].Hash {
					t.Fatalf("equal edit %v: word %d differs", e, k)
				}
			}
		case Delete:
			if e.B.Words() != 0 {
				t.Fatalf("delete edit moves in B: %v", e)
			}
		case Insert:
			if e.A.Words() != 0 {
				t.Fatalf("insert edit moves in A: %v", e)
			}
		}
		if e.A.Words() > 0 {
			checkSpan(t, "A", e.A, a)
		}
		if e.B.Words() > 0 {
			checkSpan(t, "B", e.B, b)
		}
		i, j = e.A.End, e.B.End
	}
	if i != len(a.Tokens) || j != len(b.Tokens) {
		t.Fatalf("diff ends at (%d, %d), texts have %d and %d words", i, j, len(a.Tokens), len(b.Tokens))
	}
}
