package align

import (
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/shingle"
)

// MarkQuotes reports, for each token, whether it stands inside quotation
// marks. It reads the marks news copy uses: straight "…", curly “…”,
// guillemets «…» and »…«, German „…“, CJK 「…」 and 『…』, and single ‘…’ when
// the opening mark starts a word (so apostrophes in "Syria’s" are not
// quotes). A quote never runs past its paragraph (a blank line): an
// unbalanced mark quotes at most the rest of one paragraph, and a quote that
// runs over paragraphs, which by convention reopens each paragraph with an
// opening mark, is marked paragraph by paragraph.
func MarkQuotes(text string, toks []shingle.Token) []bool {
	quoted := make([]bool, len(toks))
	var closer rune // the mark that closes the open quote; 0 when none is open
	k := 0          // next token to mark
	for i := 0; i < len(text); i++ {
		// Only a newline or a quotation mark changes the state: skip the
		// other bytes (no continuation byte is one of these lead bytes).
		if !quoteLead[text[i]] {
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		// Tokens starting before this mark take the state before it.
		for k < len(toks) && int(toks[k].Start) <= i {
			quoted[k] = closer != 0
			k++
		}
		closer = nextCloser(text, i, r, size, closer)
		i += size - 1
	}
	for ; k < len(toks); k++ {
		quoted[k] = closer != 0
	}
	return quoted
}

// quoteLead marks the bytes that start a newline or a quotation mark
// MarkQuotes reads (shingle.QuoteCloser's table): newline, '"', the apostrophe (it
// closes ‘…’), and the lead bytes of « » (C2), “ ” „ ‘ ’ (E2) and 「 」 『 』
// (E3).
var quoteLead = [256]bool{'\n': true, '"': true, '\'': true, 0xC2: true, 0xE2: true, 0xE3: true}

// nextCloser is the quotation state after the character r (size bytes) at
// text[i], given the state closer before it.
func nextCloser(text string, i int, r rune, size int, closer rune) rune {
	switch {
	case r == '\n' && i+1 < len(text) && text[i+1] == '\n':
		return 0
	case closer == 0:
		return shingle.QuoteCloser(text, i, r, size)
	case shingle.QuoteCloses(text, i, r, size, closer):
		return 0
	}
	return closer
}
