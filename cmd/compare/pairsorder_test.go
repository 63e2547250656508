package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/cluster"
)

// TestPairsOrder: compare pairs lists the strongest relation first and,
// within a relation, by score (the larger covered share for a copy
// relation, the similarity otherwise), as the README says.
func TestPairsOrder(t *testing.T) {
	inRoot(t)
	out, stderr, code := compare(t, "", "pairs", "--format", "jsonl", "--min-relation", "unrelated", "testdata/seeds", "testdata/crafted")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type row struct {
		Relation        cluster.Relation
		AInB, BInA, Sim float64
		prevRel         cluster.Relation
	}
	var prev *row
	rels := map[cluster.Relation]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p struct {
			Relation   cluster.Relation `json:"relation"`
			AInB       float64          `json:"a_in_b"`
			BInA       float64          `json:"b_in_a"`
			Similarity float64          `json:"similarity"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		cp := cluster.Pair{Relation: p.Relation, AInB: p.AInB, BInA: p.BInA, Similarity: p.Similarity}
		r := &row{Relation: p.Relation, AInB: p.AInB, BInA: p.BInA, Sim: cp.Score()}
		if prev != nil && (r.Relation > prev.Relation || r.Relation == prev.Relation && r.Sim > prev.Sim) {
			t.Errorf("%s after %s, score %.3f after %.3f: %s", r.Relation, prev.Relation, r.Sim, prev.Sim, line)
		}
		rels[r.Relation]++
		prev = r
	}
	if len(rels) < 3 {
		t.Errorf("only %d relations in the output (%v); the test needs more to mean anything", len(rels), rels)
	}
}
