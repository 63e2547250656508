package index

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkAdd adds 2,000 synthetic articles in two batches to a fresh
// SQLite index (and PostgreSQL, with COPYDESK_TEST_PG). The 100k and 1M
// figures in BENCHMARKS.md come from the commands listed there.
func BenchmarkAdd(b *testing.B) {
	arts := synthetic(b, 5, 2000)
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dsn := be.dsn(b)
				if be.name == "sqlite" {
					dsn = filepath.Join(b.TempDir(), "bench.db")
				}
				st := open(b, dsn, false)
				b.StartTimer()
				for k := range 2 {
					if _, err := Add(context.Background(), st, arts[k*1000:(k+1)*1000], Options{}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
