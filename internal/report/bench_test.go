package report

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/synth"
)

// synthRun generates n articles (internal/synth: stories told by several
// outlets, wire copy syndicated, trimmed and rewritten) and runs the
// pipeline over them; nothing is kept on disk.
func synthRun(b testing.TB, n int) *pipeline.Result {
	b.Helper()
	var corpus bytes.Buffer
	if err := synth.Write(context.Background(), n, 1, &corpus, io.Discard); err != nil {
		b.Fatal(err)
	}
	r := article.Reader{Stdin: &corpus, Bad: func(err error) { b.Fatal(err) }}
	arts, err := r.Load(context.Background(), []string{"-"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := pipeline.Run(context.Background(), arts, pipeline.Options{Story: true})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkReport1000 times the report of 1,000 articles after the
// pipeline has run: Build (the N-way view of every story cluster) and
// Render (index.html, the cluster pages and report.json, to memory).
func BenchmarkReport1000(b *testing.B) {
	res := synthRun(b, 1000)
	rep, err := Build(context.Background(), res)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			if _, err := Build(context.Background(), res); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(rep.Clusters)), "clusters")
	})
	b.Run("Render", func(b *testing.B) {
		var index, all int
		for b.Loop() {
			var buf bytes.Buffer
			pages := rep.Layout()
			all = 0
			for k, p := range pages.Pages {
				buf.Reset()
				if err := WritePage(&buf, p); err != nil {
					b.Fatal(err)
				}
				if k == 0 {
					index = buf.Len()
				}
				all += buf.Len()
			}
			buf.Reset()
			if err := WriteJSON(&buf, rep); err != nil {
				b.Fatal(err)
			}
			all += buf.Len()
		}
		b.ReportMetric(float64(index)/1e3, "index-kB")
		b.ReportMetric(float64(all)/1e6, "all-MB")
	})
}

// BenchmarkReportSeeds times the whole report of the five seeds, from the
// pipeline's result to the bytes of index.html and report.json.
func BenchmarkReportSeeds(b *testing.B) {
	var bad []error
	r := article.Reader{Bad: func(err error) { bad = append(bad, err) }}
	arts, err := r.Load(context.Background(), []string{"../../testdata/seeds"})
	if err != nil || len(bad) > 0 {
		b.Fatal(err, bad)
	}
	res, err := pipeline.Run(context.Background(), arts, pipeline.Options{Story: true})
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		rep, err := Build(context.Background(), res)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePage(&buf, rep.Layout().Pages[0]); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		if err := WriteJSON(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1e3, "index-kB")
}
