package quote

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/shingle"
)

// word is one token of the text with what attribution needs of it.
type word struct {
	Span
	norm   string // normalised (shingle.Normalize)
	cap    bool   // starts with an upper-case letter
	acro   bool   // all capitals, two letters or more ("HRW", "UN")
	poss   bool   // ends in 's: a possessor, never a head ("HRW’s")
	quoted bool   // inside one of the text's quotations
	brk    bool   // a clause break (, ; : ( ) — –) or sentence end lies before it
}

// wordsOf tokenises text (UAX #29, through shingle.Tokens) and marks the
// words inside quotations.
func wordsOf(text string, raws []rawQuote) []word {
	toks := shingle.Tokens(text)
	ws := make([]word, len(toks))
	prev := 0
	for i, t := range toks {
		s, e := int(t.Start), int(t.End)
		w := text[s:e]
		r, _ := utf8.DecodeRuneInString(w)
		n := shingle.Normalize(w)
		ws[i] = word{Span: Span{s, e}, norm: n, cap: unicode.IsUpper(r)}
		ws[i].acro = utf8.RuneCountInString(w) >= 2 && strings.ToUpper(w) == w && unicode.IsLetter(r)
		if strings.HasSuffix(n, "'s") && len(n) > 2 {
			ws[i].poss = true
			ws[i].norm = strings.TrimSuffix(n, "'s")
		}
		ws[i].brk = i == 0 || strings.ContainsAny(text[prev:s], ",;:()—–.!?\n")
		prev = e
	}
	q := 0
	for i := range ws {
		for q < len(raws) && raws[q].outer.End <= ws[i].Start {
			q++
		}
		if q < len(raws) {
			for _, p := range raws[q].parts {
				if ws[i].Start >= p.Start && ws[i].End <= p.End {
					ws[i].quoted = true
				}
			}
		}
	}
	return ws
}

// Word lists. Attribution reads English copy; each list is small and
// documented so that a miss can be traced to a missing word.
var (
	// speechVerbs are finite verbs that attribute a quotation.
	speechVerbs = setOf("said says say told tells added adds stated warned warns noted stressed stresses insisted insists explained explains declared declares announced announces wrote writes tweeted tweets replied replies asked continued cautioned argued acknowledged admitted confirmed urged complained claimed charged recalled concluded" +
		// Russian: "«…», — сказал Собянин", "Собянин заявил, что…".
		" сказал сказала сказали заявил заявила заявили добавил добавила добавили отметил отметила отметили подчеркнул подчеркнула сообщил сообщила сообщили пояснил пояснила рассказал рассказала говорит говорят считает уточнил уточнила")
	// participles attribute a quotation to the subject of their clause:
	// "Toner said, adding that “…”".
	participles = setOf("saying adding stressing noting describing warning insisting explaining arguing urging calling")
	// auxiliaries and adverbs that stand between a subject and its verb.
	fillers = setOf("also has had have would will later earlier then again reportedly previously once further strongly repeatedly just has've had've recently separately")
	// prepositions that make the name after them an object, not a subject.
	prepositions = setOf("in to from at on near for with of by about against after before over under into across between among toward towards via" +
		" в во на с со по о об от из к ко у за под над при для до после без через")
	// relatives that open a clause to skip: "De Mistura, whose two
	// predecessors quit, has said".
	relatives   = setOf("who whose which that where whom")
	determiners = setOf("the a an this that another one")
	definite    = setOf("the this that")
	pronouns    = setOf("he she он она")
	// particles inside personal names: "Staffan de Mistura", "al-Assad".
	particles = setOf("de da del della di du der den van von al el bin ibn ben bint abu le la")
	// connectors inside names: "Syrian Observatory for Human Rights".
	connectors = setOf("of for")
	// timeWords are capitalised but never names of speakers.
	timeWords = setOf("monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december today yesterday tomorrow tonight")
	// sentenceAdverbs open sentences capitalised; never names.
	sentenceAdverbs = setOf("meanwhile elsewhere among another earlier later however yet still despite even last next moreover also both while since although")
	// roleNouns describe a speaker by office; "the spokesman said" is
	// resolved to the nearest named speaker holding that office.
	roleNouns = setOf("spokesman spokeswoman spokesperson envoy minister secretary director president official officials ambassador chief head commander analyst monitor group observatory agency ministry spokesmen diplomat leader general mediator negotiator governor mayor representative source sources expert researcher activist witness resident" +
		" мэр министр глава губернатор президент представитель пресс-секретарь директор эксперт")
	// titles are role nouns written as part of a name: "Foreign Minister
	// Adel al-Jubeir", "Secretary of State John Kerry"; with the words that
	// complete them.
	titles = setOf("president secretary minister foreign prime deputy envoy special spokesman spokesperson spokeswoman director ambassador general chief senator mr mrs ms dr king prince sheikh commander colonel gen sen rep governor mayor pope judge premier chancellor state affairs defence defense interior department" +
		" мэр министр глава губернатор президент директор премьер")
	// cyrillicTitles are the Russian offices written before a name, with
	// the place or body they head: "Мэр Москвы Сергей Собянин".
	cyrillicTitles = setOf("мэр министр глава губернатор президент директор премьер")
	// orgWords mark a name as an organisation, never "he" or "she".
	orgWords = setOf("department ministry observatory council rights watch front group army forces nations union agency committee organisation organization coalition brigade party state office network news tv times post press reuters afp ap university bank fund federation assembly parliament government court commission institute agency house pentagon kremlin")
)

// roleSynonyms maps role nouns to one office.
var roleSynonyms = map[string]string{"spokeswoman": "spokesman", "spokesperson": "spokesman", "spokesmen": "spokesman", "officials": "official", "sources": "source"}

func role(norm string) string {
	if r, ok := roleSynonyms[norm]; ok {
		return r
	}
	return norm
}

func setOf(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// nameWord reports whether w can be part of a name: capitalised (or an
// acronym), not a function word, time word or sentence adverb.
func nameWord(w word) bool {
	if !w.cap {
		return false
	}
	if w.acro && w.norm != "i" {
		return true
	}
	if timeWords[w.norm] || sentenceAdverbs[w.norm] || pronouns[w.norm] {
		return false
	}
	return !shingle.IsStopword(shingle.HashWord(w.norm))
}
