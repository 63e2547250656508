package align

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/shingle"
)

// markQuotesReference is MarkQuotes reading every character: the oracle
// for the version that skips to the next mark (the marks themselves are
// shingle's table, shared with package quote; TestMarksAgree in quote
// checks the table).
func markQuotesReference(text string, toks []shingle.Token) []bool {
	quoted := make([]bool, len(toks))
	var closer rune // the mark that closes the open quote; 0 when none is open
	k := 0          // next token to mark
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		// Tokens before this byte take the state before this mark.
		for k < len(toks) && int(toks[k].Start) < i+size && int(toks[k].Start) <= i {
			quoted[k] = closer != 0
			k++
		}
		switch {
		case r == '\n' && i+1 < len(text) && text[i+1] == '\n':
			closer = 0
		case closer == 0:
			closer = shingle.QuoteCloser(text, i, r, size)
		case shingle.QuoteCloses(text, i, r, size, closer):
			closer = 0
		}
		i += size
	}
	for ; k < len(toks); k++ {
		quoted[k] = closer != 0
	}
	return quoted
}

// MarkQuotes marks what the character-by-character reference marks, on the
// repository's articles and on random strings heavy in quotation marks,
// apostrophes, newlines and broken UTF-8.
func TestMarkQuotesMatchesReference(t *testing.T) {
	check := func(name, text string) {
		t.Helper()
		toks := shingle.Tokens(text)
		if got, want := MarkQuotes(text, toks), markQuotesReference(text, toks); !slices.Equal(got, want) {
			t.Fatalf("%s: MarkQuotes = %v\nreference = %v", name, got, want)
		}
	}
	names, _ := filepath.Glob("../../testdata/*/*")
	n := 0
	for _, name := range names {
		if data, err := os.ReadFile(name); err == nil {
			check(name, string(data))
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d testdata files read", n)
	}
	alphabet := []string{"a", "b", "é", "1", " ", "\n", "\n\n", `"`, "“", "”", "„", "‘", "’", "«", "»",
		"「", "」", "『", "』", "\xe2", "\xe2\x80", "\xc2", "\xe3\x80", "\x80", "'"}
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for range 100000 {
		b.Reset()
		for range 1 + rng.IntN(16) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		check("random", b.String())
	}
}
