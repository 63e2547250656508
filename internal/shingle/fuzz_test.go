package shingle

// Fuzz target for the normaliser and tokeniser, seeded with the
// repository's articles and the tricky texts of testdata/fuzz/text.
//
//	go test -run '^$' -fuzz '^FuzzTokens$' -fuzztime 10m -parallel 1 ./internal/shingle

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzTokens(f *testing.F) {
	for _, g := range []string{"testdata/fuzz/text/*", "testdata/seeds/*.txt", "testdata/crafted/*.txt"} {
		names, err := filepath.Glob(filepath.Join("..", "..", g))
		if err != nil || len(names) == 0 {
			f.Fatalf("no seed files match %s (%v)", g, err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(data))
		}
	}
	for _, s := range []string{
		"U.S. and U.K.", "270,000 3.5 .5 5.", "cease-fire cease–fire cease—fire",
		"Syria’s ‘quote’ “double”", "ＡＦＰ ﬁ ½ ①", "قـــال وَقَالَ", "叙利亚停火", "a\u00adb x\u200by",
		"e\u0301 \u0301 İstanbul ΣΑΣ", "\ufeffword", "..", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks := Tokens(text)
		prevEnd := int32(0)
		for i, tok := range toks {
			// Offsets always valid and in order: inside the text, not
			// overlapping, each a non-empty word.
			if tok.Start < prevEnd || tok.End <= tok.Start || int(tok.End) > len(text) {
				t.Fatalf("token %d: offsets %d..%d after %d in a text of %d bytes", i, tok.Start, tok.End, prevEnd, len(text))
			}
			prevEnd = tok.End
			word := text[tok.Start:tok.End]
			if utf8.ValidString(text) && !utf8.ValidString(word) {
				t.Fatalf("token %d: %q cuts a character", i, word)
			}
			if !isWord(word) {
				t.Fatalf("token %d: %q has no letter or digit", i, word)
			}
			if tok.Hash != HashWord(word) {
				t.Fatalf("token %d: hash of %q is not HashWord's", i, word)
			}
			if Normalize(word) == "" {
				t.Fatalf("token %d: %q normalises to nothing", i, word)
			}
		}
		// The ASCII fast path cuts the words the segmenter cuts.
		if ref := tokensUAX29(text); !slices.Equal(toks, ref) {
			t.Fatalf("Tokens differs from the uax29 segmenter:\n got %v\nwant %v", toks, ref)
		}
		// Tokenising is a pure function of the text.
		if again := Tokens(text); !slices.Equal(again, toks) {
			t.Fatalf("two tokenisations differ")
		}

		sh := Shingles(toks)
		want := 0
		if len(toks) > 0 {
			want = len(toks) - min(N, len(toks)) + 1
		}
		if len(sh) != want {
			t.Fatalf("%d tokens gave %d shingles, want %d", len(toks), len(sh), want)
		}
		set := Set(sh)
		if !slices.IsSorted(set) || len(slices.Compact(slices.Clone(set))) != len(set) {
			t.Fatalf("Set is not sorted and distinct")
		}
		sig := Sign(sh)
		if len(sh) > 0 {
			// Densified: every slot holds the minimum of some shingle.
			for i, v := range sig {
				if v == empty {
					t.Fatalf("slot %d left empty with %d shingles", i, len(sh))
				}
			}
			if sig.Similarity(&sig) != 1 || len(BandKeys(&sig)) != Bands {
				t.Fatalf("a signature is not fully similar to itself")
			}
		} else if BandKeys(&sig) != nil {
			t.Fatalf("an empty text has band keys")
		}
		anchors := Anchors(sh)
		for _, a := range anchors {
			if !Contains(set, a) {
				t.Fatalf("anchor %x is not a shingle of the text", a)
			}
		}
		for start := 0; start+AnchorWindow <= len(sh); start++ {
			if !Contains(anchors, slices.Min(sh[start:start+AnchorWindow])) {
				t.Fatalf("the window at shingle %d has no anchor", start)
			}
		}
		for _, a := range SampledAnchors(sh) {
			if a&AnchorMask != 0 || !Contains(set, a) {
				t.Fatalf("sampled anchor %x is not a sampled shingle of the text", a)
			}
		}
		terms := Terms(text, toks)
		for i, term := range terms {
			if term.Count <= 0 || i > 0 && terms[i-1].Hash() >= term.Hash() {
				t.Fatalf("terms not sorted and counted: %v", terms)
			}
		}
	})
}
