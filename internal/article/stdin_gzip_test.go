package article

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"
)

// TestStdinGzip: gzip on standard input is read, JSONL or text.
func TestStdinGzip(t *testing.T) {
	for _, in := range []string{
		`{"id":"g1","text":"Floods hit the valley.\n\nResidents were moved to the school."}` + "\n",
		"Floods hit the valley\n\nResidents were moved to the school.\n",
	} {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		gz.Write([]byte(in))
		gz.Close()
		var bad []error
		r := &Reader{Stdin: &buf, Bad: func(err error) { bad = append(bad, err) }}
		arts, err := r.Load(context.Background(), []string{"-"})
		if err != nil || len(bad) > 0 || len(arts) != 1 || !strings.Contains(arts[0].Body, "school") {
			t.Errorf("%q: %v %v %+v", in, err, bad, arts)
		}
	}
}
