package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

// TestOutletFurniture: articles of one outlet that end with the same
// newsletter pitch (testdata/furniture, texts of our own) are not copies
// of each other for that; their updates and reused paragraphs still are,
// and the same ending across outlets is still copy. (Their cosine counts
// the ending's words, so two of them may still be story.)
func TestOutletFurniture(t *testing.T) {
	inRoot(t)
	out, errs, code := compare(t, "", "pairs", "-f", "jsonl", "--min-relation", "unrelated", "testdata/furniture/courier.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := map[[2]string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r struct{ A, B, Relation string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got[[2]string{r.A, r.B}], got[[2]string{r.B, r.A}] = r.Relation, r.Relation
	}
	for _, c := range []struct{ a, b, relation string }{
		{"courier-library", "courier-library-update", "duplicate"},
		{"courier-library", "courier-library-sit-in", "partial"},
		{"courier-train", "wire-train", "story"},
	} {
		if r := got[[2]string{c.a, c.b}]; r != c.relation {
			t.Errorf("%s–%s: %q, want %s", c.a, c.b, r, c.relation)
		}
	}
	for _, p := range [][2]string{
		{"courier-library", "courier-train"}, {"courier-library", "courier-football"},
		{"courier-train", "courier-football"}, {"courier-library-update", "courier-train"},
	} {
		if r := got[p]; r != "story" && r != "unrelated" {
			t.Errorf("%s–%s: %q, want no copy relation (story or unrelated)", p[0], p[1], r)
		}
	}
	// Another outlet's report ending with the wire's closing paragraph.
	if r := got[[2]string{"wire-train", "gazette-train"}]; r != "partial" && r != "derived" {
		t.Errorf("wire-train–gazette-train: %q, want copy (partial or derived)", r)
	}
}
