package quote

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/quotes")

func seeds(t *testing.T) []article.Article {
	t.Helper()
	r := article.Reader{Bad: func(err error) { t.Errorf("seed: %v", err) }}
	as, err := r.Load(context.Background(), []string{"../../testdata/seeds"})
	if err != nil || len(as) != 5 {
		t.Fatalf("loading seeds: %d articles, %v", len(as), err)
	}
	return as
}

func seedSources(t *testing.T) []Source {
	var srcs []Source
	for _, a := range seeds(t) {
		srcs = append(srcs, Source{ID: a.ID, Label: a.Label(), Quotes: Extract(pipeline.Text(&a))})
	}
	return srcs
}

// golden compares got with testdata/quotes/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "quotes", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output (go test ./internal/quote -update rewrites it); got:\n%s", path, got)
	}
}

// TestSeedsGolden keeps the hand-checked table of every quotation in the
// five seeds with its speaker: article, resolved name, the attributing
// words, how they were found, the quoted words.
func TestSeedsGolden(t *testing.T) {
	var b strings.Builder
	b.WriteString("# article\tspeaker\tattributed as\tvia\tquotation\n")
	for _, s := range seedSources(t) {
		for _, q := range s.Quotes {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", s.Label, orDash(q.Speaker.Name), orDash(q.Speaker.As), orDash(q.Speaker.Via), q.Text)
		}
	}
	golden(t, "seeds.tsv", []byte(b.String()))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func TestSeedsStatementsGolden(t *testing.T) {
	js, err := json.MarshalIndent(BySpeaker(Merge(seedSources(t))), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "statements.json", append(js, '\n'))
}

// find returns the quotations of src whose text contains sub.
func find(src Source, sub string) []Quote {
	var out []Quote
	for _, q := range src.Quotes {
		if strings.Contains(q.Text, sub) {
			out = append(out, q)
		}
	}
	return out
}

func TestSeedSpeakers(t *testing.T) {
	srcs := seedSources(t)
	for _, c := range []struct {
		src       int
		sub, name string
		as        string
	}{
		{0, "We are very, very concerned", "Mark Toner", "Toner"},
		{0, "vast majority of violations", "Mark Toner", "the spokesman"},
		{0, "We need greater clarity", "Mark Toner", "Toner"},
		{0, "We hope and plan", "Staffan de Mistura", "he"},
		{0, "We did raise and discuss", "Staffan de Mistura", "the envoy"},
		{1, "We are working over these next hours", "John Kerry", "Kerry"},
		{1, "I am going to Moscow", "Staffan de Mistura", ""},
		{1, "It’s a violation of UN Security Council", "Adel al-Jubeir", "Jubeir"},
		{2, "A decrease in casualty numbers", "Nadim Houry", "Nadim Houry"},
		{2, "need to make sure", "De Mistura", ""},
		{3, "We are concerned about plans", "Mark Toner", "Mark Toner"},
		{4, "Secretary Kerry said", "John Kirby", "John Kirby"},
		{4, "serious concerns", "John Kirby", "Kirby"},
		{4, "Every side in the war", "Rami Abdel Rahman", ""},
	} {
		qs := find(srcs[c.src], c.sub)
		if len(qs) == 0 {
			t.Errorf("%s: no quotation with %q", srcs[c.src].Label, c.sub)
			continue
		}
		for _, q := range qs {
			if q.Speaker.Name != c.name || c.as != "" && q.Speaker.As != c.as {
				t.Errorf("%s: %.40q: speaker %q as %q, want %q as %q", srcs[c.src].Label, q.Text, q.Speaker.Name, q.Speaker.As, c.name, c.as)
			}
		}
	}
	// The Jubeir quotation runs over four paragraphs and is one quotation.
	if qs := find(srcs[1], "What is happening in Aleppo"); len(qs) != 1 || len(qs[0].Parts) != 4 {
		t.Errorf("Jubeir's quotation over four paragraphs: got %d quotations, %v", len(qs), qs)
	}
	// An anonymous official stays unnamed.
	if qs := find(srcs[4], "very concerned"); len(qs) != 1 || qs[0].Speaker.Name != "" || qs[0].Speaker.As != "a senior official" {
		t.Errorf("“very concerned” in 004: %+v, want unnamed “a senior official”", qs)
	}
}

func TestSeedStatements(t *testing.T) {
	srcs := seedSources(t)
	sts := Merge(srcs)
	var dm *Statement
	for i := range sts {
		if strings.HasPrefix(sts[i].Text, "We did raise and discuss") {
			dm = &sts[i]
		}
	}
	if dm == nil {
		t.Fatal("no statement for de Mistura's “We did raise and discuss …”")
	}
	if dm.Speaker != "Staffan de Mistura" || len(dm.Outlets) != 2 || dm.Outlets[0].Article != srcs[0].ID || dm.Outlets[1].Article != srcs[2].ID {
		t.Fatalf("de Mistura statement: %+v, want Staffan de Mistura in 000 and 002", dm)
	}
	if c := dm.Outlets[1]; !c.Fragment || len(c.Wording) != 2 {
		t.Errorf("002 quotes two fragments of it: %+v", c)
	}
	if dm.Outlets[0].Fragment {
		t.Errorf("000 quotes it in full, not a fragment")
	}
	// Every quotation lands in exactly one statement.
	n, m := 0, 0
	for _, s := range srcs {
		n += len(s.Quotes)
	}
	for _, st := range sts {
		for _, c := range st.Outlets {
			m += len(c.Wording)
		}
	}
	if n != m {
		t.Errorf("%d quotations, %d in statements", n, m)
	}
	// Two words from an anonymous official are not Toner's statement.
	for _, st := range sts {
		for _, c := range st.Outlets {
			for _, w := range c.Wording {
				if w == "very concerned" && st.Speaker == "Mark Toner" {
					t.Errorf("004's anonymous “very concerned” merged into Toner's statement")
				}
			}
		}
	}
}
