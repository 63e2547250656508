package align

import (
	"fmt"
	"strings"
	"testing"
)

// repeatedRun is the input class that made go-diff's semantic cleanup cut
// multi-byte runes (it slices strings by a rune count): a pair with more
// than 127 distinct words (so words map to multi-byte runes) where B repeats
// the words just before an insertion. The cleaned diff then lost or gained
// words, and the report's DiffRows sliced out of range.
func repeatedRun() (string, string) {
	var words []string
	for i := range 200 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	a := strings.Join(words, " ") + ". The end came."
	b := strings.Join(words, " ") + " " + strings.Join(words[150:], " ") + ". The end came."
	return a, b
}

// TestWordDiffCovers: the edits tile both texts, every token once, and an
// equality pairs as many words on each side.
func TestWordDiffCovers(t *testing.T) {
	ta, tb := repeatedRun()
	for _, p := range [][2]string{{ta, tb}, {tb, ta}, {ta, ta}, {"", tb}, {ta, ""}} {
		a, b := NewDoc(p[0]), NewDoc(p[1])
		ia, ib := 0, 0
		for _, e := range WordDiff(a, b) {
			if e.A.Start != ia || e.B.Start != ib {
				t.Fatalf("edit %+v starts at %d,%d, want %d,%d", e, e.A.Start, e.B.Start, ia, ib)
			}
			if e.Op == Equal && (e.A.Words() == 0 || e.A.Words() != e.B.Words()) {
				t.Fatalf("equality %+v", e)
			}
			ia, ib = e.A.End, e.B.End
		}
		if ia != len(a.Tokens) || ib != len(b.Tokens) {
			t.Fatalf("edits end at %d,%d, texts have %d,%d words", ia, ib, len(a.Tokens), len(b.Tokens))
		}
	}
}
