// Package framing compares the words and figures outlets use for one story:
// the numbers each reports (Numbers), grouped by what they count with
// disagreements flagged, the terms each uses distinctively (Distinctive,
// weighted log-odds with an informative Dirichlet prior), and the names
// each gives the same referents (Names, from a documented table).
//
// # Numbers
//
// A numeric fact is a number (digits, "270,000" or "270 000", or a number
// word of numberTables, "four", "четыре") and the words it counts: up to two words after it that are
// neither function words nor prepositions ("250 civilians", "82 army
// troops", "34 ISIS militants"), or a month before it ("February 27"). A
// qualifier before it ("at least", "more than") is kept in its wording.
// A fact counts deaths when its own phrase says so (killed, dead, died,
// deaths, toll): the words around it up to a clause mark or a
// coordinating "and", "but", "while" (see phrases).
//
// Facts are grouped by what they count: deaths or not, and the counted
// noun's singular, with synonyms folded ("dead", "deaths", "people" are
// people); a Russian noun by its stem, whatever its case ("4 станции", "5
// станций", "на 4 станциях" count one thing). Within a group, values more
// than MaxRatio apart count different things and are split. A group whose
// outlets give different values is a disagreement: 001's "more than
// 250,000 people have been killed" and 003's "more than 270,000 dead" are
// one fact, the war's death toll, reported two ways.
package framing

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/clipperhouse/uax29/v2/sentences"
	"github.com/kljensen/snowball/russian"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Doc is one article as framing reads it.
type Doc struct {
	ID, Label string
	Text      string
}

// Number is one numeric fact in one article.
type Number struct {
	Article string  `json:"article"`
	Label   string  `json:"label"`
	Value   float64 `json:"value"`
	Wording string  `json:"wording"` // as printed: "more than 250 civilians"
}

// Fact is one thing counted, across outlets.
type Fact struct {
	What     string   `json:"what"`     // "killed: civilian", "troop", "date"
	Deaths   bool     `json:"deaths"`   // a death toll
	Disagree bool     `json:"disagree"` // outlets give different values
	Numbers  []Number `json:"numbers"`  // in article order
}

// MaxRatio: two values of one counted noun further apart than this count
// different things (250 civilians killed in ten days, 250,000 people killed
// in the war), not one thing reported two ways.
const MaxRatio = 2.0

var (
	months     = setOf("january february march april may june july august september october november december")
	qualifiers = setOf("at least more than over nearly about almost some around up to fewer less")
	notNouns   = setOf("in on at of to for from with by around across since ago per and or as near against between during after before under over into than")
	deathWords = setOf("killed dead died deaths death toll killing lives")
	// verbsOfDeath never are the counted noun ("210 combatants killed").
	verbsOfDeath = setOf("killed died killing")
	// countSynonyms fold counted nouns that name the same thing.
	countSynonyms = map[string]string{"dead": "people", "deaths": "people", "death": "people", "persons": "people", "person": "people", "lives": "people", "soldiers": "troop", "soldier": "troop"}
)

func setOf(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// found is a number in one text before grouping.
type found struct {
	value   float64
	noun    string // counted noun, folded: what groups it
	what    string // the counted noun as a fact names it
	deaths  bool
	wording string
}

// numbersIn finds the numeric facts of one text.
func numbersIn(text string) []found {
	toks := shingle.Tokens(text)
	norm := make([]string, len(toks))
	for i, t := range toks {
		norm[i] = shingle.Normalize(text[t.Start:t.End])
	}
	gap := func(i int) string { return text[toks[i-1].End:toks[i].Start] }
	sentOf := phrases(text, toks, norm)
	deathIn := make(map[int]bool) // phrase index → mentions deaths
	for i := range toks {
		if deathWords[norm[i]] {
			deathIn[sentOf[i]] = true
		}
	}
	var out []found
	for i := 0; i < len(toks); i++ {
		v, ok := number(norm[i])
		if !ok {
			continue
		}
		start, end := i, i+1
		// "270 000": digit groups split by a space.
		for end < len(toks) && len(norm[end]) == 3 && isDigits(norm[end]) && isDigits(norm[i]) && strings.TrimSpace(gap(end)) == "" && gap(end) != "" && len(gap(end)) <= 3 {
			v = v*1000 + mustFloat(norm[end])
			end++
		}
		if end < len(toks) && scales[norm[end]] > 0 && strings.TrimSpace(gap(end)) == "" {
			v *= scales[norm[end]]
			end++
		}
		if start > 0 && months[norm[start-1]] && isDigits(norm[start]) && v >= 1 && v <= 31 {
			out = append(out, found{value: v, noun: "date " + norm[start-1], what: "date " + norm[start-1], wording: text[toks[start-1].Start:toks[end-1].End]})
			i = end - 1
			continue
		}
		// The counted words: up to two after, joined by spaces or hyphens.
		n := end
		for n < len(toks) && n < end+2 && !notNouns[norm[n]] && !(deathWords[norm[n]] && (n > end || verbsOfDeath[norm[n]])) && !shingle.IsStopword(toks[n].Hash) && !isNumber(norm[n]) && strings.Trim(gap(n), " -") == "" && !strings.Contains(gap(n), "\n") {
			n++
			if unitNouns[norm[n-1]] {
				break
			}
		}
		if n == end || isDigits(norm[i]) && len(norm[i]) == 4 && n == end {
			i = end - 1
			continue
		}
		noun := headNoun(norm[end:n])
		if unitNouns[noun] && n < len(toks) && n == end+1 && gap(n) == "-" {
			// "five-year conflict", "five-year-old civil war": years of it.
			noun = singular(noun)
		}
		q := start
		for q > 0 && q > start-2 && qualifiers[norm[q-1]] {
			q--
		}
		key, what := fold(noun)
		f := found{value: v, noun: key, what: what, deaths: deathIn[sentOf[i]] && !unitNouns[noun], wording: text[toks[q].Start:toks[n-1].End]}
		out = append(out, f)
		i = n - 1
	}
	return out
}

// phrases numbers the phrases of text, one per token: a count belongs to
// its own verb phrase, so that "The floods killed 14 people, forced 10,000
// residents from their homes and swelled twenty rivers" files only the 14
// under deaths. A new phrase starts at a sentence, and after a clause mark
// (, ; : — ( )) or a coordinator ("and", "but", "while") when a verb
// follows ("forced", "and swelled") or a number that is the subject of a
// verb of its own ("and 300 homes were damaged", "while 12 bridges
// collapsed"). A list of counts stays one phrase: "Among those killed were
// 82 army troops, 94 members of …, and 34 ISIS militants".
func phrases(text string, toks []shingle.Token, norm []string) []int {
	sents := sentenceEnds(text)
	out := make([]int, len(toks))
	si, ph := 0, 0
	for i, t := range toks {
		newSent := false
		for si < len(sents)-1 && int(t.Start) >= sents[si] {
			si++
			newSent = true
		}
		if i > 0 && (newSent || opensClause(text, toks, norm, i)) {
			ph++
		}
		out[i] = ph
	}
	return out
}

// opensClause reports whether a new verb phrase starts at token i (i > 0)
// of one sentence; see phrases.
func opensClause(text string, toks []shingle.Token, norm []string, i int) bool {
	j := i
	switch {
	case coordinators[norm[i]]:
		j++
	case strings.ContainsAny(text[toks[i-1].End:toks[i].Start], ",;:—–()"):
		if j < len(norm) && coordinators[norm[j]] {
			j++
		}
	default:
		return false
	}
	for j < len(norm) && qualifiers[norm[j]] {
		j++
	}
	if j >= len(norm) {
		return false
	}
	if verbLike(norm[j]) {
		return true
	}
	if _, ok := number(norm[j]); !ok {
		return false
	}
	for k := j + 1; k < len(norm) && k <= j+3; k++ {
		if clauseVerbs[norm[k]] || k > j+1 && verbLike(norm[k]) {
			return true
		}
	}
	return false
}

// coordinators join phrases.
var coordinators = setOf("and but while whereas")

// clauseVerbs after a count make it the subject of a clause of its own.
var clauseVerbs = setOf("were was are is have had has remain remained")

// verbLike: a past tense or participle ("forced", "swelled") or a common
// irregular one, the verbs news copy counts with.
func verbLike(w string) bool {
	return len(w) > 4 && strings.HasSuffix(w, "ed") && !adjectivesInEd[w] || irregularVerbs[w]
}

// adjectivesInEd are -ed words news copy uses before nouns ("allied rebel
// groups", "armed men").
var adjectivesInEd = setOf("allied armed affiliated united based backed led related")

var irregularVerbs = setOf("left fled took made drove cut hit lost saw rose fell sent brought")

// headNoun picks the counted noun among the counted words: the last in
// English order ("82 army troops"); in Russian the first that is not an
// adjective, as genitive modifiers follow it ("4 станции метро", but "две
// новые станции").
func headNoun(words []string) string {
	for _, w := range words[:len(words)-1] {
		if !isCyrillic(w) {
			break
		}
		if !russianAdjective(w) {
			return w
		}
	}
	return words[len(words)-1]
}

func isCyrillic(w string) bool {
	return strings.ContainsFunc(w, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// russianAdjective: the endings of Russian adjectives and participles in
// the cases a count takes ("новые", "новых", "пострадавших"); -ий, which
// nouns share ("станций"), is left out.
func russianAdjective(w string) bool {
	for _, end := range []string{"ые", "ых", "ая", "ое", "ый", "ой", "ого", "ому", "ыми", "ими", "ую"} {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// fold gives a counted noun's key, which groups facts, and the name a
// fact shows: synonyms fold to one ("dead", "deaths" are people), an
// English plural to its singular, and a Russian noun to its Snowball stem,
// whatever its case and number ("станции", "станций", "станциях" are one
// key, станци), shown as first written.
func fold(noun string) (key, what string) {
	if s, ok := countSynonyms[noun]; ok {
		return s, s
	}
	if isCyrillic(noun) {
		return russian.Stem(noun, true), noun
	}
	s := singular(noun)
	return s, s
}

// singular drops an English plural s ("civilians" → "civilian"); words in
// -ss and short words stay.
func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return strings.TrimSuffix(w, "s")
	}
	return w
}

func number(w string) (float64, bool) {
	if v, ok := numberWords[w]; ok {
		return v, true
	}
	if !isNumber(w) {
		return 0, false
	}
	v, err := strconv.ParseFloat(w, 64)
	return v, err == nil && !math.IsInf(v, 0)
}

func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// isNumber: digits with at most one decimal point (shingle.Normalize has
// dropped the group separators).
func isNumber(w string) bool {
	if w == "" || w[0] < '0' || w[0] > '9' || len(w) > 15 {
		return false
	}
	dots := 0
	for i := 0; i < len(w); i++ {
		switch {
		case w[i] == '.':
			dots++
		case w[i] < '0' || w[i] > '9':
			return false
		}
	}
	return dots <= 1 && w[len(w)-1] != '.'
}

func mustFloat(w string) float64 {
	v, _ := strconv.ParseFloat(w, 64)
	return v
}

// sentenceEnds returns the byte offsets where the sentences of text end.
func sentenceEnds(text string) []int {
	var ends []int
	it := sentences.FromString(text)
	for it.Next() {
		ends = append(ends, it.End())
	}
	if len(ends) == 0 {
		ends = append(ends, len(text))
	}
	return ends
}

// Numbers finds the numeric facts of the docs and groups them by what
// they count, groups carried by most outlets first.
func Numbers(docs []Doc) []Fact {
	type key struct {
		noun   string
		deaths bool
	}
	byKey := make(map[key][]Number)
	whatOf := make(map[key]string) // the first fact's name for its key
	var keys []key
	for _, d := range docs {
		for _, f := range numbersIn(d.Text) {
			k := key{f.noun, f.deaths}
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
				whatOf[k] = f.what
			}
			byKey[k] = append(byKey[k], Number{Article: d.ID, Label: d.Label, Value: f.value, Wording: f.wording})
		}
	}
	var facts []Fact
	for _, k := range keys {
		ns := byKey[k]
		// Split values more than MaxRatio apart.
		sorted := slices.Clone(ns)
		slices.SortStableFunc(sorted, func(a, b Number) int { return cmp.Compare(a.Value, b.Value) })
		var groups [][]Number
		for i, n := range sorted {
			if i == 0 || n.Value > sorted[i-1].Value*MaxRatio || sorted[i-1].Value <= 0 {
				groups = append(groups, nil)
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], n)
		}
		for _, g := range groups {
			// Back to article order.
			var inOrder []Number
			for _, n := range ns {
				if slices.Contains(g, n) {
					inOrder = append(inOrder, n)
				}
			}
			what := whatOf[k]
			if k.deaths {
				what = "killed: " + what
			}
			facts = append(facts, Fact{What: what, Deaths: k.deaths, Numbers: inOrder, Disagree: disagree(inOrder)})
		}
	}
	slices.SortStableFunc(facts, func(a, b Fact) int {
		if a.Deaths != b.Deaths {
			if a.Deaths {
				return -1
			}
			return 1
		}
		return cmp.Compare(outlets(b.Numbers), outlets(a.Numbers))
	})
	return facts
}

func outlets(ns []Number) int {
	seen := make(map[string]bool)
	for _, n := range ns {
		seen[n.Article] = true
	}
	return len(seen)
}

// disagree reports whether two outlets give different values: whether
// their sets of values differ. Two outlets that both write "two new
// stations" and "four more stations" agree.
func disagree(ns []Number) bool {
	values := make(map[string][]float64)
	for _, n := range ns {
		if !slices.Contains(values[n.Article], n.Value) {
			values[n.Article] = append(values[n.Article], n.Value)
		}
	}
	var first []float64
	for _, n := range ns {
		vs := values[n.Article]
		slices.Sort(vs)
		if first == nil {
			first = vs
		} else if !slices.Equal(first, vs) {
			return true
		}
	}
	return false
}
