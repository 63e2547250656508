package quote

import (
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/shingle"
)

// TestMarksAgree runs one table of quotation marks through both readers of
// shingle's table: align.MarkQuotes (which words are quoted) and Extract
// (the quotation's text). Each sentence quotes "Wir schaffen das" between
// its marks; the words after the closing mark are never quoted.
func TestMarksAgree(t *testing.T) {
	for _, tc := range []struct{ name, open, close string }{
		{"straight", `"`, `"`},
		{"curly", "“", "”"},
		{"straight closes curly", "“", `"`},
		{"German", "„", "“"},
		{"guillemets", "«", "»"},
		{"reversed guillemets", "»", "«"},
		{"CJK corner", "「", "」"},
		{"CJK white corner", "『", "』"},
		{"single", "‘", "’"},
		{"single closed by apostrophe", "‘", "'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "Merkel sagte: " + tc.open + "Wir schaffen das" + tc.close + ", und ging."
			qs := Extract(text)
			if len(qs) != 1 || qs[0].Text != "Wir schaffen das" || qs[0].Open {
				t.Errorf("Extract(%q) = %+v, want one closed quotation %q", text, qs, "Wir schaffen das")
			}
			toks := shingle.Tokens(text)
			marked := align.MarkQuotes(text, toks)
			var in []string
			for k, tok := range toks {
				if marked[k] {
					in = append(in, text[tok.Start:tok.End])
				}
			}
			if got := strings.Join(in, " "); got != "Wir schaffen das" {
				t.Errorf("MarkQuotes(%q) quotes %q, want %q", text, got, "Wir schaffen das")
			}
		})
	}
	// An apostrophe inside a word is no quotation for either.
	for _, text := range []string{"Syria’s envoy and rock‘n’roll fans met.", "They don't say."} {
		if qs := Extract(text); len(qs) != 0 {
			t.Errorf("Extract(%q) = %+v, want none", text, qs)
		}
		for k, q := range align.MarkQuotes(text, shingle.Tokens(text)) {
			if q {
				t.Errorf("MarkQuotes(%q) marks token %d", text, k)
			}
		}
	}
}

// TestMarksKept: a quotation keeps its guillemets for display; English
// marks are left empty.
func TestMarksKept(t *testing.T) {
	for text, want := range map[string]string{
		"«Мы готовы», сказал Лавров.":   "«»",
		"Merkel sagte: „Ja“, und ging.": "„“",
		"“Yes,” Kell said.":             "",
	} {
		if qs := Extract(text); len(qs) != 1 || qs[0].Marks != want {
			t.Errorf("Extract(%q) = %+v, want marks %q", text, qs, want)
		}
	}
	sts := Merge([]Source{{ID: "a", Label: "a", Quotes: Extract("«Мы готовы», сказал Лавров.")}})
	if len(sts) != 1 || sts[0].Marks != "«»" || Quoted(sts[0].Marks, "x") != "«x»" || Quoted("", "x") != "“x”" {
		t.Errorf("Merge kept marks %+v", sts)
	}
}
