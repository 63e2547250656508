package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/output"
)

// indexRows turns an index result into output rows, those at least minRel
// strong (unrelated pairs only when minRel is unrelated).
func indexRows(rels []index.Relation, minRel cluster.Relation) []output.Pair {
	var rows []output.Pair
	for _, r := range rels {
		p := r.Pair
		if p.Relation < minRel || p.Relation == cluster.Unrelated && minRel > cluster.Unrelated {
			continue
		}
		rows = append(rows, output.PairRow(r.A, r.B, &p))
	}
	return rows
}

// pairStream writes the relations of index batches. Streaming (several
// batches, standard output, a format other than JSON), each batch's rows
// are written as soon as the batch is committed, so that a run killed
// later has printed every committed batch's relations; the text and CSV
// header comes once, and text columns are aligned within each batch.
// Otherwise the rows are held and written, atomically with -o, at close.
type pairStream struct {
	e      *env
	output string // -o, "" or - for standard output
	format output.Format
	stream bool
	rows   []output.Pair
	n      int // batches written while streaming
}

func (e *env) pairStream(out tableOut, batched bool) *pairStream {
	o := out.Output
	return &pairStream{e: e, output: o, format: out.Format, stream: batched && out.Format != output.JSON && (o == "" || o == "-")}
}

// batch takes one batch's rows.
func (s *pairStream) batch(rows []output.Pair) error {
	if !s.stream {
		s.rows = append(s.rows, rows...)
		return nil
	}
	if len(rows) == 0 && s.n > 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := output.WritePairs(&buf, s.format, rows); err != nil {
		return err
	}
	b := buf.Bytes()
	if s.n > 0 && s.format != output.JSONL { // the header is written once
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	s.n++
	_, err := s.e.stdout.Write(b) // unbuffered: on its way before the next batch
	return err
}

// close writes what was held, or the header of a stream that got no batch.
func (s *pairStream) close() error {
	if s.stream {
		if s.n > 0 {
			return nil
		}
		return output.WritePairs(s.e.stdout, s.format, nil)
	}
	return s.e.writeOutput(s.output, func(w io.Writer) error { return output.WritePairs(w, s.format, s.rows) })
}

// The kill tests stop `index add` at a chosen point as kill -9 would:
// COPYDESK_TEST_KILL names the point ("before-commit", "in-transaction",
// "after-commit", "between-batches"), with ":N" for the Nth batch (the
// first by default). Unset, killPoint does nothing.
var (
	killName, killBatch = parseKillPoint(os.Getenv("COPYDESK_TEST_KILL"))
	killMu              sync.Mutex
	killBatches         int // batches begun
)

func parseKillPoint(s string) (string, int) {
	name, n, _ := strings.Cut(s, ":")
	batch, err := strconv.Atoi(n)
	if err != nil || batch < 1 {
		batch = 1
	}
	return name, batch
}

// killPoint kills the process with SIGKILL if this is the chosen point of
// the chosen batch. Every batch passes "before-commit" first.
func killPoint(name string) {
	if killName == "" {
		return
	}
	killMu.Lock()
	defer killMu.Unlock()
	if name == "before-commit" {
		killBatches++
	}
	if name == killName && killBatches == killBatch {
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Kill()
		}
		select {} // the signal is on its way
	}
}

// killInTransaction wraps a progress callback so that the "in-transaction"
// kill point is passed when a batch's pairs are being verified, inside
// its write transaction.
func killInTransaction(progress func(string, int, int)) func(string, int, int) {
	if killName != "in-transaction" {
		return progress
	}
	return func(stage string, done, total int) {
		if stage == "verify" && done > 0 {
			killPoint("in-transaction")
		}
		if progress != nil {
			progress(stage, done, total)
		}
	}
}

// indexRelations prints what index add printed for the articles of f's
// PATHs (compare index relations).
func (e *env) indexRelations(ctx context.Context, f *indexPairsFlags) error {
	size := f.BatchSize
	arts, err := e.loadInputs(ctx, &f.inputs)
	if err != nil {
		return err
	}
	var runs [][]article.Article
	for len(arts) > 0 {
		n := len(arts)
		if size > 0 {
			n = min(n, size)
		}
		runs, arts = append(runs, arts[:n]), arts[n:]
	}
	st, err := index.Open(ctx, f.Index, true)
	if err != nil {
		return err
	}
	defer st.Close()
	rels, err := index.Committed(ctx, st, runs)
	if err != nil {
		return err
	}
	var rows []output.Pair
	for _, r := range rels {
		rows = append(rows, indexRows(r, f.MinRel)...)
	}
	return e.writeOutput(f.Output, func(w io.Writer) error { return output.WritePairs(w, f.Format, rows) })
}
