package main

import (
	"bytes"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/report"
)

// TestDiffNoDoubleSpaces: the text diff and the side-by-side cells of
// texts spaced singly hold no double space, whatever was dropped, added or
// split into paragraphs (the issue saw stray double spaces in diffs; edits
// generated from a crafted text, as they fall).
func TestDiffNoDoubleSpaces(t *testing.T) {
	inRoot(t)
	src, err := os.ReadFile("testdata/crafted/wire.txt")
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(strings.ReplaceAll(string(src), "\n\n", " ¶ "))
	join := func(ws []string) string {
		return strings.ReplaceAll(strings.ReplaceAll(strings.Join(ws, " "), " ¶ ", "\n\n"), " ↵ ", "\n")
	}
	a := align.NewDoc(join(words))
	rng := rand.New(rand.NewSource(1))
	for range 150 {
		var out []string
		for _, w := range words {
			switch r := rng.Intn(30); {
			case r == 0, r == 1 && w == "¶":
				continue // a word dropped, two paragraphs joined
			case r == 2:
				out = append(out, w, "extra")
			case r == 3:
				out = append(out, "Inserted sentence here.", w)
			case r == 4:
				out = append(out, w, "¶")
			case r == 5:
				out = append(out, w, "↵")
			case r == 6 && strings.HasSuffix(w, "."):
				out = append(out, w, "¶", "A new paragraph starts.", "¶")
			default:
				out = append(out, w)
			}
		}
		b := align.NewDoc(join(out))
		v := align.Verify(a, b)
		var buf bytes.Buffer
		if err := writeDiff(&buf, &article.Article{ID: "a"}, &article.Article{ID: "b"}, a, b, &v, false); err != nil {
			t.Fatal(err)
		}
		if s := buf.String(); strings.Contains(s, "  ") {
			i := strings.Index(s, "  ")
			t.Fatalf("text diff: double space in %q", s[max(0, i-60):min(len(s), i+60)])
		}
		for _, row := range report.DiffRows(a, b) {
			for _, cell := range [][]report.Seg{row.Left, row.Right} {
				var cb strings.Builder
				for _, sg := range cell {
					cb.WriteString(sg.Text)
				}
				if strings.Contains(cb.String(), "  ") {
					t.Fatalf("side-by-side cell: double space in %q", cb.String())
				}
			}
		}
	}
}

// TestDiffParagraphEdge: a dropped sentence that opened a paragraph is
// marked at the start of B's paragraph, with its stop, not at the end of
// the paragraph before ("said. [-Entire streets flooded-]"); an added
// sentence keeps its stop inside the mark.
func TestDiffParagraphEdge(t *testing.T) {
	a := align.NewDoc("The river burst its banks on Tuesday night, officials said.\n\nEntire streets flooded. Rescue teams worked through the night. They reached families on upper floors.")
	b := align.NewDoc("The river burst its banks on Tuesday night, officials said.\n\nRescue teams worked through the night. Boats were used. They reached families on upper floors.")
	v := align.Verify(a, b)
	var buf bytes.Buffer
	if err := writeDiff(&buf, &article.Article{ID: "a"}, &article.Article{ID: "b"}, a, b, &v, false); err != nil {
		t.Fatal(err)
	}
	want := "officials said.\n\n[-Entire streets flooded.-] Rescue teams worked through the night. {+Boats were used.+} They reached"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", buf.String(), want)
	}
}
