package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

// TestRewrittenCopy: copy rewritten the way newspapers rewrite agency copy
// is found, and the agency story named as its source, while an independent
// report of the same event quoting the same speaker stays a story. The
// texts in testdata/rewritten are written for this test: an agency story;
// the same story trimmed and reworded; a short brief built from it; a
// correspondent's own report that quotes the mayor's words too; and a
// Russian agency story with a rewrite of it (names by capitals, figures
// in any script).
func TestRewrittenCopy(t *testing.T) {
	inRoot(t)
	out, errs, code := compare(t, "", "pairs", "-f", "jsonl", "testdata/rewritten")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type row struct {
		A, B, Relation, Source string
		Share                  float64 `json:"source_share"`
		Reworded               float64 `json:"source_reworded"`
	}
	got := map[[2]string]row{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		name := func(p string) string { return strings.TrimSuffix(strings.TrimPrefix(p, "testdata/rewritten/"), ".txt") }
		got[[2]string{name(r.A), name(r.B)}] = r
	}
	for _, c := range []struct{ a, b, relation, source string }{
		{"reworded", "wire", "derived", "wire"},
		{"brief", "wire", "derived", "wire"},
		{"ru_rewrite", "ru_wire", "derived", "ru_wire"},
		{"independent", "wire", "story", ""},
		{"independent", "reworded", "story", ""},
	} {
		r, ok := got[[2]string{c.a, c.b}]
		if !ok {
			t.Errorf("%s–%s: no pair", c.a, c.b)
			continue
		}
		src := strings.TrimSuffix(strings.TrimPrefix(r.Source, "testdata/rewritten/"), ".txt")
		if r.Relation != c.relation || src != c.source {
			t.Errorf("%s–%s: %s, source %q; want %s, source %q", c.a, c.b, r.Relation, src, c.relation, c.source)
		}
		if c.source != "" && (r.Share < 0.5 || r.Share > 1 || r.Reworded <= 0 || r.Reworded > r.Share) {
			t.Errorf("%s–%s: share from the source %.3f, %.3f of it reworded; want most of the text, part reworded", c.a, c.b, r.Share, r.Reworded)
		}
	}
	// The pair's page says how much was taken verbatim and how much reworded.
	page, errs, code := compare(t, "", "diff", "--html", "testdata/rewritten/reworded.txt", "testdata/rewritten/wire.txt")
	if code != 0 || !strings.Contains(page, "A takes ") || !strings.Contains(page, "% reworded") {
		t.Errorf("diff --html: exit %d %s; no verbatim / reworded split in the page", code, errs)
	}
}
