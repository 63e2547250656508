package article

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	unicodeenc "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// DefaultMaxBytes is the largest article read: a text or HTML file, or one
// JSONL line. Real articles are a few tens of kilobytes; anything past this
// is a crawler accident (a whole site saved as one page) and is refused with
// a message rather than read into memory.
const DefaultMaxBytes = 16 << 20

// maxHTMLElements bounds the HTML tree the extractor scores: a real article
// page has a few thousand elements.
const maxHTMLElements = 200_000

// ErrBad marks a bad input: the caller reports it and goes on.
var ErrBad = errors.New("bad input")

// Reader reads articles from paths. The zero value reads nothing from
// standard input and reports bad inputs nowhere.
type Reader struct {
	Stdin    io.Reader // read for the path "-"
	MaxBytes int64     // largest article; 0 means DefaultMaxBytes
	// Bad is called once for each bad input or JSONL line, and for a
	// JSONL line whose fields held bytes that are not UTF-8 (read as
	// U+FFFD: that article is still read).
	Bad func(error)
	// Workers parses JSONL lines on this many goroutines; articles still
	// reach the callback one at a time, in file order. 0 or 1: parse in
	// the calling goroutine.
	Workers int
	// Note, when set, is told of inputs skipped or read on a guess that are
	// not errors: a file copydesk wrote, a skipped directory, a file named
	// on the command line whose extension is not an article format.
	Note func(string)
	// Skip lists directories a walk does not enter (a run's own output).
	Skip []string
	// StdinID is the id of a text or HTML article read from "-"; empty:
	// "stdin-" and the first 8 hex digits of the SHA-256 of its bytes, so
	// two different texts never share an id.
	StdinID string

	// flightBytes, when set, is the parallel JSONL reader's bound on bytes
	// in flight in place of jsonlFlightBytes; onFlight is told of each
	// change of those bytes (tests).
	flightBytes int64
	onFlight    func(n int64)

	seen map[string]string // id → where it was first read
	skip []os.FileInfo     // Skip, stated once
}

func (r *Reader) note(format string, args ...any) {
	if r.Note != nil {
		r.Note(fmt.Sprintf(format, args...))
	}
}

// skipped reports whether dir is one of r.Skip.
func (r *Reader) skipped(dir string) bool {
	if r.skip == nil {
		r.skip = []os.FileInfo{}
		for _, s := range r.Skip {
			if info, err := os.Stat(s); err == nil {
				r.skip = append(r.skip, info)
			}
		}
	}
	if len(r.skip) == 0 {
		return false
	}
	info, err := os.Stat(dir)
	if err != nil {
		return false
	}
	for _, s := range r.skip {
		if os.SameFile(s, info) {
			return true
		}
	}
	return false
}

// Load reads every article under paths into memory.
func (r *Reader) Load(ctx context.Context, paths []string) ([]Article, error) {
	var out []Article
	err := r.Read(ctx, paths, func(a Article) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// Read calls fn for each article under paths, in order: paths as given,
// directories walked in sorted order. A bad input goes to r.Bad and is
// skipped; Read returns only when ctx is cancelled or fn fails.
func (r *Reader) Read(ctx context.Context, paths []string, fn func(Article) error) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.readPath(ctx, p, fn); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reader) bad(err error) {
	if r.Bad != nil {
		r.Bad(err)
	}
}

func (r *Reader) maxBytes() int64 {
	if r.MaxBytes > 0 {
		return r.MaxBytes
	}
	return DefaultMaxBytes
}

func (r *Reader) readPath(ctx context.Context, p string, fn func(Article) error) error {
	if p == "-" {
		if r.Stdin == nil {
			r.bad(fmt.Errorf("-: no standard input"))
			return nil
		}
		return r.readStream(ctx, "-", r.Stdin, fn)
	}
	info, err := os.Stat(p)
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", p, unwrapPathError(err)))
		return nil
	}
	if !info.IsDir() {
		if kindOf(p) == kindOther && info.Mode().IsRegular() {
			r.note("%s: not an article file name (.txt, .html, .json, .jsonl, .jsonl.gz); read by its content", p)
		}
		if !info.Mode().IsRegular() && kindOf(p) != kindJSONL && kindOf(p) != kindJSON {
			// A FIFO or process substitution (<(zcat feed.gz)) given
			// by name: read by its content, as standard input is.
			return r.openStream(ctx, p, fn)
		}
		return r.readFile(ctx, p, info, fn)
	}
	return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			r.bad(fmt.Errorf("%s: %w", path, unwrapPathError(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() && path != p && r.skipped(path) {
			r.note("%s: skipped (this run's output)", path)
			return fs.SkipDir
		}
		if d.IsDir() || kindOf(path) == kindOther {
			return nil
		}
		// WalkDir does not follow links to directories, so a link loop
		// cannot trap it; a link to a file is read as the file.
		info, err := os.Stat(path)
		if err != nil {
			r.bad(fmt.Errorf("%s: %w", path, unwrapPathError(err)))
			return nil
		}
		if info.IsDir() {
			return nil
		}
		// A FIFO or device found in a walk would block the open (a FIFO
		// .jsonl waits for a writer for ever); only a path given by name
		// may be a stream.
		if !info.Mode().IsRegular() {
			r.bad(fmt.Errorf("%s: not a regular file", path))
			return nil
		}
		return r.readFile(ctx, path, info, fn)
	})
}

// openStream opens a path that is not a regular file (a FIFO, a process
// substitution's /dev/fd/N, a device) and reads it by its content.
func (r *Reader) openStream(ctx context.Context, p string, fn func(Article) error) error {
	f, err := os.Open(p)
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", p, unwrapPathError(err)))
		return nil
	}
	defer f.Close()
	return r.readStream(ctx, p, f, fn)
}

// readStream reads a stream of unknown kind and length, standard input or
// a path that is not a regular file, by its content: gzip (by its magic
// bytes) is uncompressed, then the first bytes tell JSON lines, a JSON
// array, HTML or text. JSON is streamed; a text or HTML article is read
// up to the size limit. Articles of a JSON stream have Source name.
func (r *Reader) readStream(ctx context.Context, name string, in io.Reader, fn func(Article) error) error {
	br := bufio.NewReaderSize(in, 1<<16)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := newGzip(br)
		if err != nil {
			r.bad(fmt.Errorf("%s: %w", name, err))
			return nil
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 1<<16)
	}
	head, _ := br.Peek(512)
	kind := sniff(head)
	rec := func(a Article) error { a.Source = name; return fn(a) }
	switch kind {
	case kindJSONL:
		return r.readJSONL(ctx, name, br, rec)
	case kindJSON:
		return r.readJSON(ctx, name, br, rec)
	}
	data, err := readLimited(br, r.maxBytes())
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	return r.emitFile(name, kind, data, fn)
}

// gzipReader is a gzip stream whose read errors say that the stream is
// truncated or corrupt, so a bad line names the cause, not only
// "unexpected EOF".
type gzipReader struct{ *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.Reader.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("gzip stream truncated or corrupt: %w", err)
	}
	return n, err
}

// newGzip opens a gzip stream; its error says the input is not gzip.
func newGzip(in io.Reader) (gzipReader, error) {
	gz, err := gzip.NewReader(in)
	if err != nil {
		return gzipReader{}, fmt.Errorf("not gzip: %w", err)
	}
	return gzipReader{gz}, nil
}

func (r *Reader) readFile(ctx context.Context, p string, info fs.FileInfo, fn0 func(Article) error) error {
	kind := kindOf(p)
	fn := func(a Article) error { // a record's file, for FILE#ID
		if a.ID != p {
			a.Source = p
		}
		return fn0(a)
	}
	if kind == kindJSONL || kind == kindJSON {
		f, err := os.Open(p)
		if err != nil {
			r.bad(fmt.Errorf("%s: %w", p, unwrapPathError(err)))
			return nil
		}
		defer f.Close()
		var in io.Reader = f
		if strings.HasSuffix(p, ".gz") {
			gz, err := newGzip(f)
			if err != nil {
				r.bad(fmt.Errorf("%s: %w", p, err))
				return nil
			}
			defer gz.Close()
			in = gz
		}
		if kind == kindJSON {
			return r.readJSON(ctx, p, in, fn)
		}
		return r.readJSONL(ctx, p, in, fn)
	}
	if !info.Mode().IsRegular() {
		r.bad(fmt.Errorf("%s: not a regular file", p))
		return nil
	}
	if info.Size() > r.maxBytes() {
		r.bad(fmt.Errorf("%s: file is %s, over the %s article limit (--max-size)", p, size(info.Size()), size(r.maxBytes())))
		return nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", p, unwrapPathError(err)))
		return nil
	}
	if kind == kindOther {
		kind = sniff(data)
		switch kind {
		case kindJSONL:
			return r.readJSONL(ctx, p, bytes.NewReader(data), fn)
		case kindJSON:
			return r.readJSON(ctx, p, bytes.NewReader(data), fn)
		}
	}
	if kind == kindHTML && Generated(data) {
		r.note("%s: skipped (a page copydesk wrote)", p)
		return nil
	}
	return r.emitFile(p, kind, data, fn)
}

// emitFile parses one text or HTML article and hands it on.
func (r *Reader) emitFile(name string, kind fileKind, data []byte, fn func(Article) error) error {
	text, err := decode(data)
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	a := Article{ID: name}
	if name == "-" {
		a.ID = r.StdinID
		if a.ID == "" {
			sum := sha256.Sum256(data)
			a.ID = "stdin-" + hex.EncodeToString(sum[:4])
		}
	}
	if kind == kindHTML {
		err = fromHTML(&a, text)
	} else {
		err = fromText(&a, text)
	}
	if err == nil {
		where := name
		if name == "-" {
			where = "standard input"
		}
		err = r.claim(a.ID, where)
	}
	if err != nil {
		r.bad(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	return fn(a)
}

// claim records that id was read at where, or says where it was read first.
func (r *Reader) claim(id, where string) error {
	if r.seen == nil {
		r.seen = make(map[string]string)
	}
	if first, ok := r.seen[id]; ok {
		return fmt.Errorf("duplicate id %q (first read at %s); skipped", id, first)
	}
	r.seen[id] = where
	return nil
}

// ParseText reads a plain-text article: its first non-empty line (after
// page furniture) is the headline, the rest the body.
func ParseText(id, text string) (Article, error) {
	a := Article{ID: id}
	return a, fromText(&a, text)
}

func fromText(a *Article, text string) error {
	clean(a, text, a.Title == "")
	return checkBody(a)
}

// ParseHTML extracts the main text of an HTML page with readability (the
// algorithm of Firefox's Reader View) and cleans it.
func ParseHTML(id, page string) (Article, error) {
	a := Article{ID: id}
	return a, fromHTML(&a, page)
}

func fromHTML(a *Article, page string) error {
	p := readability.NewParser()
	p.MaxElemsToParse = maxHTMLElements
	doc, err := p.Parse(strings.NewReader(page), nil)
	if err != nil {
		return fmt.Errorf("HTML: %w", err)
	}
	if doc.Node == nil {
		return errors.New("no main text found in the HTML")
	}
	var b strings.Builder
	if err := doc.RenderText(&b); err != nil {
		return fmt.Errorf("HTML: %w", err)
	}
	if a.Title == "" {
		a.Title = strings.Join(strings.Fields(doc.Title()), " ")
	}
	if a.Byline == "" {
		a.Byline = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(doc.Byline()), "By "))
	}
	if a.Outlet == "" {
		// og:site_name, else the page's site name as readability reads it.
		a.Outlet = strings.Join(strings.Fields(doc.SiteName()), " ")
	}
	if a.URL == "" {
		a.URL = canonicalURL(page)
	}
	if a.Published == "" {
		if t, err := doc.PublishedTime(); err == nil {
			a.Published = t.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	clean(a, b.String(), false)
	if a.Title != "" && len(a.Body) > 0 {
		// Readability often repeats the headline as the first line.
		first, rest, _ := strings.Cut(a.Body, "\n\n")
		if first == a.Title {
			a.Body = rest
		}
	}
	if !hasWords(a.Body) {
		return errors.New("no main text found in the HTML")
	}
	return nil
}

func checkBody(a *Article) error {
	if !hasWords(a.Body) {
		if hasWords(a.Title) {
			return errors.New("no body text (only a headline)")
		}
		return errors.New("no text")
	}
	return nil
}

func hasWords(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// record is one JSONL line, fields checked one by one for clear messages.
type record map[string]json.RawMessage

func (rec record) str(field string) (string, error) {
	raw, ok := rec[field]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q is %s, want a string", field, jsonKind(raw))
	}
	return s, nil
}

func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// ParseJSONLine reads one JSONL record: {"id","text"} required, "outlet",
// "title", "url", "published", "html" optional (html is used when text is
// absent), other fields ignored. It is ParseJSONRecord without the warning.
func ParseJSONLine(line []byte) (Article, error) {
	a, _, err := ParseJSONRecord(line)
	return a, err
}

// ParseJSONRecord reads one JSONL record as ParseJSONLine does, and also
// returns a warning when the article is read but a field it uses held raw
// bytes that are not UTF-8: each such byte reads as U+FFFD, and the warning
// names the fields. warn is nil whenever err is not.
//
// An "id" holding such bytes is an error, not a warning: replacing them
// would let two distinct ids collide and drop one article as a duplicate.
func ParseJSONRecord(line []byte) (a Article, warn, err error) {
	var text, html string
	dst := [len(recordFields)]*string{&a.ID, &text, &html, &a.Outlet, &a.Title, &a.URL, &a.Published}
	var invalid [len(recordFields)]bool // raw bytes that are not UTF-8
	var vals [len(recordFields)][]byte
	if scanRecord(line, &vals) {
		for k, raw := range vals {
			if raw == nil || string(raw) == "null" {
				continue
			}
			if raw[0] != '"' {
				return Article{}, nil, fmt.Errorf("field %q is %s, want a string", recordFields[k], jsonKind(raw))
			}
			*dst[k], invalid[k] = unquoteJSON(raw[1 : len(raw)-1])
		}
	} else {
		// Not a plain JSON object: encoding/json says what is wrong.
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return Article{}, nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
			}
			return Article{}, nil, fmt.Errorf("invalid JSON: %v", err)
		}
		for k, name := range recordFields {
			v, err := rec.str(name)
			if err != nil {
				return Article{}, nil, err
			}
			*dst[k], invalid[k] = v, !utf8.Valid(rec[name]) // encoding/json made them U+FFFD
		}
	}
	if invalid[0] {
		return Article{}, nil, errInvalidID
	}
	if a.ID == "" {
		return Article{}, nil, errors.New(`missing "id"`)
	}
	switch {
	case strings.TrimSpace(text) != "":
		clean(&a, text, false)
		invalid[2] = false // html is not read
		err = checkBody(&a)
	case html != "":
		err = fromHTML(&a, html)
	case text != "":
		return Article{}, nil, errors.New(`"text" is empty`)
	default:
		return Article{}, nil, errors.New(`missing "text"`)
	}
	if err != nil {
		return a, nil, err
	}
	return a, invalidFields(invalid), nil
}

// invalidFields is ParseJSONRecord's warning naming the fields marked
// invalid, or nil.
func invalidFields(invalid [len(recordFields)]bool) error {
	var names []string
	for k, bad := range invalid {
		if bad {
			names = append(names, strconv.Quote(recordFields[k]))
		}
	}
	switch len(names) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s holds bytes that are not valid UTF-8, each read as U+FFFD", names[0])
	}
	return fmt.Errorf("%s hold bytes that are not valid UTF-8, each read as U+FFFD", strings.Join(names, ", "))
}

// errInvalidID is ParseJSONLine's error for an id that is not UTF-8.
var errInvalidID = errors.New(`"id" is not valid UTF-8`)

func (r *Reader) readJSONL(ctx context.Context, name string, in io.Reader, fn func(Article) error) error {
	if r.Workers > 1 {
		return r.readJSONLParallel(ctx, name, in, fn)
	}
	br := bufio.NewReaderSize(in, 1<<20)
	limit := r.maxBytes()
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, long, err := readLine(br, limit)
		if err != nil && err != io.EOF {
			// A read error (a truncated gzip stream) cut the line: it is
			// reported, not parsed.
			r.bad(fmt.Errorf("%s: line %d: %w", name, n, err))
			return nil
		}
		if len(line) > 0 || long {
			switch {
			case long:
				r.bad(fmt.Errorf("%s: line %d: longer than the %s article limit (--max-size); skipped", name, n, size(limit)))
			case len(bytes.TrimSpace(line)) == 0:
				// blank line
			default:
				a, warn, perr := ParseJSONRecord(line)
				if err := r.emitRecord(name, "line", n, a, warn, perr, fn); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// emitRecord claims a parsed record's id and hands the article to fn. A
// parse error or a duplicate id goes to r.Bad and the record is skipped; a
// warning goes to r.Bad and the article is still read. The record is named
// as NAME: UNIT N (UNIT "line" in JSONL, "article" in a JSON file).
func (r *Reader) emitRecord(name, unit string, n int, a Article, warn, err error, fn func(Article) error) error {
	if err == nil {
		err = r.claim(a.ID, fmt.Sprintf("%s %s %d", name, unit, n))
	}
	if err != nil {
		r.bad(fmt.Errorf("%s: %s %d: %w", name, unit, n, err))
		return nil
	}
	if warn != nil {
		r.bad(fmt.Errorf("%s: %s %d: %w", name, unit, n, warn))
	}
	return fn(a)
}

// readLine reads one line without its newline. A line longer than limit is
// skipped to its end and reported as long. A blank line is nil: a feed of
// blank lines costs no allocation per line.
func readLine(br *bufio.Reader, limit int64) (line []byte, long bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if buf == nil && !long && err != bufio.ErrBufferFull && len(bytes.TrimRight(chunk, "\r\n")) == 0 {
			return nil, false, err
		}
		if !long {
			if int64(len(buf)+len(chunk)) > limit+1 {
				long, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), long, err
	}
}

type fileKind int

const (
	kindOther fileKind = iota
	kindText
	kindHTML
	kindJSONL
	kindJSON // a JSON array of articles, or JSON objects one after another
)

// kindOf tells a file's kind by its name. A directory walk reads only these.
func kindOf(p string) fileKind {
	lower := strings.ToLower(p)
	switch {
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"),
		strings.HasSuffix(lower, ".jsonl.gz"), strings.HasSuffix(lower, ".ndjson.gz"):
		return kindJSONL
	case strings.HasSuffix(lower, ".json"), strings.HasSuffix(lower, ".json.gz"):
		return kindJSON
	case strings.HasSuffix(lower, ".html"), strings.HasSuffix(lower, ".htm"), strings.HasSuffix(lower, ".xhtml"):
		return kindHTML
	case strings.HasSuffix(lower, ".txt"), strings.HasSuffix(lower, ".text"):
		return kindText
	}
	return kindOther
}

// sniff tells the kind of data with no telling name (standard input, an
// unknown extension): JSON lines, HTML, or text.
func sniff(data []byte) fileKind {
	s := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(s, []byte("{")):
		return kindJSONL
	case bytes.HasPrefix(s, []byte("[")) && bytes.HasPrefix(bytes.TrimLeft(s[1:], " \t\r\n"), []byte("{")):
		return kindJSON
	case bytes.HasPrefix(s, []byte("<")):
		return kindHTML
	}
	return kindText
}

// decode turns file bytes into text: UTF-8 (a BOM is dropped), or UTF-16
// with a BOM. Binary data and invalid UTF-8 are refused.
func decode(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		dec := unicodeenc.UTF16(unicodeenc.BigEndian, unicodeenc.UseBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return "", fmt.Errorf("bad UTF-16: %w", err)
		}
		data = out
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", fmt.Errorf("binary file (NUL byte at offset %d), not text", i)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return "", fmt.Errorf("invalid UTF-8 at byte %d (convert the file to UTF-8)", off)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", errors.New("empty file")
	}
	return string(data), nil
}

func readLimited(in io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("input is over the %s article limit (--max-size)", size(limit))
	}
	return data, nil
}

// unwrapPathError drops the path an *fs.PathError repeats, since the caller
// names the input itself.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// maxHeadTokens bounds how far into a page canonicalURL reads: the head of
// a saved news page ends well within it.
const maxHeadTokens = 20000

// canonicalURL returns a saved page's own address: its <link
// rel="canonical">, else its og:url; "" when it names none or the address
// is not absolute http(s).
func canonicalURL(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var og string
	for n := 0; n < maxHeadTokens; n++ {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		if tag == "body" {
			break
		}
		if !hasAttr || tag != "link" && tag != "meta" {
			continue
		}
		attrs := make(map[string]string)
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			attrs[string(k)] = strings.TrimSpace(string(v))
		}
		switch {
		case tag == "link" && slices.Contains(strings.Fields(strings.ToLower(attrs["rel"])), "canonical") && absoluteHTTP(attrs["href"]):
			return attrs["href"]
		case tag == "meta" && attrs["property"] == "og:url" && absoluteHTTP(attrs["content"]) && og == "":
			og = attrs["content"]
		}
	}
	return og
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
