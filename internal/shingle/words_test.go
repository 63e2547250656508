package shingle

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sameTokens fails t when Tokens and the uax29 segmenter disagree on text.
func sameTokens(t *testing.T, name, text string) {
	t.Helper()
	got, want := Tokens(text), tokensUAX29(text)
	if slices.Equal(got, want) {
		return
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("%s: token %d is %q (%d..%d), the segmenter's is %q (%d..%d)", name, i,
				text[got[i].Start:got[i].End], got[i].Start, got[i].End,
				text[want[i].Start:want[i].End], want[i].Start, want[i].End)
		}
	}
	t.Fatalf("%s: %d tokens, the segmenter gives %d", name, len(got), len(want))
}

// The ASCII fast path gives the segmenter's words at every rule it
// implements: abbreviations, decimals, apostrophes, colons, underscores,
// and ASCII next to accented letters, curly quotes, combining marks and
// format characters on either side of a space.
func TestTokensMatchSegmenter(t *testing.T) {
	for _, text := range []string{
		"U.S. and U.K. a.b.c. e.g. .5 5. 3.5 3.5.6 1,000,000 1,000. 10:30 a:b a::b 1;2 a;b 1'2 a'b 'a' a'' ''a",
		"foo_bar _x x_ __ _1 1_ a_.b a._b 1_,2 snake_case_2 ___",
		"Syria’s ‘quote’ “double” naïve café résumé İstanbul ΣΑΣ",
		"e\u0301 \u0301a a \u0301 \u00adb x\u200by \ufeffword a\u200dx a \u200d b",
		"plain ascii only with spaces\nand\r\nnew lines\tand tabs  double  spaces",
		"\u0301 start", " \u00ad lead", "end \u0301", "café", "é", "a", " ", "",
		"x.\u0301y 1.\u03012 a:\u00adb", "🇫🇷🇩🇪 🇫 x 👍🏽 👨‍👩‍👧 a👍b",
		"叙利亚停火 ceasefire 叙利亚 x", "قـــال المبعوث: 3.5 مليون", "שלום \"x\" ש\"ח a\"b",
		"ｱｲｳ カタカナ_x ﾀ1",
	} {
		sameTokens(t, strings.ToValidUTF8(text, "?"), text)
	}
	// Random strings over an alphabet heavy in the characters the rules
	// turn on.
	alphabet := []string{"a", "Z", "é", "0", "9", " ", " ", "\n", "\t", ".", ",", ";", ":", "'", "’", "_", "-",
		"\u0301", "\u00ad", "\u200d", "“", "叙", "ق", "ש", "\"", "ｱ", "🇫", "👍", "·", "\u202f", "\u3000"}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range 200000 {
		b.Reset()
		for range 1 + rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		sameTokens(t, "random", b.String())
	}
}

// The repository's articles and, where the evaluation data is beside the
// repository, every ECB+ text (English news in many hands) tokenise as the
// segmenter tokenises them.
func TestTokensMatchSegmenterOnArticles(t *testing.T) {
	names, _ := filepath.Glob("../../testdata/*/*")
	more, _ := filepath.Glob("../../testdata/fuzz/text/*")
	n := 0
	for _, name := range append(names, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			continue // a directory
		}
		sameTokens(t, name, string(data))
		n++
	}
	if n < 20 {
		t.Fatalf("only %d testdata files read", n)
	}
	f, err := os.Open("../../../shared/data/ecbplus/ecbplus.jsonl")
	if err != nil {
		t.Skipf("ECB+ not beside the repository (%v); testdata checked", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		sameTokens(t, a.ID, a.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// Tokens against the uax29 segmenter alone, on a seed article (curly
// quotes and all).
func BenchmarkTokens(b *testing.B) {
	text := article600(b)
	b.Run("fast-path", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Tokens(text)
		}
	})
	b.Run("uax29", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			tokensUAX29(text)
		}
	})
}
