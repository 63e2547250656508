package article

// This file keeps the straightforward form of clean and ParseJSONLine that
// the package had before they were made cheap (one scan per line, a
// one-pass JSON scanner): strings.Fields, strings.ToLower and
// encoding/json, rule by rule. The tests below check that the fast forms
// give exactly the same articles and errors on the synthetic corpus, on
// every test input of the repository and under fuzzing. A change to a
// cleaning rule is made in both.

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
)

// refClean turns raw text lines into a cleaned Article body and fields. title is
// set when the text has no separate headline and the first kept line should
// become one.
func refClean(a *Article, raw string, takeTitle bool) {
	lines := refSplitLines(raw)
	seen := make(map[string]bool)
	kept := lines[:0]
	for _, line := range lines {
		if refIsUILine(line) {
			if c, ok := refCreditLine(line); ok {
				a.Credits = appendUnique(a.Credits, c)
			}
			continue
		}
		if n := refWordCount(line); n >= 3 {
			key := strings.ToLower(line)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		if takeTitle && a.Title == "" {
			takeTitle = false
			if refLooksLikeHeadline(line) {
				a.Title = line
				continue
			}
		}
		if a.Byline == "" && refWordCount(line) <= maxBylineWords {
			if m := bylineRE.FindStringSubmatch(line); m != nil {
				a.Byline = strings.TrimSpace(m[1])
				continue
			}
		}
		if rightsRE.MatchString(line) && refWordCount(line) <= maxCreditWords {
			continue
		}
		if c, ok := refCreditLine(line); ok {
			a.Credits = appendUnique(a.Credits, c)
			continue
		}
		kept = append(kept, line)
	}
	kept = refDropTrailingLinks(kept)
	if len(kept) > 0 && a.Dateline == "" {
		if d, agency, rest, ok := dateline(kept[0]); ok {
			a.Dateline = d
			if agency != "" {
				// The agency of the dateline is the first credit.
				a.Credits = appendUnique([]string{agency}, a.Credits...)
			}
			kept[0] = rest
		}
	}
	a.Body = strings.Join(kept, "\n\n")
}

// refLooksLikeHeadline tells a headline from a first paragraph: a headline is
// short, or at least does not run on as prose over several sentences.
func refLooksLikeHeadline(line string) bool {
	n := refWordCount(line)
	return n <= maxHeadlineWords && (!endsSentence(line) || n <= maxHeadlineWords/2)
}

// refSplitLines returns the non-empty lines of raw, trimmed, with runs of inner
// white space folded to one space.
func refSplitLines(raw string) []string {
	var out []string
	for line := range strings.Lines(raw) {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

func refWordCount(s string) int { return len(strings.Fields(s)) }

// refIsUILine is rule 1.
func refIsUILine(line string) bool {
	f := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '-'
	})
	if len(f) == 0 {
		// Only punctuation or symbols: "|", "•", "* * *".
		return true
	}
	if len(f) > maxUIWords {
		return false
	}
	for _, w := range f {
		if !uiWords[w] && !refIsNumber(w) {
			return false
		}
	}
	return true
}

func refIsNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// refCreditLine is rule 5.
func refCreditLine(line string) (string, bool) {
	if refWordCount(line) > maxCreditWords {
		return "", false
	}
	for _, re := range []*regexp.Regexp{withRE, reportRE, creditRE, contribRE} {
		if m := re.FindStringSubmatch(line); m != nil {
			return strings.TrimSpace(m[1]), true
		}
	}
	return "", false
}

// dateline is rule 4: it splits "GENEVA (AA) – U.S. Secretary…" into the
// dateline "GENEVA (AA)", the agency "AA" and the rest of the paragraph.
// refDropTrailingLinks is rule 7.
func refDropTrailingLinks(lines []string) []string {
	end := len(lines)
	for end > 0 && !endsSentence(lines[end-1]) && refWordCount(lines[end-1]) <= maxTrailerWords {
		end--
	}
	if end == 0 {
		// No line ends like a sentence: keep them all rather than nothing.
		return lines
	}
	return lines[:end]
}

// endsSentence reports whether a line ends as prose does: with a full stop,
func refParseText(id, text string) (Article, error) {
	a := Article{ID: id}
	return a, refFromText(&a, text)
}

func refFromText(a *Article, text string) error {
	refClean(a, text, a.Title == "")
	return checkBody(a)
}

// refParseHTML extracts the main text of an HTML page with readability (the
// algorithm of Firefox's Reader View) and cleans it.
func refParseHTML(id, page string) (Article, error) {
	a := Article{ID: id}
	return a, refFromHTML(&a, page)
}

func refFromHTML(a *Article, page string) error {
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
	if a.Published == "" {
		if t, err := doc.PublishedTime(); err == nil {
			a.Published = t.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	refClean(a, b.String(), false)
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

// refRecord is the reference's reading of a record.
type refRecord map[string]json.RawMessage

func (rec refRecord) str(field string) (string, error) {
	raw, ok := rec[field]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q is %s, want a string", field, refJsonKind(raw))
	}
	return s, nil
}

func refJsonKind(raw json.RawMessage) string {
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

// refParseJSONLine reads one JSONL record: {"id","text"} required, "outlet",
// "title", "url", "published", "html" optional (html is used when text is
// absent), other fields ignored.
func refParseJSONLine(line []byte) (Article, error) {
	a, _, err := refParseJSONRecord(line)
	return a, err
}

// refParseJSONRecord is refParseJSONLine with ParseJSONRecord's warning: the
// fields read whose raw bytes are not UTF-8, named in recordFields' order.
func refParseJSONRecord(line []byte) (Article, error, error) {
	var rec record // the type's name is in encoding/json's messages
	if err := json.Unmarshal(line, &rec); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Article{}, nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return Article{}, nil, fmt.Errorf("invalid JSON: %v", err)
	}
	var a Article
	var text, html string
	for _, f := range []struct {
		name string
		dst  *string
	}{{"id", &a.ID}, {"text", &text}, {"html", &html}, {"outlet", &a.Outlet}, {"title", &a.Title}, {"url", &a.URL}, {"published", &a.Published}} {
		v, err := refRecord(rec).str(f.name)
		if err != nil {
			return Article{}, nil, err
		}
		*f.dst = v
	}
	if !utf8.Valid(rec["id"]) {
		return Article{}, nil, errors.New(`"id" is not valid UTF-8`)
	}
	if a.ID == "" {
		return Article{}, nil, errors.New(`missing "id"`)
	}
	var err error
	used := []string{"text", "outlet", "title", "url", "published"}
	switch {
	case strings.TrimSpace(text) != "":
		refClean(&a, text, false)
		err = checkBody(&a)
	case html != "":
		err = refFromHTML(&a, html)
		used = []string{"text", "html", "outlet", "title", "url", "published"}
	case text != "":
		return Article{}, nil, errors.New(`"text" is empty`)
	default:
		return Article{}, nil, errors.New(`missing "text"`)
	}
	if err != nil {
		return a, nil, err
	}
	var bad []string
	for _, f := range used {
		if !utf8.Valid(rec[f]) {
			bad = append(bad, `"`+f+`"`)
		}
	}
	switch {
	case len(bad) == 1:
		return a, fmt.Errorf("%s holds bytes that are not valid UTF-8, each read as U+FFFD", bad[0]), nil
	case len(bad) > 1:
		return a, fmt.Errorf("%s hold bytes that are not valid UTF-8, each read as U+FFFD", strings.Join(bad, ", ")), nil
	}
	return a, nil, nil
}
