package align

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/shingle"
)

// quotedWords returns the words MarkQuotes marks, joined.
func quotedWords(text string) string {
	toks := shingle.Tokens(text)
	q := MarkQuotes(text, toks)
	var out []string
	for i, t := range toks {
		if q[i] {
			out = append(out, text[t.Start:t.End])
		}
	}
	return strings.Join(out, " ")
}

func TestMarkQuotes(t *testing.T) {
	tests := []struct{ text, want string }{
		{`Toner said "we are very concerned" on Monday.`, "we are very concerned"},
		{`“We are concerned,” Toner said. “Very.”`, "We are concerned Very"},
		{`Le ministre a dit « nous sommes prêts » hier.`, "nous sommes prêts"},
		{`Er sagte „wir sind bereit“ gestern.`, "wir sind bereit"},
		{`Syria’s envoy said the talks’ next phase is ‘crucial’ now.`, "crucial"},
		{`He said "this runs on` + "\n\nA new paragraph is not quoted.", "this runs on"},
		{"“First paragraph of a long quote.\n\n“Second paragraph,” he said.", "First paragraph of a long quote Second paragraph"},
		{`No quotes at all here.`, ""},
		{`Mixed "straight and curly” marks.`, "straight and curly"},
		{`他说「停火很脆弱」。`, "停 火 很 脆 弱"},
	}
	for _, tc := range tests {
		if got := quotedWords(tc.text); got != tc.want {
			t.Errorf("%q: quoted %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestPassageChainsSmallEdits(t *testing.T) {
	// The worked example of the package comment.
	a := NewDoc("Kerry arrived in Geneva on Sunday in an urgent bid to revive a cease-fire that has all but fallen apart")
	b := NewDoc("Kerry arrived in Geneva on Sunday in a bid to revive a cease-fire that has all but fallen apart")
	ps := Passages(a, b)
	if len(ps) != 1 {
		t.Fatalf("got %d passages, want 1: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.A.Words() != 21 || p.B.Words() != 20 || p.Matched != 19 || p.Quote {
		t.Errorf("passage %+v: want 21 words in A, 20 in B, 19 matched, not a quote", p)
	}
	if got := a.Text[p.A.Offset:p.A.EndOffset]; got != a.Text {
		t.Errorf("offsets cover %q", got)
	}
	// Rewording every few words leaves nothing shared.
	c := NewDoc("Kerry landed in Geneva Sunday on an urgent mission to rescue a truce that has nearly collapsed")
	if ps := Passages(a, c); len(ps) != 0 {
		t.Errorf("rewrite shares %+v", ps)
	}
}

func TestLongestCopyCountsTheCanonicalText(t *testing.T) {
	// short is aligned first (fewer words); its side of the passage has
	// the inserted "urgent", one word more than long's side.
	short := NewDoc("Kerry arrived in Geneva on Sunday in an urgent bid to revive a cease-fire that has all but fallen apart")
	long := NewDoc("Kerry arrived in Geneva on Sunday in a bid to revive a cease-fire that has all but fallen apart, officials in the city said")
	for _, r := range []Result{Verify(short, long), Verify(long, short)} {
		if r.LongestCopy != 21 {
			t.Errorf("LongestCopy %d, want 21 (the short text's side) whichever comes first", r.LongestCopy)
		}
	}
	if r := Verify(long, short); r.CopyA != 20 || r.CopyB != 21 {
		t.Errorf("copy counts %d and %d, want 20 and 21", r.CopyA, r.CopyB)
	}
}

func TestSharedQuoteIsNotCopy(t *testing.T) {
	a := NewDoc(`The envoy said: "We did raise and discuss the importance of protecting and maintaining and supporting the cessation of hostilities which is fragile," after the meeting in Damascus.`)
	b := NewDoc(`The envoy also said he raised the importance “of protecting and maintaining and supporting the cessation of hostilities”, describing it as fragile.`)
	r := Verify(a, b)
	if r.Copies() != 0 || r.Quotes() != 1 || r.CopyA != 0 {
		t.Fatalf("want one shared quote and no copy, got %+v", r)
	}
	q := r.Passages[0]
	if got := b.Text[q.B.Offset:q.B.EndOffset]; !strings.Contains(got, "protecting and maintaining and supporting the cessation of hostilities") {
		t.Errorf("quote span %q", got)
	}
}

func TestSeedsShareQuotesNotCopy(t *testing.T) {
	r := article.Reader{}
	arts, err := r.Load(context.Background(), []string{"../../testdata/seeds/000_08576e51c568a16f.txt", "../../testdata/seeds/002_c2773ce956bb0ff3.txt"})
	if err != nil || len(arts) != 2 {
		t.Fatal(err)
	}
	a, b := NewDoc(arts[0].Title+"\n\n"+arts[0].Body), NewDoc(arts[1].Title+"\n\n"+arts[1].Body)
	res := Verify(a, b)
	if res.CopyA != 0 {
		t.Errorf("seeds 000 and 002 share %d words of copy", res.CopyA)
	}
	var quotes []string
	for _, p := range res.Passages {
		quotes = append(quotes, b.Text[p.B.Offset:p.B.EndOffset])
	}
	for _, want := range []string{"of protecting and maintaining and supporting the cessation of hostilities", "need to make sure that it continues to be sustained"} {
		found := false
		for _, q := range quotes {
			found = found || strings.Contains(q, want)
		}
		if !found {
			t.Errorf("shared quote %q not found in %q", want, quotes)
		}
	}
}

// docOf builds a Doc straight from word ids, for random tests.
func docOf(ids []int) *Doc {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "w%d", id)
	}
	return NewDoc(b.String())
}

// randomPair makes two word sequences that share some copied stretches,
// from a small vocabulary so chance matches happen too.
func randomPair(r *rand.Rand) (a, b []int) {
	vocab := 3 + r.IntN(40)
	word := func() int { return r.IntN(vocab) }
	for range r.IntN(120) {
		a = append(a, word())
	}
	for range r.IntN(120) {
		if len(a) > 0 && r.IntN(10) == 0 {
			s := r.IntN(len(a))
			e := min(len(a), s+r.IntN(20))
			b = append(b, a[s:e]...)
		}
		b = append(b, word())
	}
	return a, b
}

// capped reports whether some shingle repeats more often than the fast
// version follows it.
func capped(d *Doc) bool {
	count := map[uint64]int{}
	for _, h := range d.Shingles {
		count[h]++
		if count[h] > maxOccurrences {
			return true
		}
	}
	return false
}

func TestExactRunsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	checked := 0
	for range 2000 {
		x, y := randomPair(r)
		a, b := docOf(x), docOf(y)
		if capped(a) || capped(b) {
			continue
		}
		checked++
		fast, ref := exactRuns(a, b), exactRunsReference(a, b)
		if !slices.Equal(fast, ref) {
			t.Fatalf("a=%v\nb=%v\nfast %v\nref  %v", x, y, fast, ref)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d cases under the occurrence cap", checked)
	}
}

func TestWordDiff(t *testing.T) {
	a := NewDoc("The U.S. said the truce was holding in Aleppo.")
	b := NewDoc("The US said the fragile truce was holding.")
	var ops []string
	for _, e := range WordDiff(a, b) {
		switch e.Op {
		case Equal:
			ops = append(ops, "="+b.Text[e.B.Offset:e.B.EndOffset])
		case Delete:
			ops = append(ops, "-"+a.Text[e.A.Offset:e.A.EndOffset])
		case Insert:
			ops = append(ops, "+"+b.Text[e.B.Offset:e.B.EndOffset])
		}
	}
	want := []string{"=The US said the", "+fragile", "=truce was holding", "-in Aleppo"}
	if !slices.Equal(ops, want) {
		t.Errorf("diff %q, want %q", ops, want)
	}
}

// benchPairs are a syndicated pair (most words shared) and two independent
// seed reports (almost nothing shared).
func benchPairs(b *testing.B) map[string][2]*Doc {
	r := article.Reader{}
	load := func(x, y string) [2]*Doc {
		arts, err := r.Load(context.Background(), []string{x, y})
		if err != nil || len(arts) != 2 {
			b.Fatal(err)
		}
		return [2]*Doc{NewDoc(arts[0].Body), NewDoc(arts[1].Body)}
	}
	return map[string][2]*Doc{
		"duplicate": load("../../testdata/crafted/wire.txt", "../../testdata/crafted/syndicated.txt"),
		"story":     load("../../testdata/seeds/000_08576e51c568a16f.txt", "../../testdata/seeds/004_8a9ac7a1983d502c.txt"),
	}
}

// BenchmarkPassages is copydesk's aligner; BenchmarkWordDiffLibrary finds
// the common words of the same pairs with go-diff (Myers), the library
// route to the same question.
func BenchmarkPassages(b *testing.B) {
	for name, p := range benchPairs(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Passages(p[0], p[1])
			}
		})
	}
}

func BenchmarkWordDiffLibrary(b *testing.B) {
	for name, p := range benchPairs(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				WordDiff(p[0], p[1])
			}
		})
	}
}

func BenchmarkVerifyDuplicate(b *testing.B) {
	r := article.Reader{}
	arts, err := r.Load(context.Background(), []string{"../../testdata/crafted/wire.txt", "../../testdata/crafted/syndicated.txt"})
	if err != nil {
		b.Fatal(err)
	}
	x, y := NewDoc(arts[0].Body), NewDoc(arts[1].Body)
	for b.Loop() {
		Verify(x, y)
	}
}

// Verify's shortcut (no shared shingle: cosine only) gives the full
// verification's result, on pairs that share shingles and pairs that do not.
func TestVerifyShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	none, some := 0, 0
	for range 2000 {
		x, y := randomPair(r)
		if r.IntN(2) == 0 { // a disjoint vocabulary: no shared shingle
			for k := range y {
				y[k] += 1000
			}
		}
		a, b := docOf(x), docOf(y)
		a.Vector = shingle.NewVector(shingle.Terms(a.Text, a.Tokens), &shingle.DF{N: 2})
		b.Vector = shingle.NewVector(shingle.Terms(b.Text, b.Tokens), &shingle.DF{N: 2})
		got := Verify(a, b)
		want, _ := verifySymmetric(context.Background(), a, b)
		if shingle.Meet(a.Set, b.Set) {
			some++
		} else {
			none++
		}
		if shingle.Meet(a.Set, b.Set) != (shingle.Intersect(a.Set, b.Set) > 0) {
			t.Fatalf("Meet disagrees with Intersect: a=%v b=%v", x, y)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("a=%v\nb=%v\nVerify %+v\nfull   %+v", x, y, got, want)
		}
	}
	if none < 500 || some < 500 {
		t.Fatalf("%d pairs without shared shingles, %d with: both sides must be exercised", none, some)
	}
}

// occurrences gives shingle.Set and, per shingle, its first maxOccurrences
// positions in text order: for mixed hashes (one or two a bucket), for
// repeats, and for unmixed values that all fall in one bucket.
func TestOccurrences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	inputs := [][]uint64{nil, {7}, {3, 3, 3}, {1 << 63, 1, 1 << 63, 0}}
	for n := range 300 {
		mixed := make([]uint64, n)
		small := make([]uint64, n)
		for i := range mixed {
			mixed[i] = rng.Uint64()
			if i > 0 && rng.IntN(4) == 0 {
				mixed[i] = mixed[rng.IntN(i)] // a repeat
			}
			small[i] = uint64(rng.IntN(1 + n/3))
		}
		inputs = append(inputs, mixed, small)
	}
	for _, sh := range inputs {
		set, start, pos := occurrences(sh)
		if want := shingle.Set(sh); !slices.Equal(set, want) {
			t.Fatalf("%v: set %v, want %v", sh, set, want)
		}
		if len(sh) == 0 {
			continue
		}
		if len(start) != len(set)+1 || int(start[len(set)]) != len(pos) {
			t.Fatalf("%v: %d starts for %d shingles, %d positions", sh, len(start), len(set), len(pos))
		}
		for k, h := range set {
			var want []int32
			for i, x := range sh {
				if x == h && len(want) < maxOccurrences {
					want = append(want, int32(i))
				}
			}
			if got := pos[start[k]:start[k+1]]; !slices.Equal(got, want) {
				t.Fatalf("%v: shingle %d at %v, want %v", sh, h, got, want)
			}
		}
	}
}

// PublishedOrder puts a text first only when it was published before the
// other whatever instants their stated times stand for: a date alone is
// some time that day.
func TestPublishedOrder(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	instant := func(s string) When { return When{At: at(s)} }
	day := func(s string) When { return When{At: at(s + "T00:00:00Z"), Within: 24 * time.Hour} }
	for _, c := range []struct {
		a, b When
		want Order
	}{
		{instant("2026-05-03T09:10:00Z"), instant("2026-05-03T11:25:00Z"), AFirst},
		{instant("2026-05-03T11:25:00Z"), instant("2026-05-03T09:10:00Z"), BFirst},
		{instant("2026-05-03T09:10:00Z"), instant("2026-05-03T09:10:00Z"), Undated},
		{instant("2026-05-03T09:10:00Z"), When{}, Undated},
		{When{}, When{}, Undated},
		{day("2026-05-03"), instant("2026-05-03T10:00:00Z"), Undated},
		{instant("2026-05-03T10:00:00Z"), day("2026-05-03"), Undated},
		{day("2026-05-03"), instant("2026-05-04T00:00:00Z"), AFirst},
		{instant("2026-05-02T23:59:00Z"), day("2026-05-03"), AFirst},
		{day("2026-05-03"), day("2026-05-03"), Undated},
		{day("2026-05-04"), day("2026-05-03"), BFirst},
	} {
		if got := PublishedOrder(c.a, c.b); got != c.want {
			t.Errorf("PublishedOrder(%v+%v, %v+%v) = %d, want %d", c.a.At, c.a.Within, c.b.At, c.b.Within, got, c.want)
		}
	}
}
