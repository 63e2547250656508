package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
)

// manyWords is a text of n distinct words: past 127 distinct words the word
// diff's one-rune-per-word strings hold multi-byte runes.
func manyWords(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d ", prefix, i)
	}
	return b.String()
}

func FuzzDiffRows(f *testing.F) {
	f.Add("The river burst its banks on Tuesday.", "The river burst its banks on Tuesday, officials said.")
	f.Add(manyWords("w", 300), manyWords("w", 150)+manyWords("x", 150))
	f.Fuzz(func(t *testing.T, a, b string) {
		da, db := align.NewDoc(a), align.NewDoc(b)
		rows := DiffRows(da, db)
		_ = rows
	})
}

// TestDiffRowsMalformedEdits: DiffRows never slices out of range, even on
// edits that do not tile the texts (an empty equality, spans going back):
// the class behind "slice bounds out of range [2121:0]".
func TestDiffRowsMalformedEdits(t *testing.T) {
	a := align.NewDoc(manyWords("w", 300))
	for _, e := range []align.Edit{
		{Op: align.Equal},
		{Op: align.Equal, A: align.Span{Start: 5, End: 5}, B: align.Span{Start: 3, End: 3}},
		{Op: align.Delete, A: align.Span{Start: 0, End: 1, Offset: 0, EndOffset: 2}},
	} {
		if !Follows(e, 0, 0) && e.A.Words() > 0 {
			t.Errorf("%+v should follow from the start", e)
		}
		if Follows(e, 2121, 2121) {
			t.Errorf("%+v laid out after byte 2121", e)
		}
	}
	DiffRows(a, a)
}
