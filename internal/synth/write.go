package synth

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
)

// Write generates n articles of seed as JSONL to corpus and their truth as
// JSONL to truth, one record per line each, in the same order.
func Write(ctx context.Context, n int, seed uint64, corpus, truth io.Writer) error {
	cw := bufio.NewWriterSize(corpus, 1<<20)
	tw := bufio.NewWriterSize(truth, 1<<16)
	ce, te := json.NewEncoder(cw), json.NewEncoder(tw)
	ce.SetEscapeHTML(false)
	te.SetEscapeHTML(false)
	err := New(seed).Generate(ctx, n, func(a *Article, t *Truth) error {
		if err := ce.Encode(a); err != nil {
			return err
		}
		return te.Encode(t)
	})
	if err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return tw.Flush()
}

// ReadTruth reads a truth file written by Write.
func ReadTruth(r io.Reader) ([]Truth, error) {
	var out []Truth
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	for {
		var t Truth
		if err := dec.Decode(&t); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
}
