package article

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A JSONL line is read by one pass of a small JSON scanner instead of
// encoding/json's two (check, then decode into a map of raw values): the
// scanner checks the line is a JSON object exactly as encoding/json does and
// notes where the values of the fields this package reads are; only those
// are unquoted. A line the scanner does not accept (invalid JSON, not an
// object, nested deeper than maxScanDepth) goes to encoding/json, so every
// error message stays encoding/json's own.

// recordFields are the fields read from a JSONL record, in the order their
// types are checked.
var recordFields = [...]string{"id", "text", "html", "outlet", "title", "url", "published"}

// maxScanDepth bounds the nesting the scanner follows; deeper lines go to
// encoding/json, which allows 10,000 levels.
const maxScanDepth = 100

// scanRecord reports whether line is one JSON object that encoding/json
// accepts, and sets vals[k] to the raw value of the last recordFields[k] in
// it (nil when absent), as json.Unmarshal into map[string]json.RawMessage
// would.
func scanRecord(line []byte, vals *[len(recordFields)][]byte) bool {
	s := jsonScanner{b: line}
	s.space()
	if !s.is('{') {
		return false
	}
	s.i++
	s.space()
	if s.is('}') {
		s.i++
	} else {
		for {
			if !s.is('"') {
				return false
			}
			start := s.i
			escaped, ok := s.str()
			if !ok {
				return false
			}
			key := line[start+1 : s.i-1]
			s.space()
			if !s.is(':') {
				return false
			}
			s.i++
			s.space()
			vstart := s.i
			if !s.value(1) {
				return false
			}
			if k := fieldIndex(key, escaped); k >= 0 {
				vals[k] = line[vstart:s.i]
			}
			s.space()
			if s.is(',') {
				s.i++
				s.space()
				continue
			}
			if !s.is('}') {
				return false
			}
			s.i++
			break
		}
	}
	s.space()
	return s.i == len(line)
}

// fieldIndex returns the index in recordFields of the key (its bytes between
// the quotes), or -1.
func fieldIndex(key []byte, escaped bool) int {
	if escaped {
		k, _ := unquoteJSON(key)
		return slices.Index(recordFields[:], k)
	}
	for k, f := range recordFields {
		if string(key) == f {
			return k
		}
	}
	return -1
}

type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) is(c byte) bool { return s.i < len(s.b) && s.b[s.i] == c }

// space skips JSON white space.
func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str scans the string starting at s.i (a quote) and reports whether it has
// escapes. Any byte but a control character may stand in a JSON string as
// encoding/json reads it; invalid UTF-8 is replaced when unquoted.
func (s *jsonScanner) str() (escaped, ok bool) {
	b := s.b
	for i := s.i + 1; ; i++ {
		// Skip eight plain bytes at a time.
		for i+8 <= len(b) {
			if x := load8b(b, i); hasLess(x, 0x20) || hasByte(x, '"') || hasByte(x, '\\') {
				break
			}
			i += 8
		}
		if i >= len(b) {
			return false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return false, false
			}
			i++
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return false, false
				}
				i += 4
			default:
				return false, false
			}
		case c < 0x20:
			return false, false
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// value scans one JSON value at s.i, at the given depth of nesting.
func (s *jsonScanner) value(depth int) bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, ok := s.str()
		return ok
	case c == '{' || c == '[':
		if depth >= maxScanDepth {
			return false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.space()
		if s.is(end) {
			s.i++
			return true
		}
		for {
			if c == '{' {
				if !s.is('"') {
					return false
				}
				if _, ok := s.str(); !ok {
					return false
				}
				s.space()
				if !s.is(':') {
					return false
				}
				s.i++
				s.space()
			}
			if !s.value(depth + 1) {
				return false
			}
			s.space()
			if s.is(',') {
				s.i++
				s.space()
				continue
			}
			if !s.is(end) {
				return false
			}
			s.i++
			return true
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return false
}

func (s *jsonScanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. What follows
// it is the caller's to check.
func (s *jsonScanner) number() bool {
	b, i := s.b, s.i
	if b[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		digits()
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	s.i = i
	return true
}

// unquoteJSON decodes the inside of a JSON string the scanner accepted, as
// encoding/json does: escapes resolved, a lone or broken UTF-16 surrogate
// and each byte of invalid UTF-8 replaced by U+FFFD. replaced reports
// whether q held such a byte (an escaped \ufffd or surrogate does not count:
// it is valid JSON).
func unquoteJSON(q []byte) (s string, replaced bool) {
	i := 0
	for i < len(q) && q[i] != '\\' && q[i] < utf8.RuneSelf {
		i++
	}
	if i == len(q) || bytes.IndexByte(q[i:], '\\') < 0 && utf8.Valid(q[i:]) {
		return string(q), false
	}
	var b strings.Builder
	b.Grow(len(q) + utf8.UTFMax)
	b.Write(q[:i])
	for i < len(q) {
		c := q[i]
		switch {
		case c == '\\':
			i++
			switch q[i] {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r := hex4(q[i+1:])
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 < len(q) && q[i+1] == '\\' && q[i+2] == 'u' {
						r2 = hex4(q[i+3:])
					}
					if d := utf16.DecodeRune(r, r2); d != unicode.ReplacementChar {
						r = d
						i += 6
					} else {
						r = unicode.ReplacementChar
					}
				}
				b.WriteRune(r)
			default: // '"', '\\', '/'
				b.WriteByte(q[i])
			}
			i++
		case c < utf8.RuneSelf:
			// Copy the run up to the next escape or non-ASCII byte.
			j := i + 1
			for j+8 <= len(q) {
				if x := load8b(q, j); x&highs != 0 || hasByte(x, '\\') {
					break
				}
				j += 8
			}
			for j < len(q) && q[j] != '\\' && q[j] < utf8.RuneSelf {
				j++
			}
			b.Write(q[i:j])
			i = j
		default:
			r, size := utf8.DecodeRune(q[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError)
				replaced = true
			} else {
				b.Write(q[i : i+size])
			}
			i += size
		}
	}
	return b.String(), replaced
}

// hex4 reads the four hex digits at the start of h.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
