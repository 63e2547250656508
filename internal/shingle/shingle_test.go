package shingle

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

func normWords(text string) []string {
	var out []string
	for _, t := range Tokens(text) {
		out = append(out, Normalize(text[t.Start:t.End]))
	}
	return out
}

func TestTokensOffsetsAndNormalisation(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"The U.S. and Russia’s “cessation” — 270,000 dead.", "the us and russia's cessation 270000 dead"},
		{"Kerry's cease-fire; Kerry’s cease–fire", "kerry's cease fire kerry's cease fire"},
		{"ＡＦＰ reported 3.5 percent", "afp reported 3.5 percent"},
		{"قـــال المبعوث الأممي إن الهدنة هشة", "قال المبعوث الأممي إن الهدنة هشة"},
		{"وَقَالَ", "وقال"},
		{"Генсек ООН призвал к перемирию", "генсек оон призвал к перемирию"},
		{"Dışişleri Bakanı açıklama yaptı", "dışişleri bakanı açıklama yaptı"},
		{"叙利亚停火协议", "叙 利 亚 停 火 协 议"},
		{"   ... !!! ", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got := strings.Join(normWords(tc.text), " ")
		if got != tc.want {
			t.Errorf("Tokens(%q) = %q, want %q", tc.text, got, tc.want)
		}
		// Offsets are in order, inside the text and on word boundaries.
		prev := int32(0)
		for _, tok := range Tokens(tc.text) {
			if tok.Start < prev || tok.End <= tok.Start || int(tok.End) > len(tc.text) {
				t.Fatalf("%q: bad offsets %d..%d after %d", tc.text, tok.Start, tok.End, prev)
			}
			prev = tok.End
		}
	}
}

func TestSpellingVariantsHashEqual(t *testing.T) {
	pairs := [][2]string{{"U.S.", "US"}, {"Syria’s", "Syria's"}, {"270,000", "270000"}, {"ＡＦＰ", "afp"}, {"قـال", "قال"}}
	for _, p := range pairs {
		if HashWord(p[0]) != HashWord(p[1]) {
			t.Errorf("%q and %q hash differently", p[0], p[1])
		}
	}
	if HashWord("3.5") == HashWord("35") {
		t.Error("3.5 and 35 hash equal")
	}
}

func TestShingles(t *testing.T) {
	toks := Tokens("one two three four five six seven")
	sh := Shingles(toks)
	if len(sh) != 3 {
		t.Fatalf("7 words give %d shingles, want 3", len(sh))
	}
	// The same five words give the same shingle wherever they stand.
	other := Shingles(Tokens("zero, One two THREE four five!"))
	if other[1] != sh[0] {
		t.Error("equal 5-word runs hash differently")
	}
	if got := Shingles(Tokens("just three words")); len(got) != 1 {
		t.Errorf("a short text gives %d shingles, want 1", len(got))
	}
	if Shingles(nil) != nil {
		t.Error("no tokens should give no shingles")
	}
}

// randomSets returns two shingle sets with the given Jaccard similarity.
func randomSets(r *rand.Rand, size int, j float64) ([]uint64, []uint64) {
	// |A∩B| = s, |A| = |B| = size: J = s / (2·size − s).
	s := int(math.Round(2 * float64(size) * j / (1 + j)))
	common := make([]uint64, s)
	for i := range common {
		common[i] = r.Uint64()
	}
	a := append([]uint64(nil), common...)
	b := append([]uint64(nil), common...)
	for len(a) < size {
		a = append(a, r.Uint64())
	}
	for len(b) < size {
		b = append(b, r.Uint64())
	}
	return a, b
}

func TestMinHashEstimatesJaccard(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, j := range []float64{0, 0.2, 0.5, 0.8, 1} {
		var sumErr float64
		const trials = 200
		for range trials {
			a, b := randomSets(r, 600, j)
			sa, sb := Sign(a), Sign(b)
			exact := Jaccard(Set(a), Set(b))
			sumErr += sa.Similarity(&sb) - exact
		}
		// The estimator is unbiased: the mean error over 200 trials is
		// within a few standard errors of 0 (σ ≈ sqrt(J(1−J)/128/200)).
		bias := sumErr / trials
		if math.Abs(bias) > 0.02 {
			t.Errorf("J=%.1f: mean estimate error %.3f", j, bias)
		}
	}
}

func TestSignatureDensifiesShortTexts(t *testing.T) {
	sig := Sign([]uint64{42})
	for i, v := range sig {
		if v == empty {
			t.Fatalf("slot %d empty after densification", i)
		}
	}
	if e := Sign(nil); BandKeys(&e) != nil {
		t.Error("an empty text must have no band keys")
	}
}

func TestBandKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := randomSets(r, 600, 0.9)
	_, c := randomSets(r, 600, 0)
	sa, sb, sc := Sign(a), Sign(b), Sign(c)
	ka, kb, kc := BandKeys(&sa), BandKeys(&sb), BandKeys(&sc)
	if len(ka) != Bands {
		t.Fatalf("%d band keys, want %d", len(ka), Bands)
	}
	shared := func(x, y []uint64) int {
		n := 0
		for i := range x {
			if x[i] == y[i] {
				n++
			}
		}
		return n
	}
	// At J=0.9 a band matches with probability 0.9^4 ≈ 0.66.
	if n := shared(ka, kb); n < 10 {
		t.Errorf("J=0.9 pair shares %d of %d bands", n, Bands)
	}
	if n := shared(ka, kc); n != 0 {
		t.Errorf("disjoint pair shares %d bands", n)
	}
}

func TestAnchorsAreContentDefined(t *testing.T) {
	passage := "the shared passage of wire copy that two outlets both printed word for word in their own stories today, " +
		"after the ministry confirmed that the talks would resume on Wednesday in the presence of both delegations and " +
		"observers from the regional bloc, who had spent the weekend drafting a new text for the ceasefire agreement"
	wire := Anchors(Shingles(Tokens("Alpha beta gamma delta epsilon zeta eta theta iota kappa. " + passage + ". Lambda mu nu xi.")))
	other := Anchors(Shingles(Tokens("An outlet's own words around it, quite different: " + passage + ", and then more of its own to close.")))
	inner := Anchors(Shingles(Tokens(passage)))
	// ~55 shingles winnow to ~12 anchors; every one of them must stand in
	// both texts, whatever surrounds the passage.
	if len(inner) < 2 {
		t.Fatalf("passage of 57 words has %d anchors", len(inner))
	}
	for _, h := range inner {
		if !Contains(wire, h) || !Contains(other, h) {
			t.Errorf("anchor %x of the passage missing from a text that carries it", h)
		}
	}
}

func TestTermsAndCosine(t *testing.T) {
	text := "The ceasefire in Aleppo held. The ceasefire is fragile, said the envoy."
	toks := Tokens(text)
	terms := Terms(text, toks)
	for _, tm := range terms {
		if IsStopword(tm.Hash()) {
			t.Error("stopword kept as a term")
		}
	}
	var count int32
	for _, tm := range terms {
		if tm.Hash() == HashWord("ceasefire") {
			count = tm.Count
		}
	}
	if count != 2 {
		t.Errorf("ceasefire counted %d times, want 2", count)
	}
	var df DF
	other := "Floods closed schools across the south."
	df.Add(terms)
	df.Add(Terms(other, Tokens(other)))
	v := NewVector(terms, &df)
	if c := Cosine(v, v); math.Abs(c-1) > 1e-6 {
		t.Errorf("self cosine %f", c)
	}
	w := NewVector(Terms(other, Tokens(other)), &df)
	if c := Cosine(v, w); c != 0 {
		t.Errorf("disjoint cosine %f", c)
	}
}

// article600 is a 600-word news text (seed 000 of testdata).
func article600(tb testing.TB) string {
	b, err := os.ReadFile("../../testdata/seeds/000_08576e51c568a16f.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func BenchmarkTokensShingles(b *testing.B) {
	text := article600(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Shingles(Tokens(text))
	}
}

func BenchmarkSign(b *testing.B) {
	sh := Shingles(Tokens(article600(b)))
	b.ReportMetric(float64(len(sh)), "shingles")
	for b.Loop() {
		Sign(sh)
	}
}

func BenchmarkBandKeys(b *testing.B) {
	sig := Sign(Shingles(Tokens(article600(b))))
	for b.Loop() {
		BandKeys(&sig)
	}
}

// TestAnchorsGuarantee: a passage of cluster.PartialLongest (20) words
// that two texts share word for word gives them two shared anchors,
// whatever surrounds it: checked on 20,000 random passages of that length,
// each inside two random contexts (either may be empty).
func TestAnchorsGuarantee(t *testing.T) {
	const passageWords = 20 // cluster.PartialLongest (cluster imports shingle)
	r := rand.New(rand.NewPCG(1, 2))
	words := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("w%d", r.IntN(5000))
		}
		return out
	}
	shared := func(a, b []uint64) int {
		n := 0
		for _, h := range a {
			if Contains(b, h) {
				n++
			}
		}
		return n
	}
	for range 20000 {
		passage := words(passageWords)
		a := Anchors(Shingles(Tokens(strings.Join(slices.Concat(words(r.IntN(30)), passage, words(r.IntN(30))), " "))))
		b := Anchors(Shingles(Tokens(strings.Join(slices.Concat(words(r.IntN(30)), passage, words(r.IntN(30))), " "))))
		if n := shared(a, b); n < 2 {
			t.Fatalf("a shared passage of %d words gives %d shared anchors: %q", passageWords, n, passage)
		}
	}
}
