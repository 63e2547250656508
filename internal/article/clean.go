package article

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Cleaning rules. A line (paragraph) of the raw text is dropped, or moved to a
// field, when one of these holds; everything else is kept word for word.
//
//  1. UI line: at most maxUIWords words, every word in uiWords or a number
//     ("Share", "Advertisement", "Published: Updated:", "Enable Read mode",
//     "100% Font Size", "Top Content Trending"). A sentence of the story
//     always has a word outside this vocabulary.
//  2. Repeat: a line of three words or more that already appeared in the
//     article (a photo caption printed twice, a pull quote). The first copy
//     stays.
//  3. Byline: a short line "By Name Surname" (also "Par", "Por", "Von", "Di",
//     "Door", "Av"), names capitalised. Kept as Byline.
//  4. Dateline: "GENEVA (AA) –", "WASHINGTON, April 10 (Reuters) -" at the
//     start of the first paragraph: a place in capitals or followed by an
//     agency in brackets, then a dash. Kept as Dateline; the agency is also a
//     credit.
//  5. Credits: a short line "Source: …", "Sources: …", "(With Reuters)",
//     "(Reporting by …)", "Reporting by …; Editing by …", "Photo: …",
//     "Image credit: …", "Anna Berg in Rome contributed to this report".
//     Kept in Credits.
//  6. Rights line: a short line starting "©", "(c)" or "Copyright" ("© 2026
//     Example Daily. All rights reserved."). Dropped.
//  7. Trailing links: after the last paragraph that ends like a sentence,
//     short lines without sentence punctuation are links to other stories
//     ("Islamic State group retakes Syrian town in north from rebels") and are
//     dropped. Subheadings inside the story stay.
const (
	maxUIWords      = 6
	maxBylineWords  = 8
	maxCreditWords  = 14
	maxTrailerWords = 16
	// A first line longer than this, or ending like a sentence and longer
	// than half of it, is the first paragraph, not a headline.
	maxHeadlineWords = 40
)

// uiWords is the vocabulary of page furniture (rule 1), lower case.
var uiWords = setOf(`share shares shared advertisement advertising ad ads sponsored
published updated posted modified last update enable disable read mode reading
font size text zoom reset top content trending popular most viewed latest news
print email e-mail mail tweet twitter facebook whatsapp telegram linkedin
pinterest reddit copy link subscribe subscription sign up in log login logout
register newsletter follow us comments comment leave a reply show hide more less
click here skip to main menu search close open home back next previous page
related articles stories story video videos photo photos gallery image images
listen audio play watch loading cookies cookie accept settings min mins minute
minutes ago day days hour hours am pm gmt utc a aa this article on to our your
with the via now here and for free daily weekly full view all see also`)

func setOf(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	bylineRE = regexp.MustCompile(`^(?i:by|par|por|von|di|door|av)\s+(\p{Lu}[\p{L}\p{M}'’.\-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}'’.\-]*|de|da|van|von|al|el|bin|and|&|,))*)\s*$`)
	// A dateline: a place (capitals, or any words followed by an agency in
	// brackets), an optional date, the agency, then a dash.
	datelineRE = regexp.MustCompile(`^((?:\p{Lu}[\p{Lu}\p{M}.'’\- ]{1,40}?(?:,\s*[\p{L}\p{N} .]{1,30}?)?\s*(?:\(([^()]{1,40})\))?)|(?:[\p{L}\p{M}.'’\-, ]{2,40}?\s*\(([^()]{1,40})\)))\s*[-–—:]\s+`)
	creditRE   = regexp.MustCompile(`^(?i:sources?|kaynak|fuente|quelle|photo|photos|image|image credit|picture|credit|credits)\s*:\s*(.+?)\.?$`)
	withRE     = regexp.MustCompile(`^\(\s*(?i:with|additional reporting by|reporting by|compiled by|writing by|editing by)\s+([^()]+?)\s*\)\.?$`)
	rightsRE   = regexp.MustCompile(`^(?i:©|\(c\)|copyright\b)`)
	reportRE   = regexp.MustCompile(`^(?i:reporting by|additional reporting by|writing by|editing by|compiled by)\s+(.+?)\.?$`)
	// contribRE: "Anna Berg in Rome contributed to this report."
	contribRE = regexp.MustCompile(`^\(?\s*(\p{Lu}.*?)\s+(?i:also\s+)?(?i:contributed)\s+(?i:to\s+this\s+(?:report|story|article))\s*\.?\s*\)?\.?$`)
)

// clean turns raw text lines into a cleaned Article body and fields. title is
// set when the text has no separate headline and the first kept line should
// become one.
//
// This is the hot loop of reading a corpus, so it allocates little: lines
// are slices of raw (folded copies only where white space needs folding),
// word counts and tests work on the lines in place, and the scratch space
// comes from a pool. Whatever ends up in the Article is copied out of raw,
// so that keeping an article does not keep its raw text.
func clean(a *Article, raw string, takeTitle bool) {
	c := cleaners.Get().(*cleaner)
	c.clean(a, raw, takeTitle)
	c.reset()
	cleaners.Put(c)
}

// cleaner is the scratch space of clean.
type cleaner struct {
	lines  []string
	words  []int // word count of each kept line
	lower  []byte
	lower2 []byte
	// seen maps the hash of a lower-cased line of three words or more to
	// the first line with that hash; more holds the lower-cased lines
	// whose hash collided with a different line's.
	seen map[uint64]string
	more map[string]bool
}

var (
	cleaners = sync.Pool{New: func() any { return &cleaner{seen: make(map[uint64]string)} }}
	lineSeed = maphash.MakeSeed()
)

func (c *cleaner) reset() {
	clear(c.lines) // drop the references to raw
	c.lines = c.lines[:0]
	if cap(c.lines) > 1<<12 {
		c.lines, c.words = nil, nil
	}
	if len(c.seen) > 1<<10 {
		c.seen = make(map[uint64]string)
	} else {
		clear(c.seen)
	}
	c.more = nil
	if cap(c.lower) > 1<<16 || cap(c.lower2) > 1<<16 {
		c.lower, c.lower2 = nil, nil
	}
}

func (c *cleaner) clean(a *Article, raw string, takeTitle bool) {
	c.lines = appendLines(c.lines[:0], raw)
	kept, words := c.lines[:0], c.words[:0]
	for _, line := range c.lines {
		if isUILine(line) {
			// "(With AA)" reads as furniture ("with", "aa" as in font
			// size); it is a credit all the same.
			if cr, ok := creditLine(line); ok {
				a.Credits = appendUnique(a.Credits, strings.Clone(cr))
			}
			continue
		}
		// A folded line's words are separated by single spaces.
		n := strings.Count(line, " ") + 1
		if n >= 3 && c.repeat(line) {
			continue
		}
		if takeTitle && a.Title == "" {
			takeTitle = false
			if looksLikeHeadline(line) {
				a.Title = strings.Clone(line)
				continue
			}
		}
		if a.Byline == "" && n <= maxBylineWords && mayStart(line, "bpvda") {
			if m := bylineRE.FindStringSubmatch(line); m != nil {
				a.Byline = strings.Clone(strings.TrimSpace(m[1]))
				continue
			}
		}
		if n <= maxCreditWords && mayStart(line, "(c") && rightsRE.MatchString(line) {
			continue
		}
		if cr, ok := creditLineN(line, n); ok {
			a.Credits = appendUnique(a.Credits, strings.Clone(cr))
			continue
		}
		kept = append(kept, line)
		words = append(words, n)
	}
	c.words = words
	kept = kept[:trailingLinksStart(kept, words)]
	if len(kept) > 0 && a.Dateline == "" {
		if d, agency, rest, ok := dateline(kept[0]); ok {
			a.Dateline = strings.Clone(d)
			if agency != "" {
				// The agency of the dateline is the first credit.
				a.Credits = appendUnique([]string{strings.Clone(agency)}, a.Credits...)
			}
			kept[0] = rest
		}
	}
	a.Body = strings.Join(kept, "\n\n")
	if len(kept) == 1 {
		a.Body = strings.Clone(a.Body) // Join returned kept[0], part of raw
	}
}

// repeat reports whether a line equal to line but for case was seen before
// in this article (rule 2), and records line as seen.
func (c *cleaner) repeat(line string) bool {
	c.lower = appendLower(c.lower[:0], line)
	h := maphash.Bytes(lineSeed, c.lower)
	first, ok := c.seen[h]
	if !ok {
		c.seen[h] = line
		return false
	}
	c.lower2 = appendLower(c.lower2[:0], first)
	if bytes.Equal(c.lower, c.lower2) {
		return true
	}
	// Two different lines with one hash: tell them apart by their text.
	if c.more == nil {
		c.more = make(map[string]bool)
	}
	if c.more[string(c.lower)] {
		return true
	}
	c.more[string(c.lower)] = true
	return false
}

// appendLower appends strings.ToLower(s) to dst.
func appendLower(dst []byte, s string) []byte {
	i := 0
	// Eight bytes of ASCII at a time: add 0x20 to those in 'A'..'Z'.
	for i+8 <= len(s) {
		x := load8(s, i)
		if x&highs != 0 {
			break
		}
		upper := ((x + ones*(0x80-'A')) ^ (x + ones*(0x80-'Z'-1))) & highs
		dst = binary.LittleEndian.AppendUint64(dst, x|upper>>2)
		i += 8
	}
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			dst = append(dst, b)
			i++
			continue
		}
		// An invalid byte decodes as utf8.RuneError, which strings.ToLower
		// writes too.
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// mayStart reports whether s may start with one of the ASCII letters or
// signs in set (letters in lower case, matched in either case): a cheap
// test before a regular expression anchored at the start. A non-ASCII first
// byte may be anything (a sign such as ©, a letter that folds to an ASCII
// one), so it passes.
func mayStart(s, set string) bool {
	if s == "" {
		return false
	}
	b := s[0]
	if b >= utf8.RuneSelf {
		return true
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return strings.IndexByte(set, b) >= 0
}

// looksLikeHeadline tells a headline from a first paragraph: a headline is
// short, or at least does not run on as prose over several sentences.
func looksLikeHeadline(line string) bool {
	n := wordCount(line)
	return n <= maxHeadlineWords && (!endsSentence(line) || n <= maxHeadlineWords/2)
}

// splitLines returns the non-empty lines of raw, trimmed, with runs of inner
// white space folded to one space.
func splitLines(raw string) []string {
	return appendLines(nil, raw)
}

// appendLines appends splitLines(raw) to dst. A line that needs no folding,
// as most do, is a slice of raw.
func appendLines(dst []string, raw string) []string {
	for raw != "" {
		line := raw
		if i := strings.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = ""
		}
		if !isFolded(line) {
			line = strings.Join(strings.Fields(line), " ")
		}
		if line != "" {
			dst = append(dst, line)
		}
	}
	return dst
}

// asciiSpace is the ASCII white space of unicode.IsSpace and strings.Fields.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isFolded reports whether s is non-empty and already as splitLines leaves
// a line: no white space but single spaces between words.
func isFolded(s string) bool {
	space := true // a space here would lead the line or follow another
	i := 0
	// Eight bytes of ASCII without control characters at a time.
	for i+8 <= len(s) {
		x := load8(s, i)
		if x&highs != 0 || hasLess(x, 0x20) {
			break
		}
		m := byteMask(x, ' ')
		if m&(m>>8) != 0 || space && m&0x80 != 0 {
			return false
		}
		space = m>>63 != 0
		i += 8
	}
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			if asciiSpace[b] {
				if b != ' ' || space {
					return false
				}
				space = true
			} else {
				space = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		space = false
		i += size
	}
	return !space
}

// wordCount is len(strings.Fields(s)), without making the slice.
func wordCount(s string) int {
	n, inWord := 0, false
	for i := 0; i < len(s); {
		b := s[i]
		space := false
		if b < utf8.RuneSelf {
			space = asciiSpace[b]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if space {
			inWord = false
		} else if !inWord {
			inWord = true
			n++
		}
	}
	return n
}

// maxUIWordLen is the length of the longest word in uiWords.
const maxUIWordLen = len("advertisement")

// isUILine is rule 1. Words are runs of letters, digits and hyphens,
// lower-cased; the line is read once, without copying it.
func isUILine(line string) bool {
	var buf [maxUIWordLen]byte
	word := buf[:0]
	words := 0
	inWord, long, digits := false, false, false
	for i := 0; i <= len(line); {
		var r rune = -1 // the end of the line ends the last word
		size := 1
		if i < len(line) {
			if b := line[i]; b < utf8.RuneSelf {
				r = rune(b)
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
			} else {
				r, size = utf8.DecodeRuneInString(line[i:])
				r = unicode.ToLower(r)
			}
		}
		i += size
		var isDigit, inside bool
		if r < utf8.RuneSelf {
			isDigit = '0' <= r && r <= '9'
			inside = isDigit || 'a' <= r && r <= 'z' || r == '-'
		} else {
			isDigit = unicode.IsDigit(r)
			inside = unicode.IsLetter(r) || unicode.IsNumber(r)
		}
		if inside {
			if !inWord {
				words++
				if words > maxUIWords {
					return false
				}
				inWord, long, digits, word = true, false, true, word[:0]
			}
			digits = digits && isDigit
			if !long {
				if len(word)+utf8.RuneLen(r) > len(buf) {
					long = true
				} else {
					word = utf8.AppendRune(word, r)
				}
			}
			continue
		}
		if inWord {
			inWord = false
			if !digits && (long || !uiWords[string(word)]) {
				return false
			}
		}
	}
	// No words at all: only punctuation or symbols ("|", "•", "* * *").
	return true
}

// creditLine is rule 5.
func creditLine(line string) (string, bool) {
	return creditLineN(line, wordCount(line))
}

// creditLineN is creditLine for a line of n words.
func creditLineN(line string, n int) (string, bool) {
	if n > maxCreditWords {
		return "", false
	}
	for _, c := range []struct {
		re    *regexp.Regexp
		start string // what the line must start with, for mayStart
	}{{withRE, "("}, {reportRE, "rawec"}, {creditRE, "skfqpic"}, {contribRE, ""}} {
		if c.re == contribRE {
			if !strings.Contains(line, "ontributed") {
				continue
			}
		} else if !mayStart(line, c.start) {
			continue
		}
		if m := c.re.FindStringSubmatch(line); m != nil {
			return strings.TrimSpace(m[1]), true
		}
	}
	return "", false
}

// dateline is rule 4: it splits "GENEVA (AA) – U.S. Secretary…" into the
// dateline "GENEVA (AA)", the agency "AA" and the rest of the paragraph.
func dateline(p string) (d, agency, rest string, ok bool) {
	m := datelineRE.FindStringSubmatchIndex(p)
	if m == nil {
		return "", "", "", false
	}
	d = strings.TrimSpace(p[m[2]:m[3]])
	rest = p[m[1]:]
	switch {
	case m[4] >= 0:
		agency = p[m[4]:m[5]]
	case m[6] >= 0:
		agency = p[m[6]:m[7]]
	}
	// A place in capitals needs at least one real word in capitals ("US
	// officials - ..." is not a dateline), and what follows must read as a
	// sentence.
	if agency == "" && !hasCapsWord(d) {
		return "", "", "", false
	}
	if r, _ := utf8.DecodeRuneInString(rest); rest == "" || !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\'') {
		return "", "", "", false
	}
	return d, strings.TrimSpace(agency), rest, true
}

func hasCapsWord(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if utf8.RuneCountInString(w) >= 3 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			return true
		}
	}
	return false
}

// trailingLinksStart is rule 7: the index of the first of the trailing
// links among lines of words[i] words each, len(lines) if none.
func trailingLinksStart(lines []string, words []int) int {
	end := len(lines)
	for end > 0 && !endsSentence(lines[end-1]) && words[end-1] <= maxTrailerWords {
		end--
	}
	if end == 0 {
		// No line ends like a sentence: keep them all rather than nothing.
		return len(lines)
	}
	return end
}

// endsSentence reports whether a line ends as prose does: with a full stop,
// question or exclamation mark, a closing quote or bracket, in any script.
func endsSentence(line string) bool {
	r, _ := utf8.DecodeLastRuneInString(line)
	switch r {
	case '.', '!', '?', '"', '”', '’', '\'', '»', ')', ']', '…', ':', ';',
		'。', '！', '？', '؟', '۔', '।':
		return true
	}
	return false
}

func appendUnique(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
