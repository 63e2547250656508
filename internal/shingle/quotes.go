package shingle

import (
	"unicode"
	"unicode/utf8"
)

// The one table of quotation marks, read by align (which words of a pair
// are quoted) and quote (who said what), so that both agree on what a
// quotation is. News copy uses:
//
//	"…"  straight          “…”  curly            „…“  German
//	«…»  guillemets        »…«  German reversed  「…」 『…』 CJK
//	‘…’  single, when the opening mark starts a word after a non-letter
//	     ("rock‘n’roll" and the apostrophe of "Syria’s" are no quotes)
//
// A straight and a curly double mark close each other's quotations, and a
// straight apostrophe closes a single quotation; a closing ’ or ' before a
// letter is an apostrophe ("don't"), not the end of the quotation.

// QuoteCloser returns the mark that closes a quotation opened by r at
// text[i:] (r is size bytes long), or 0 when r opens none there.
func QuoteCloser(text string, i int, r rune, size int) rune {
	switch r {
	case '"':
		return '"'
	case '“':
		return '”'
	case '„':
		return '“'
	case '«':
		return '»'
	case '»':
		return '«'
	case '「':
		return '」'
	case '『':
		return '』'
	case '‘':
		if i+size >= len(text) {
			return 0
		}
		if n, _ := utf8.DecodeRuneInString(text[i+size:]); !unicode.IsLetter(n) && !unicode.IsDigit(n) {
			return 0
		}
		if i > 0 {
			if p, _ := utf8.DecodeLastRuneInString(text[:i]); unicode.IsLetter(p) || unicode.IsDigit(p) {
				return 0
			}
		}
		return '’'
	}
	return 0
}

// QuoteCloses reports whether r at text[i:] (size bytes) closes a
// quotation that closer would close.
func QuoteCloses(text string, i int, r rune, size int, closer rune) bool {
	switch {
	case r == closer:
	case closer == '"' && r == '”', closer == '”' && r == '"':
	case closer == '’' && r == '\'':
	default:
		return false
	}
	if closer == '’' && i+size < len(text) {
		if n, _ := utf8.DecodeRuneInString(text[i+size:]); unicode.IsLetter(n) {
			return false
		}
	}
	return true
}
