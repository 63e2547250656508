package shingle

import (
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
	"github.com/zeebo/xxh3"
)

// Tokens splits text into words (UAX #29) and returns them in order with
// their byte offsets and normalised hashes.
//
// Most news text is ASCII between the odd curly quote or accented name, and
// the UAX #29 rules restricted to ASCII are a handful (asciiWords), so
// Tokens cuts ASCII stretches itself and hands every stretch that holds a
// non-ASCII character to the uax29 segmenter, from the last safe point
// before it to the first safe point after it. A safe point is the start of
// an ASCII character other than a space that follows a space: UAX #29
// always breaks there (WB3d joins only spaces to spaces, WB4 only attaches
// Extend, Format and ZWJ characters, none of them ASCII), and no rule looks
// across a space, so segmenting from a safe point gives the words
// segmenting the whole text gives. Text that is not valid UTF-8 goes to
// the segmenter whole. The tokens are those of the segmenter
// alone (tokensUAX29), which the tests and the fuzz target check; on a seed
// article (English with curly quotes) it is 2.5 times faster.
func Tokens(text string) []Token {
	toks := make([]Token, 0, len(text)/5+8)
	var buf []byte
	for pos := 0; pos < len(text); {
		q := pos
		for q < len(text) && text[q] < 0x80 {
			q++
		}
		if q == len(text) {
			toks, buf = asciiWords(toks, buf, text, pos, q)
			break
		}
		s := q
		for s > pos && !safe(text, s) {
			s--
		}
		toks, buf = asciiWords(toks, buf, text, pos, s)
		e := q + 1
		for e < len(text) && !safe(text, e) {
			e++
		}
		if !utf8.ValidString(text[q:e]) {
			// The segmenter reads a broken sequence differently at the
			// end of a stretch than inside the text: segment all of it.
			return tokensUAX29(text)
		}
		toks, buf = segmentWords(toks, buf, text, s, e)
		pos = e
	}
	return toks
}

// safe reports whether UAX #29 always breaks before text[p] whatever
// precedes the space before it (see Tokens).
func safe(text string, p int) bool {
	c := text[p]
	return text[p-1] == ' ' && c < 0x80 && c != ' '
}

// segmentWords appends the words of text[from:to] found by the uax29
// segmenter.
func segmentWords(toks []Token, buf []byte, text string, from, to int) ([]Token, []byte) {
	it := words.FromString(text[from:to])
	for it.Next() {
		w := it.Value()
		if !isWord(w) {
			continue
		}
		buf = appendNormal(buf[:0], w)
		if len(buf) == 0 {
			continue
		}
		toks = append(toks, Token{Start: int32(from + it.Start()), End: int32(from + it.End()), Hash: xxh3.Hash(buf)})
	}
	return toks, buf
}

// tokensUAX29 is Tokens by the uax29 segmenter alone: the reference the
// ASCII fast path is tested against.
func tokensUAX29(text string) []Token {
	toks, _ := segmentWords(nil, nil, text, 0, len(text))
	return toks
}

// ASCII classes of the UAX #29 word-break property.
const (
	cOther   = iota
	cLetter  // ALetter: A-Z a-z
	cDigit   // Numeric: 0-9
	cExtend  // ExtendNumLet: _
	cMidL    // MidLetter: ':'
	cMidNum  // MidNum: ',' ';'
	cMidBoth // MidNumLet and Single_Quote: '.' '\''
)

var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = cLetter, cLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit
	}
	t['_'] = cExtend
	t[':'] = cMidL
	t[','], t[';'] = cMidNum, cMidNum
	t['.'], t['\''] = cMidBoth, cMidBoth
	return t
}()

// asciiWords appends the words of text[from:to], which is all ASCII, starts
// at a safe point (or the text's start) and ends at one (or the text's
// end). UAX #29 restricted to ASCII: letters, digits and '_' join
// (WB5, WB8-WB10, WB13a-b); a letter, one of : . ' and a letter join
// (WB6-7); a digit, one of , ; . ' and a digit join (WB11-12); everything
// else breaks (WB999). A segment is a word when it holds a letter or digit.
func asciiWords(toks []Token, buf []byte, text string, from, to int) ([]Token, []byte) {
	for i := from; i < to; {
		k := asciiClass[text[i]]
		if k < cLetter || k > cExtend {
			i++
			continue
		}
		start, word := i, k != cExtend
		for i++; i < to; {
			n := asciiClass[text[i]]
			if n >= cLetter && n <= cExtend {
				word = word || n != cExtend
				i++
				continue
			}
			if i+1 < to {
				prev, next := asciiClass[text[i-1]], asciiClass[text[i+1]]
				if prev == cLetter && next == cLetter && (n == cMidL || n == cMidBoth) ||
					prev == cDigit && next == cDigit && (n == cMidNum || n == cMidBoth) {
					i += 2
					continue
				}
			}
			break
		}
		if !word {
			continue
		}
		buf = appendASCII(buf[:0], text[start:i])
		toks = append(toks, Token{Start: int32(start), End: int32(i), Hash: xxh3.Hash(buf)})
	}
	return toks, buf
}

// appendASCII is appendNormal for an ASCII word: lower case, '.' and ','
// dropped except a decimal point between digits. It repeats appendNormal's
// ASCII rules because calling appendNormal here (a second pass to find the
// word is ASCII, and no inlining) made Tokens 24% slower; the tests that
// compare Tokens with tokensUAX29, which uses appendNormal, compare the
// hashes, so the two cannot drift apart unnoticed.
func appendASCII(dst []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == ',':
			continue
		case c == '.':
			if !(i > 0 && i+1 < len(w) && isDigit(w[i-1]) && isDigit(w[i+1])) {
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}
