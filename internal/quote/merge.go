package quote

import (
	"cmp"
	"slices"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Source is one article's quotations, as Merge reads them.
type Source struct {
	ID     string  // article id
	Label  string  // outlet or file name, for people
	Quotes []Quote // from Extract
}

// Statement is one thing one speaker said, as one or more outlets quoted
// it.
type Statement struct {
	Speaker string    `json:"speaker"`         // resolved name, else how it was attributed, else empty
	Named   bool      `json:"named"`           // Speaker is a name
	Text    string    `json:"text"`            // the fullest wording any outlet printed
	Outlets []Carrier `json:"outlets"`         // in source order
	Marks   string    `json:"marks,omitempty"` // the fullest wording's marks (Quote.Marks)

	key []string
}

// Carrier is one outlet's quoting of a statement.
type Carrier struct {
	Article  string     `json:"article"`
	Label    string     `json:"label"`
	As       []string   `json:"as,omitempty"`    // how this outlet attributes it: "the spokesman", "Toner"
	Wording  []string   `json:"wording"`         // the outlet's exact quoted words, each quotation
	Fragment bool       `json:"fragment"`        // every quotation is part of the fullest wording
	Changes  [][]Change `json:"changes"`         // per quotation, its word differences from the fullest wording
	Marks    []string   `json:"marks,omitempty"` // per quotation, its marks (Quote.Marks); nil when all are English
}

// Change is a run of words one wording has and the other lacks, inside the
// stretch both quote: Op is "+" (this outlet's words) or "-" (the fullest
// wording's words this outlet does not print).
type Change struct {
	Op    string `json:"op"`
	Words string `json:"words"`
}

// Merge thresholds, in words.
const (
	// MinFragment is the shortest quotation merged into a longer one that
	// contains it when no speaker ties them: three words ("very very
	// concerned") are distinctive, two ("very concerned") are not.
	MinFragment = 3
	// MinSharedRun is the shortest run of words two quotations that do not
	// contain one another must share to be one statement: a clause, not a
	// stock phrase like "the cessation of hostilities".
	MinSharedRun = 6
	// maxCompareWords caps the words of one quotation compared, so a
	// runaway quotation costs at most a fixed amount.
	maxCompareWords = 400
	// maxBucket: a word held by more quotations than this (a stock word
	// over a large corpus) does not make them candidates; they still are
	// through any rarer word they share.
	maxBucket = 64
)

// item is one quotation of one source.
type item struct {
	src, q int
	words  []string
	sp     Speaker
}

// Merge groups the quotations of several sources into statements: two
// quotations are one statement when one contains the other word for word
// (a fragment of a longer quotation; at least MinFragment words unless both
// name the same speaker), or when they share a run of MinSharedRun words.
// Quotations whose speakers have different names are never merged, and
// neither are groups, so a short unattributed fragment cannot chain two
// speakers' statements into one. Strongest overlaps are joined first.
// Statements come in the order of their first quotation.
func Merge(srcs []Source) []Statement {
	var items []item
	for s, src := range srcs {
		for q, qu := range src.Quotes {
			w, _ := quoteWords(qu.Text)
			items = append(items, item{src: s, q: q, words: w, sp: qu.Speaker})
		}
	}
	type link struct{ i, j, n int }
	var links []link
	// Candidates share a word that at most maxBucket quotations hold, so
	// that many quotations of stock words cannot make Merge quadratic.
	byWord := make(map[string][]int)
	for i, it := range items {
		seen := make(map[string]bool)
		for _, w := range it.words {
			if !seen[w] {
				seen[w] = true
				byWord[w] = append(byWord[w], i)
			}
		}
	}
	mark := make([]int, len(items))
	for i := range items {
		var cands []int
		for _, w := range items[i].words {
			if b := byWord[w]; len(b) <= maxBucket {
				for _, j := range b {
					if j > i && mark[j] != i+1 {
						mark[j] = i + 1
						cands = append(cands, j)
					}
				}
			}
		}
		slices.Sort(cands)
		for _, j := range cands {
			a, b := &items[i], &items[j]
			if conflict(a.sp, b.sp) {
				continue
			}
			n := longestRun(a.words, b.words)
			short := min(len(a.words), len(b.words))
			contained := n == short
			same := a.sp.Name != "" && b.sp.Name != "" && !conflict(a.sp, b.sp)
			if contained && (short >= MinFragment || same && short >= 2) || n >= MinSharedRun {
				links = append(links, link{i, j, n})
			}
		}
	}
	slices.SortStableFunc(links, func(x, y link) int { return cmp.Compare(y.n, x.n) })
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	members := make(map[int][]int)
	for i := range items {
		members[i] = []int{i}
	}
	for _, l := range links {
		ri, rj := find(l.i), find(l.j)
		if ri == rj || groupConflict(items, members[ri], members[rj]) {
			continue
		}
		if rj < ri {
			ri, rj = rj, ri
		}
		parent[rj] = ri
		members[ri] = append(members[ri], members[rj]...)
		delete(members, rj)
	}
	var out []Statement
	for i := range items {
		if find(i) != i {
			continue
		}
		g := members[i]
		slices.Sort(g)
		out = append(out, statement(srcs, items, g))
	}
	// One name per speaker across statements: "De Mistura" in one outlet
	// is "Staffan de Mistura" in another.
	for i := range out {
		for j := range out {
			a, b := out[i].key, out[j].key
			if out[i].Named && out[j].Named && len(b) > len(a) && variant(a, b) {
				out[i].Speaker, out[i].key = out[j].Speaker, b
			}
		}
	}
	return out
}

// statement builds one statement from its quotations.
func statement(srcs []Source, items []item, g []int) Statement {
	ref := g[0]
	for _, k := range g {
		if len(items[k].words) > len(items[ref].words) {
			ref = k
		}
	}
	st := Statement{Text: srcs[items[ref].src].Quotes[items[ref].q].Text, Marks: srcs[items[ref].src].Quotes[items[ref].q].Marks}
	refRaw := raw(st.Text)
	var key []string
	for _, k := range g {
		sp := items[k].sp
		switch {
		case sp.Name != "" && len(sp.key) > len(key):
			st.Speaker, st.Named, key, st.key = sp.Name, true, sp.key, sp.key
		case !st.Named && st.Speaker == "" && sp.As != "":
			st.Speaker = sp.As
		}
	}
	for _, k := range g {
		it := items[k]
		qu := srcs[it.src].Quotes[it.q]
		n := len(st.Outlets)
		if n == 0 || st.Outlets[n-1].Article != srcs[it.src].ID {
			st.Outlets = append(st.Outlets, Carrier{Article: srcs[it.src].ID, Label: srcs[it.src].Label, Fragment: true})
			n++
		}
		c := &st.Outlets[n-1]
		if qu.Speaker.As != "" && !slices.Contains(c.As, qu.Speaker.As) {
			c.As = append(c.As, qu.Speaker.As)
		}
		c.Wording = append(c.Wording, qu.Text)
		if qu.Marks != "" && c.Marks == nil {
			c.Marks = make([]string, len(c.Wording)-1)
		}
		if c.Marks != nil {
			c.Marks = append(c.Marks, qu.Marks)
		}
		ch := changes(items[ref].words, it.words, refRaw, raw(qu.Text))
		c.Changes = append(c.Changes, ch)
		if k == ref || len(ch) > 0 || len(it.words) >= len(items[ref].words) {
			c.Fragment = false
		}
	}
	return st
}

// conflict reports whether two speakers have different names.
func conflict(a, b Speaker) bool {
	if len(a.key) == 0 || len(b.key) == 0 {
		return false
	}
	return !variant(a.key, b.key) && !variant(b.key, a.key)
}

func groupConflict(items []item, a, b []int) bool {
	for _, i := range a {
		for _, j := range b {
			if conflict(items[i].sp, items[j].sp) {
				return true
			}
		}
	}
	return false
}

// longestRun returns the length of the longest run of words a and b share
// (the textbook dynamic programme; quotations are short and capped).
func longestRun(a, b []string) int {
	best := 0
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// quoteWords returns the normalised and the printed words of a quotation,
// at most maxCompareWords.
func quoteWords(text string) (norm, printed []string) {
	for _, t := range shingle.Tokens(text) {
		if len(norm) == maxCompareWords {
			break
		}
		w := text[t.Start:t.End]
		norm = append(norm, shingle.Normalize(w))
		printed = append(printed, w)
	}
	return norm, printed
}

func raw(text string) []string {
	_, p := quoteWords(text)
	return p
}

// changes returns the word differences of b from ref inside the stretch of
// ref that b quotes (from the first word they share to the last), by a
// longest common subsequence: a fragment of ref has none.
func changes(ref, b, refRaw, bRaw []string) []Change {
	n, m := len(ref), len(b)
	// l[i][j]: LCS of ref[i:] and b[j:].
	l := make([][]int32, n+1)
	for i := range l {
		l[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if ref[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	type step struct {
		op   byte // '=', '-', '+'
		word string
	}
	var steps []step
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && ref[i] == b[j]:
			steps = append(steps, step{'=', bRaw[j]})
			i++
			j++
		case j < m && (i == n || l[i][j+1] >= l[i+1][j]):
			steps = append(steps, step{'+', bRaw[j]})
			j++
		default:
			steps = append(steps, step{'-', refRaw[i]})
			i++
		}
	}
	// Trim ref's words before the first and after the last shared word.
	lo, hi := 0, len(steps)
	for lo < hi && steps[lo].op == '-' {
		lo++
	}
	for hi > lo && steps[hi-1].op == '-' {
		hi--
	}
	var out []Change
	last := byte('=')
	for _, s := range steps[lo:hi] {
		if s.op != '=' && s.op == last {
			out[len(out)-1].Words += " " + s.word
		} else if s.op != '=' {
			out = append(out, Change{Op: string(s.op), Words: s.word})
		}
		last = s.op
	}
	return out
}

// Group is the statements of one speaker.
type Group struct {
	Speaker    string      `json:"speaker"` // empty: no speaker found
	Named      bool        `json:"named"`
	Statements []Statement `json:"statements"`
}

// BySpeaker groups statements by speaker, speakers in the order of their
// first statement, unattributed statements last.
func BySpeaker(sts []Statement) []Group {
	var gs []Group
	idx := make(map[string]int)
	var none []Statement
	for _, st := range sts {
		if st.Speaker == "" {
			none = append(none, st)
			continue
		}
		k, ok := idx[st.Speaker]
		if !ok {
			k = len(gs)
			idx[st.Speaker] = k
			gs = append(gs, Group{Speaker: st.Speaker, Named: st.Named})
		}
		gs[k].Statements = append(gs[k].Statements, st)
	}
	if len(none) > 0 {
		gs = append(gs, Group{Statements: none})
	}
	return gs
}

// Quoted returns text between marks as Quote.Marks has them, English
// curly marks when marks is empty: "«…»" stays "«…»".
func Quoted(marks, text string) string {
	open, close := "“", "”"
	if marks != "" {
		r := []rune(marks)
		open, close = string(r[0]), ""
		if len(r) > 1 {
			close = string(r[1])
		}
	}
	return open + text + close
}

// QuotedAt is Quoted for the k-th of a carrier's wordings.
func QuotedAt(marks []string, k int, text string) string {
	if k < len(marks) {
		return Quoted(marks[k], text)
	}
	return Quoted("", text)
}
