package article

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// GeneratorMark is the start of the content of the <meta name="generator">
// that every page copydesk writes carries, and of report.json's
// "generator" field: a reader skips such files instead of taking its own
// report for an article.
const GeneratorMark = "copydesk"

// generatorHead is how far into a page Generated looks for the mark: the
// report's meta tag is in the first few hundred bytes of its head.
const generatorHead = 4096

// Generated reports whether an HTML page was written by copydesk: its head
// carries <meta name="generator" content="copydesk ...">.
func Generated(page []byte) bool {
	head := page[:min(len(page), generatorHead)]
	return bytes.Contains(head, []byte(`<meta name="generator" content="`+GeneratorMark))
}

// readJSON reads a .json file: a JSON array of article objects, or article
// objects one after another (JSONL, or pretty-printed). Each object is read
// as a JSONL record; an element that is not is reported with its number. A
// top-level object whose "generator" is copydesk's (report.json) is skipped
// with a note.
func (r *Reader) readJSON(ctx context.Context, name string, in io.Reader, fn func(Article) error) error {
	br := bufio.NewReaderSize(in, 1<<16)
	head, _ := br.Peek(512)
	dec := json.NewDecoder(br)
	array := bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("["))
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	if array {
		if _, err := dec.Token(); err != nil {
			r.bad(fmt.Errorf("%s: %w", name, err))
			return nil
		}
	}
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if array && !dec.More() {
			return nil
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF && !array {
			return nil
		}
		if err != nil {
			r.bad(fmt.Errorf("%s: article %d: %w", name, n, err))
			return nil
		}
		if n == 1 && !array && generatedJSON(raw) {
			r.note("%s: skipped (a file copydesk wrote)", name)
			return nil
		}
		if int64(len(raw)) > r.maxBytes() {
			r.bad(fmt.Errorf("%s: article %d: longer than the %s article limit (--max-size); skipped", name, n, size(r.maxBytes())))
			continue
		}
		a, warn, perr := ParseJSONRecord(raw)
		if err := r.emitRecord(name, "article", n, a, warn, perr, fn); err != nil {
			return err
		}
	}
}

// generatedJSON reports whether a JSON object has copydesk's "generator".
func generatedJSON(raw json.RawMessage) bool {
	var v struct {
		Generator string `json:"generator"`
	}
	var se *json.SyntaxError
	if err := json.Unmarshal(raw, &v); err != nil && errors.As(err, &se) {
		return false
	}
	return strings.HasPrefix(v.Generator, GeneratorMark)
}
