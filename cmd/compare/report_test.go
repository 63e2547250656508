package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	inRoot(t)
	dir := filepath.Join(t.TempDir(), "report")
	_, stderr, code := compare(t, "", "report", "-o", dir, "testdata/seeds")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page := mustRead(t, filepath.Join(dir, "index.html"))
	if !strings.Contains(page, "Content-Security-Policy") || strings.Count(page, `<article class="outlet"`) != 5 {
		t.Errorf("index.html lacks the CSP or the 5 outlet sections")
	}
	var rep struct {
		Articles []json.RawMessage
		Clusters []struct{ Members []string }
	}
	if err := json.Unmarshal([]byte(mustRead(t, filepath.Join(dir, "report.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Articles) != 5 || len(rep.Clusters) != 1 || len(rep.Clusters[0].Members) != 5 {
		t.Errorf("report.json: %d articles, clusters %+v", len(rep.Articles), rep.Clusters)
	}
	// Run again: the report is replaced whole, nothing left beside it.
	if _, stderr, code := compare(t, "", "report", "-o", dir, "testdata/crafted/wire.txt", "testdata/crafted/syndicated.txt"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if side, _ := os.ReadDir(filepath.Dir(dir)); len(side) != 1 {
		t.Errorf("beside the report: %v", side)
	}

	// A directory of other files is refused, with one line naming it.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	_, stderr, code = compare(t, "", "report", "-o", other, "testdata/seeds")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, other) || !strings.Contains(stderr, "notes.txt") {
		t.Errorf("report into a directory of other files: exit %d, stderr %q", code, stderr)
	}
	if _, _, code := compare(t, "", "report", "-o", dir); code != 2 {
		t.Errorf("no PATH: exit %d, want 2", code)
	}
}

// TestReportSaysPagesFirst: before writing, compare report says on stderr
// how many pages it will write, whether stderr is a terminal or not.
func TestReportSaysPagesFirst(t *testing.T) {
	inRoot(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "index.html and report.json"},
		{[]string{"--inline-words", "10"}, "index.html, report.json and 1 cluster page"},
		{[]string{"--inline-words", "10", "--overview-rows", "2"}, "index.html, report.json, 2 overview pages and 1 cluster page"},
	} {
		dir := filepath.Join(t.TempDir(), "report")
		_, stderr, code := compare(t, "", append(append([]string{"report", "-o", dir}, tc.args...), "testdata/seeds")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if len(lines) != 2 || lines[0] != "compare: writing "+dir+": "+tc.want || !strings.HasPrefix(lines[1], "compare: wrote ") {
			t.Errorf("%v: stderr %q, want the pages to be written, then what was", tc.args, stderr)
		}
		pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		if want := 1 + strings.Count(tc.want, "cluster page") + 2*strings.Count(tc.want, "2 overview pages"); len(pages) != want {
			t.Errorf("%v: %d pages written, want %d", tc.args, len(pages), want)
		}
	}
}

func TestDiffHTML(t *testing.T) {
	inRoot(t)
	out, stderr, code := compare(t, "", "diff", "--html", "testdata/crafted/wire.txt", "testdata/crafted/trimmed.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Content-Security-Policy", "<del>", "<ins>", `class="shared"`, "derived"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff --html lacks %q", want)
		}
	}
}

// TestReportProvenance: the report shows each outlet's wire share as
// compare provenance --table outlets does (report.json's "wire" is its
// "outlets"), and the story's timeline draws the chain AFP → Northern
// Ledger → Valley Courier: the AFP article ringed as the original, the
// uncredited copy's arrow dashed.
func TestReportProvenance(t *testing.T) {
	inRoot(t)
	const in = "testdata/provenance/chain.jsonl"
	prov, stderr, code := compare(t, "", "provenance", "-f", "json", in)
	if code != 0 {
		t.Fatalf("provenance: exit %d: %s", code, stderr)
	}
	dir := filepath.Join(t.TempDir(), "report")
	if _, stderr, code := compare(t, "", "report", "-o", dir, in); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	var want struct{ Outlets json.RawMessage }
	var got struct{ Wire json.RawMessage }
	js, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(prov), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(want.Outlets, &a)
	json.Unmarshal(got.Wire, &b)
	if !reflect.DeepEqual(a, b) || a == nil {
		t.Errorf("report.json wire\n%s\nwant compare provenance's outlets\n%s", got.Wire, want.Outlets)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{
		`<td><bdi>Northern Ledger</bdi></td>`, `<td class="n">62%</td>`, // wire share 0.625
		`<g class="tldot original"><title>1 AFP`,
		`<g class="tlarrow"><title>2 Northern Ledger took 62% of its words from 1 AFP (time: published 2h15m0s earlier), credited`,
		`<g class="tlarrow uncredited"><title>3 Valley Courier took 98% of its words from 2 Northern Ledger (chain: `,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if n := strings.Count(html, `<g class="tlarrow`); n != 2 {
		t.Errorf("timeline draws %d arrows, want 2 (A → B → C, not A → C)", n)
	}
}

// TestReportIndexChain: report --index --id names the article's chain back
// to its original, with what each step took from the next.
func TestReportIndexChain(t *testing.T) {
	inRoot(t)
	db := filepath.Join(t.TempDir(), "p.db")
	if _, errs, code := compare(t, "", "index", "add", "--index", db, "testdata/provenance/chain.jsonl"); code != 0 {
		t.Fatalf("index add: exit %d: %s", code, errs)
	}
	dir := filepath.Join(t.TempDir(), "report")
	if _, errs, code := compare(t, "", "report", "--index", db, "--id", "chain-c", "-o", dir); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	var rep struct {
		Chain []struct {
			ID, Source, Evidence string
			Credited             bool
		}
	}
	if err := json.Unmarshal([]byte(mustRead(t, filepath.Join(dir, "report.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rep.Chain {
		got = append(got, fmt.Sprintf("%s<-%s %s %v", s.ID, s.Source, s.Evidence, s.Credited))
	}
	want := []string{"chain-c<-chain-b chain false", "chain-b<-chain-a time true", "chain-a<-  false"}
	if !slices.Equal(got, want) {
		t.Errorf("chain %q, want %q", got, want)
	}
	if page := mustRead(t, filepath.Join(dir, "index.html")); !strings.Contains(page, `took 62% of its words from <bdi>AFP</bdi> (time: published 2h15m0s earlier), credited`) {
		t.Error("index.html does not show the chain")
	}
}
