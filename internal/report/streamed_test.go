package report

import (
	"context"
	"maps"
	"path/filepath"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
)

// A report built from a streamed run that holds no Docs (pipeline.Stream
// with KeepTexts, bodies dropped) by BuildStreamed, which holds no cluster's
// view, writes the same files as one built from pipeline.Run by Build,
// with one page per cluster or none, and says how many pages it will write
// before writing them.
func TestStreamedReportSame(t *testing.T) {
	inRoot(t)
	var bad []error
	r := article.Reader{Bad: func(err error) { bad = append(bad, err) }}
	arts, err := r.Load(context.Background(), []string{"testdata/seeds", "testdata/crafted"})
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	run := buildArticles(t, 2, arts)
	scan, err := pipeline.Stream(context.Background(), func(emit func(article.Article) error) error {
		for _, a := range arts {
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	}, pipeline.Options{Story: true, Workers: 2, KeepTexts: true})
	if err != nil {
		t.Fatal(err)
	}
	meta := make([]article.Article, len(arts))
	for i, a := range arts {
		meta[i], meta[i].Body = a, ""
	}
	// One page per cluster, then none; the overview on one page, then paged.
	for _, c := range []struct{ inline, rows int }{{10, 0}, {InlineWords, 0}, {10, 4}, {InlineWords, 4}} {
		inline := c.inline
		streamed, err := BuildStreamed(context.Background(), scan.Result(meta), nil)
		if err != nil {
			t.Fatal(err)
		}
		planned, written, total := -1, 0, 0
		streamed.Planned = func(p PagePlan) { planned = p.Overview + p.Clusters }
		streamed.Written = func(done, n int) { written, total = done, n }
		run.InlineWords, streamed.InlineWords = inline, inline
		run.OverviewRows, streamed.OverviewRows = c.rows, c.rows
		a, b := filepath.Join(t.TempDir(), "run"), filepath.Join(t.TempDir(), "streamed")
		if err := WriteReport(a, run); err != nil {
			t.Fatal(err)
		}
		if err := WriteReport(b, streamed); err != nil {
			t.Fatal(err)
		}
		want, got := dirFiles(t, a), dirFiles(t, b)
		if !maps.Equal(got, want) {
			t.Errorf("%+v: the streamed run's report differs from Run's", c)
		}
		if planned != len(got)-2 || len(run.Clusters) == 0 || written != len(got) || total != len(got) {
			t.Errorf("%+v: planned %d pages, wrote %d of %d files; want %d files", c, planned, written, total, len(got))
		}
	}
}
