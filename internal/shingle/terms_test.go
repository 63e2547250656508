package shingle

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// TestTwelveByteTerms: a Term and a Weight take 12 bytes (a story run
// holds one of each for every term of every article), and their hash
// survives the split into halves.
func TestTwelveByteTerms(t *testing.T) {
	if n := unsafe.Sizeof(Term{}); n != 12 {
		t.Errorf("Term takes %d bytes, want 12", n)
	}
	if n := unsafe.Sizeof(Weight{}); n != 12 {
		t.Errorf("Weight takes %d bytes, want 12", n)
	}
	for _, h := range []uint64{0, 1, 1 << 32, 0xfedcba98_76543210, ^uint64(0)} {
		if got := NewTerm(h, 3).Hash(); got != h {
			t.Errorf("NewTerm(%#x).Hash() = %#x", h, got)
		}
		if got := NewWeight(h, 0.5).Hash(); got != h {
			t.Errorf("NewWeight(%#x).Hash() = %#x", h, got)
		}
	}
}

func termCount(terms []Term, h uint64) int32 {
	for _, t := range terms {
		if t.Hash() == h {
			return t.Count
		}
	}
	return 0
}

func TestTermsNameFeatures(t *testing.T) {
	text := "Actress Tara Reid entered rehab in Malibu on June 13, 2013.\nRehab is costly. \"Reid is fine,\" said Jack Ketsoyan. THE END of rehab"
	terms := Terms(text, Tokens(text))
	for _, c := range []struct {
		word string
		name int32 // name-feature count wanted
	}{
		{"tara", nameWeight - 1}, {"reid", nameWeight - 1}, // the second Reid opens a quoted sentence
		{"malibu", nameWeight - 1}, {"2013", nameWeight - 1}, {"13", nameWeight - 1}, {"ketsoyan", nameWeight - 1},
		{"actress", 0}, // opens the text
		{"rehab", 0},   // opens a line and a sentence, else lower case
		{"end", 0},     // all capitals
	} {
		if got := termCount(terms, NameFeature(HashWord(c.word))); got != c.name {
			t.Errorf("%s: name feature counted %d times, want %d", c.word, got, c.name)
		}
	}
	if got := termCount(terms, HashWord("reid")); got != 2 {
		t.Errorf("reid counted %d times as a word, want 2", got)
	}
	bigram := mix(NameFeature(HashWord("tara"))*31 ^ NameFeature(HashWord("reid")))
	if termCount(terms, bigram) != 1 {
		t.Error("no feature for the adjacent names Tara Reid")
	}
	// A different Reid shares the name but not the full name.
	other := "Actress Kim Reid left rehab."
	if termCount(Terms(other, Tokens(other)), bigram) != 0 {
		t.Error("Kim Reid shares the Tara Reid feature")
	}
}

func TestTermsCaselessScript(t *testing.T) {
	text := "قال المتحدث إن 270 شخصا قتلوا"
	terms := Terms(text, Tokens(text))
	if termCount(terms, NameFeature(HashWord("270"))) != nameWeight-1 {
		t.Error("a figure in Arabic text is not a name feature")
	}
	if termCount(terms, NameFeature(HashWord("المتحدث"))) != 0 {
		t.Error("an Arabic word (no case) counted as a name")
	}
}

// topReference is Top as it was: sort a copy of v, take the first n.
func topReference(v Vector, n int) []uint64 {
	s := slices.Clone(v)
	slices.SortFunc(s, func(a, b Weight) int {
		if a.W != b.W {
			if a.W > b.W {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Hash(), b.Hash())
	})
	out := []uint64{}
	for _, w := range s[:min(max(n, 0), len(s))] {
		out = append(out, w.Hash())
	}
	return out
}

// TestTopMatchesSort: Top keeps the same terms in the same order as
// sorting, on random vectors with many tied weights, short and long, for
// n below, at and above their length.
func TestTopMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	for range 20000 {
		v := make(Vector, rng.IntN(300))
		for i := range v {
			v[i] = NewWeight(rng.Uint64()>>rng.IntN(60), float32(rng.IntN(8))/7)
		}
		slices.SortFunc(v, func(a, b Weight) int { return cmp.Compare(a.Hash(), b.Hash()) })
		v = slices.CompactFunc(v, func(a, b Weight) bool { return a.Hash() == b.Hash() })
		// The reference for every n is a prefix of the whole sorted vector:
		// sorted once, not once per n.
		sorted := topReference(v, len(v))
		for _, n := range []int{0, 1, 5, 20, len(v), len(v) + 3} {
			if got, want := v.Top(n), sorted[:min(n, len(sorted))]; !slices.Equal(got, want) {
				t.Fatalf("Top(%d) of %v:\n got %v\nwant %v", n, v, got, want)
			}
		}
	}
}

func BenchmarkTop(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make(Vector, 300)
	for i := range v {
		v[i] = NewWeight(uint64(i)*0x9e3779b97f4a7c15, rng.Float32())
	}
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			v.Top(20)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			topReference(v, 20)
		}
	})
}
