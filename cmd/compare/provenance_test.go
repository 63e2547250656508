package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/output"
)

func provenanceJSON(t *testing.T, args ...string) (*output.Provenance, string, int) {
	t.Helper()
	out, errs, code := compare(t, "", append([]string{"provenance", "-f", "json"}, args...)...)
	var p output.Provenance
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("provenance %v: %v\n%s\n%s", args, err, out, errs)
	}
	return &p, errs, code
}

func mainSource(p *output.Provenance) map[string]string {
	m := map[string]string{}
	for _, a := range p.Articles {
		if len(a.Sources) > 0 {
			m[a.ID] = a.Sources[0].ID
		} else {
			m[a.ID] = ""
		}
	}
	return m
}

// TestProvenanceSeeds: the seeds are one story told five times, no copy:
// no provenance is claimed.
func TestProvenanceSeeds(t *testing.T) {
	inRoot(t)
	p, errs, code := provenanceJSON(t, "testdata/seeds")
	if code != 0 || len(p.Articles) != 0 || len(p.Links) != 0 {
		t.Errorf("seeds: exit %d, %d articles, %d links: %s", code, len(p.Articles), len(p.Links), errs)
	}
	if len(p.Outlets) != 1 || p.Outlets[0].Articles != 5 || p.Outlets[0].WireShare != 0 {
		t.Errorf("seeds' outlets %+v", p.Outlets)
	}
}

// TestProvenanceCrafted: every crafted copy points at the wire story.
func TestProvenanceCrafted(t *testing.T) {
	inRoot(t)
	p, errs, code := provenanceJSON(t, "testdata/crafted")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	src := mainSource(p)
	wire := "testdata/crafted/wire.txt"
	for _, c := range []string{"syndicated", "trimmed", "partial"} {
		if got := src["testdata/crafted/"+c+".txt"]; got != wire {
			t.Errorf("%s's source %q, want %s", c, got, wire)
		}
	}
	if src[wire] != "" {
		t.Errorf("the wire has a source: %q", src[wire])
	}
}

// TestProvenanceChain: a crafted chain of three outlets comes out as a
// chain, A → B → C, not A → C; B credits the agency, C credits nobody.
func TestProvenanceChain(t *testing.T) {
	inRoot(t)
	p, errs, code := provenanceJSON(t, "testdata/provenance/chain.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	src := mainSource(p)
	if src["chain-a"] != "" || src["chain-b"] != "chain-a" || src["chain-c"] != "chain-b" {
		t.Errorf("sources %v, want chain-a → chain-b → chain-c", src)
	}
	if _, ok := src["chain-d"]; ok {
		t.Error("the unrelated report is in a copy relation")
	}
	for _, a := range p.Articles {
		want := a.ID == "chain-b"
		if a.Sources != nil && len(a.Sources) > 0 && a.Credited != want {
			t.Errorf("%s credited %v, want %v", a.ID, a.Credited, want)
		}
		if a.ID == "chain-c" && strings.Join(a.Chain, " ") != "chain-c chain-b chain-a" {
			t.Errorf("chain-c's chain %v", a.Chain)
		}
	}
	for _, f := range []string{"text", "csv"} {
		out, _, code := compare(t, "", "provenance", "-f", f, "testdata/provenance/chain.jsonl")
		if code != 0 || !strings.Contains(out, "chain-c") {
			t.Errorf("--format %s: exit %d\n%s", f, code, out)
		}
	}
	out, _, _ := compare(t, "", "provenance", "-f", "csv", "--table", "outlets", "--outlet", "valley courier", "testdata/provenance/chain.jsonl")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "Valley Courier,false,2,") {
		t.Errorf("--outlet: %q", out)
	}
}

// TestProvenanceBadTimes: an unparseable and a future published value get
// one warning line each; the articles are kept, undated; exit 1.
func TestProvenanceBadTimes(t *testing.T) {
	inRoot(t)
	p, errs, code := provenanceJSON(t, "testdata/provenance/chain.jsonl", "testdata/provenance/badtimes.jsonl")
	if code != exitBadInput {
		t.Errorf("exit %d, want %d", code, exitBadInput)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "bad-time") || !strings.Contains(lines[1], "future-time") {
		t.Errorf("warnings %q, want one for bad-time and one for future-time", lines)
	}
	n := 0
	for _, o := range p.Outlets {
		n += o.Articles
	}
	if n != 6 {
		t.Errorf("%d articles counted, want all 6", n)
	}
}

// Over an index, the outlet table is the folder's: an outlet's words count
// its articles outside any copy relation too (the index's graph holds no
// bodies; they are read back for every article).
func TestProvenanceIndexOutlets(t *testing.T) {
	inRoot(t)
	const in = "testdata/provenance/chain.jsonl"
	db := filepath.Join(t.TempDir(), "p.db")
	if _, errs, code := compare(t, "", "index", "add", "--index", db, in); code != 0 {
		t.Fatalf("index add: exit %d: %s", code, errs)
	}
	want, _, _ := compare(t, "", "provenance", "-f", "csv", "--table", "outlets", in)
	got, errs, code := compare(t, "", "provenance", "-f", "csv", "--table", "outlets", "--index", db)
	if code != 0 || got != want || !strings.Contains(want, "Valley Courier,false,2,331,") {
		t.Errorf("provenance --index: exit %d, %s\n%s\nwant the folder's\n%s", code, errs, got, want)
	}
}
