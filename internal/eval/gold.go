package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxLine is the longest gold line read (an ECB+ record with its text is
// well under 1 MiB; a news article rarely passes 100 KiB).
const maxLine = 64 << 20

// ReadLabels reads the gold label of each article from JSONL: field of each
// line's object, keyed by its "id". A label may be a string or a number. A
// line that is not JSON, lacks the id or the field, or repeats an id is
// handed to bad ("name: line n: reason") and skipped; only a read error
// stops the reading.
func ReadLabels(r io.Reader, name, field string, bad func(error)) (map[string]string, error) {
	out := make(map[string]string)
	err := eachLine(r, name, bad, func(line []byte) error {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		id, err := scalar(rec, "id")
		if err != nil {
			return err
		}
		label, err := scalar(rec, field)
		if err != nil {
			return err
		}
		if _, dup := out[id]; dup {
			return fmt.Errorf("id %q seen before", id)
		}
		out[id] = label
		return nil
	})
	return out, err
}

// ReadPairs reads gold pairs, one {"a", "b", "relation"} object a line. Bad
// lines are handed to bad and skipped, as in ReadLabels; a pair given twice
// keeps its first label and reports the second.
func ReadPairs(r io.Reader, name string, bad func(error)) ([]GoldPair, error) {
	var out []GoldPair
	seen := make(map[Key]bool)
	err := eachLine(r, name, bad, func(line []byte) error {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		var g GoldPair
		for _, f := range []struct {
			name string
			dst  *string
		}{{"a", &g.A}, {"b", &g.B}, {"relation", &g.Relation}} {
			v, err := scalar(rec, f.name)
			if err != nil {
				return err
			}
			*f.dst = v
		}
		if g.A == g.B {
			return fmt.Errorf("pair of %q with itself", g.A)
		}
		k := KeyOf(g.A, g.B)
		if seen[k] {
			return fmt.Errorf("pair %s, %s given twice", g.A, g.B)
		}
		seen[k] = true
		out = append(out, g)
		return nil
	})
	return out, err
}

// eachLine calls fn on each non-blank line; fn's errors go to bad with the
// line number.
func eachLine(r io.Reader, name string, bad func(error), fn func([]byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil && bad != nil {
			bad(fmt.Errorf("%s: line %d: %w", name, n, err))
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("longer than %d MiB", maxLine>>20)
		}
		return fmt.Errorf("%s: line %d: %w", name, n+1, err)
	}
	return nil
}

// scalar reads a string or number field as a string.
func scalar(rec map[string]json.RawMessage, field string) (string, error) {
	raw, ok := rec[field]
	if !ok || string(raw) == "null" {
		return "", fmt.Errorf("missing %q", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return "", fmt.Errorf("%q is empty", field)
		}
		return s, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("field %q is not a string or a number", field)
}
