package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFeed writes the five seed articles (one story, every pair related
// as story) as a JSONL feed, published at the given times ("" for none).
func seedFeed(t *testing.T, published ...string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", "*.txt"))
	if err != nil || len(files) != len(published) {
		t.Fatalf("seeds: %v, %v", files, err)
	}
	var b strings.Builder
	for k, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]string{"id": filepath.Base(f)[:3], "text": string(text)}
		if published[k] != "" {
			rec["published"] = published[k]
		}
		line, _ := json.Marshal(rec)
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "feed.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storyClusters runs compare clusters --level story over path with args
// and maps each article id to its cluster's.
func storyClusters(t *testing.T, path string, args ...string) (map[string]string, string) {
	t.Helper()
	out, stderr, code := compare(t, "", append(append([]string{"clusters", "--level", "story", "-f", "jsonl"}, args...), path)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct{ ID, Cluster string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got[m.ID] = m.Cluster
	}
	return got, stderr
}

// TestWindowSplitsStoriesFarApart: the five seeds cluster as one story;
// under --window 3d the one published weeks later stands alone (it shares
// no passage with the others, so only the story route pairs it), and an
// undated one after two of the first days' stays with them.
func TestWindowSplitsStoriesFarApart(t *testing.T) {
	feed := seedFeed(t, "2016-04-01T10:00:00Z", "2016-04-25T09:00:00Z", "2016-04-01T12:00:00Z", "", "2016-04-02T09:00:00Z")
	whole, _ := storyClusters(t, feed)
	for id, c := range whole {
		if c != "000" {
			t.Fatalf("without a window %s is in cluster %s, want all five in 000: %v", id, c, whole)
		}
	}
	windowed, stderr := storyClusters(t, feed, "--window", "3d")
	want := map[string]string{"000": "000", "001": "001", "002": "000", "003": "000", "004": "000"}
	for id, c := range want {
		if windowed[id] != c {
			t.Errorf("--window 3d: %s in %s, want %s (all: %v)", id, windowed[id], c, windowed)
		}
	}
	if stderr != "" {
		t.Errorf("stderr %q", stderr)
	}
	// Two articles apart in input order, times aside: 000 no longer meets
	// 003 and 004, nor 001 004, and the five part in two.
	byCount, _ := storyClusters(t, feed, "--window", "2")
	want = map[string]string{"000": "000", "001": "000", "002": "000", "003": "003", "004": "003"}
	for id, c := range want {
		if byCount[id] != c {
			t.Errorf("--window 2: %s in %s, want %s (all: %v)", id, byCount[id], c, byCount)
		}
	}
}

// TestWindowWithoutTimes: a window of time over articles without one
// bounds nothing, and says so.
func TestWindowWithoutTimes(t *testing.T) {
	feed := seedFeed(t, "", "", "", "", "")
	whole, _ := storyClusters(t, feed)
	windowed, stderr := storyClusters(t, feed, "--window", "3d")
	for id := range whole {
		if windowed[id] != whole[id] {
			t.Errorf("%s: %s under --window 3d, %s without", id, windowed[id], whole[id])
		}
	}
	if want := "compare: --window 3d: no article has a publication time, so it bounds nothing"; !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want it to begin %q", stderr, want)
	}
}
