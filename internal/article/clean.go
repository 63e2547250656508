package article

import (
	"regexp"
	"slices"
	"strings"
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
//     "Image credit: …". Kept in Credits.
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
)

// clean turns raw text lines into a cleaned Article body and fields. title is
// set when the text has no separate headline and the first kept line should
// become one.
func clean(a *Article, raw string, takeTitle bool) {
	lines := splitLines(raw)
	seen := make(map[string]bool)
	kept := lines[:0]
	for _, line := range lines {
		if isUILine(line) {
			continue
		}
		if n := wordCount(line); n >= 3 {
			key := strings.ToLower(line)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		if takeTitle && a.Title == "" {
			takeTitle = false
			if looksLikeHeadline(line) {
				a.Title = line
				continue
			}
		}
		if a.Byline == "" && wordCount(line) <= maxBylineWords {
			if m := bylineRE.FindStringSubmatch(line); m != nil {
				a.Byline = strings.TrimSpace(m[1])
				continue
			}
		}
		if rightsRE.MatchString(line) && wordCount(line) <= maxCreditWords {
			continue
		}
		if c, ok := creditLine(line); ok {
			a.Credits = appendUnique(a.Credits, c)
			continue
		}
		kept = append(kept, line)
	}
	kept = dropTrailingLinks(kept)
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

// looksLikeHeadline tells a headline from a first paragraph: a headline is
// short, or at least does not run on as prose over several sentences.
func looksLikeHeadline(line string) bool {
	n := wordCount(line)
	return n <= maxHeadlineWords && (!endsSentence(line) || n <= maxHeadlineWords/2)
}

// splitLines returns the non-empty lines of raw, trimmed, with runs of inner
// white space folded to one space.
func splitLines(raw string) []string {
	var out []string
	for line := range strings.Lines(raw) {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// isUILine is rule 1.
func isUILine(line string) bool {
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
		if !uiWords[w] && !isNumber(w) {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// creditLine is rule 5.
func creditLine(line string) (string, bool) {
	if wordCount(line) > maxCreditWords {
		return "", false
	}
	for _, re := range []*regexp.Regexp{withRE, reportRE, creditRE} {
		if m := re.FindStringSubmatch(line); m != nil {
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

// dropTrailingLinks is rule 7.
func dropTrailingLinks(lines []string) []string {
	end := len(lines)
	for end > 0 && !endsSentence(lines[end-1]) && wordCount(lines[end-1]) <= maxTrailerWords {
		end--
	}
	if end == 0 {
		// No line ends like a sentence: keep them all rather than nothing.
		return lines
	}
	return lines[:end]
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
