package synth

import (
	"bytes"
	"context"
	"testing"
)

func TestDeterministic(t *testing.T) {
	var c1, t1, c2, t2 bytes.Buffer
	if err := Write(context.Background(), 600, 5, &c1, &t1); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), 600, 5, &c2, &t2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c1.Bytes(), c2.Bytes()) || !bytes.Equal(t1.Bytes(), t2.Bytes()) {
		t.Fatal("same seed, different output")
	}
	var c3, t3 bytes.Buffer
	Write(context.Background(), 600, 6, &c3, &t3)
	if bytes.Equal(c1.Bytes(), c3.Bytes()) {
		t.Fatal("seeds 5 and 6 wrote the same corpus")
	}
}

// TestTruth checks that the truth describes the corpus: one record per
// article, sources that exist and are of the same story, agency originals
// or, in a chain, copies of one with edits of their own (topped-tailed or
// rewritten) that reuse the original; every kind of reuse planted, chains
// and undated articles too.
func TestTruth(t *testing.T) {
	var arts []Article
	var truth []Truth
	err := New(3).Generate(context.Background(), 3000, func(a *Article, tr *Truth) error {
		arts = append(arts, *a)
		truth = append(truth, *tr)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 3000 {
		t.Fatalf("%d articles, want 3000", len(arts))
	}
	byID := make(map[string]*Truth)
	for i := range truth {
		if truth[i].ID != arts[i].ID || byID[truth[i].ID] != nil {
			t.Fatalf("truth %d: id %q for article %q (or repeated)", i, truth[i].ID, arts[i].ID)
		}
		byID[truth[i].ID] = &truth[i]
	}
	edits := make(map[string]int)
	chains, undated := 0, 0
	for _, tr := range truth {
		if tr.Undated != (arts[indexOf(arts, tr.ID)].Published == "") {
			t.Fatalf("%s: undated %v, published %q", tr.ID, tr.Undated, arts[indexOf(arts, tr.ID)].Published)
		}
		if tr.Undated {
			undated++
		}
		if tr.Source == "" {
			if tr.Relation != "" {
				t.Fatalf("%s: relation %q without a source", tr.ID, tr.Relation)
			}
			continue
		}
		src := byID[tr.Source]
		if src == nil || src.Story != tr.Story {
			t.Fatalf("%s: source %q missing or of another story", tr.ID, tr.Source)
		}
		if src.Source != "" {
			if mid := byID[src.Source]; src.Edit != "topped-tailed" && src.Edit != "rewritten" || mid == nil || mid.Source != "" {
				t.Fatalf("%s: source %q is a %s copy of %q, not a chain's middle", tr.ID, tr.Source, src.Edit, src.Source)
			}
			chains++
		}
		if tr.WireWords <= 0 || tr.WireWords > tr.Words {
			t.Fatalf("%s: %d wire words of %d", tr.ID, tr.WireWords, tr.Words)
		}
		edits[tr.Edit]++
	}
	if chains < 20 || undated < 20 {
		t.Errorf("%d chains and %d undated articles in 3000, want 20 or more of each", chains, undated)
	}
	for _, r := range reuses {
		if edits[r.edit] < 20 {
			t.Errorf("only %d %s reuses in 3000 articles", edits[r.edit], r.edit)
		}
	}
}

func indexOf(arts []Article, id string) int {
	for i := range arts {
		if arts[i].ID == id {
			return i
		}
	}
	return -1
}

func TestScore(t *testing.T) {
	truth := []Truth{
		{ID: "w"}, // wire
		{ID: "s", Source: "w", Relation: "duplicate"}, // syndicated
		{ID: "d", Source: "w", Relation: "derived"},   // trimmed
		{ID: "p", Source: "w", Relation: "partial"},   // partial reuse
		{ID: "q", Source: "w", Relation: "partial"},   // another
		{ID: "i"}, // independent
	}
	found := []Found{
		{"s", "w", "duplicate"}, // right
		{"w", "d", "duplicate"}, // right: duplicate and derived count as one class
		{"s", "d", "derived"},   // right: siblings, one a copy
		{"p", "w", "derived"},   // wrong: a partial reuse called derived
		{"p", "q", "derived"},   // wrong: two partial reuses
		{"i", "w", "derived"},   // wrong
		{"q", "w", "partial"},   // right
		{"i", "s", "partial"},   // wrong
	}
	s := Score(truth, found)
	want := Scores{CopyPlanted: 2, CopyFound: 2, CopyReported: 6, CopyCorrect: 3,
		PartialPlanted: 2, PartialFound: 1, PartialReported: 2, PartialCorrect: 1}
	if s != want {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
	if s.CopyPrecision() != 0.5 || s.CopyRecall() != 1 || s.PartialRecall() != 0.5 {
		t.Fatalf("ratios: %v", s)
	}
	if (Scores{}).CopyPrecision() != 1 {
		t.Fatal("nothing reported should score 1")
	}
}
