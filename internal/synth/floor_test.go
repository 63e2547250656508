package synth_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/synth"
)

// TestPlantedReuseFloors runs the whole pipeline (read, prepare,
// candidates, verify, classify) over a synthetic corpus of floorArticles
// (10,000; 2,000 under -race) and holds it to the accuracy the issue asks
// at 100,000: precision and recall 0.99 for duplicate+derived, recall 0.95
// and precision 0.99 for partial (stock phrases of an outlet's closing
// lines once made it 0.91 at 10,000).
func TestPlantedReuseFloors(t *testing.T) {
	var corpus, truthBuf bytes.Buffer
	if err := synth.Write(context.Background(), floorArticles, 1, &corpus, &truthBuf); err != nil {
		t.Fatal(err)
	}
	truth, err := synth.ReadTruth(&truthBuf)
	if err != nil {
		t.Fatal(err)
	}
	r := article.Reader{Stdin: &corpus, Workers: 2, Bad: func(err error) { t.Errorf("bad input: %v", err) }}
	res, err := pipeline.Stream(context.Background(), func(emit func(article.Article) error) error {
		return r.Read(context.Background(), []string{"-"}, emit)
	}, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != floorArticles {
		t.Fatalf("read %d articles, want %d", len(res.IDs), floorArticles)
	}
	var found []synth.Found
	for _, p := range res.Pairs {
		if p.Relation >= cluster.Partial {
			found = append(found, synth.Found{A: res.IDs[p.I], B: res.IDs[p.J], Relation: p.Relation.String()})
		}
	}
	s := synth.Score(truth, found)
	t.Log(s)
	if s.CopyPlanted < floorArticles/10 || s.PartialPlanted < floorArticles/40 {
		t.Fatalf("too little planted to measure: %v", s)
	}
	if s.CopyPrecision() < 0.99 || s.CopyRecall() < 0.99 {
		t.Errorf("duplicate+derived: precision %.4f, recall %.4f; want both at least 0.99", s.CopyPrecision(), s.CopyRecall())
	}
	if s.PartialRecall() < 0.95 || s.PartialPrecision() < 0.99 {
		t.Errorf("partial: precision %.4f, recall %.4f; want at least 0.99 and 0.95", s.PartialPrecision(), s.PartialRecall())
	}
}
