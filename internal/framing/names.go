package framing

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Referents is the documented table of alternative names for the same
// things in coverage of the Syrian war, the seeds' story: each outlet's
// choice among them is its framing. A variant is matched on normalised
// words (so "cease-fire" = "cease fire", "DAESH" = "Daesh"), longest first
// at each word, so "cessation of hostilities" is not also counted as
// "cessation"; variants written in capitals only ("IS") must match as
// printed, so the verb "is" never counts. Extend it for other stories; the
// counts are always read from the texts.
// The table applies only to stories about Syria (Referent.Story), so that
// an Italian floods story's "government" is not filed under the Syrian
// government side.
var Referents = []Referent{
	{Name: "Syrian government side", Variants: []string{"regime", "pro-regime", "government", "pro-government", "Assad forces", "Syrian army", "loyalist"}, Story: syriaStory},
	{Name: "Islamic State group", Variants: []string{"DAESH", "ISIS", "ISIL", "IS", "Islamic State"}, Story: syriaStory},
	{Name: "armed opposition", Variants: []string{"rebels", "rebel", "opposition", "militants", "terrorists", "insurgents", "jihadists"}, Story: syriaStory},
	{Name: "ceasefire", Variants: []string{"ceasefire", "cease-fire", "truce", "cessation of hostilities", "cessation"}, Story: syriaStory},
}

var syriaStory = []string{"Syria", "Syrian", "Assad", "Damascus", "Aleppo"}

// Referent is one thing with its alternative names.
type Referent struct {
	Name     string
	Variants []string
	// Story: words one of which a story must mention for the row to be
	// shown (matched as Variants are); empty: any story.
	Story []string
}

// ReadReferents reads a table of names a user supplies (compare report
// --names FILE): one referent a line, its name, a colon, and its variants
// separated by commas:
//
//	# comments and blank lines are skipped
//	flood defences: levee, embankment, dyke, dike
//
// Such a table applies to any story.
func ReadReferents(r io.Reader) ([]Referent, error) {
	var out []Referent
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, vars, ok := strings.Cut(line, ":")
		ref := Referent{Name: strings.TrimSpace(name)}
		for _, v := range strings.Split(vars, ",") {
			if v = strings.TrimSpace(v); v != "" {
				ref.Variants = append(ref.Variants, v)
			}
		}
		if !ok || ref.Name == "" || len(ref.Variants) == 0 {
			return nil, fmt.Errorf("line %d: want \"NAME: variant, variant, …\"", n)
		}
		out = append(out, ref)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no referents")
	}
	return out, nil
}

// NameUse is how often one outlet uses one variant.
type NameUse struct {
	Variant string `json:"variant"`
	Count   int    `json:"count"`
}

// OutletNames is one outlet's names for one referent.
type OutletNames struct {
	Article string    `json:"article"`
	Label   string    `json:"label"`
	Uses    []NameUse `json:"uses"` // variants it uses, in table order
}

// NameRow is one referent across outlets.
type NameRow struct {
	Referent string        `json:"referent"`
	Outlets  []OutletNames `json:"outlets"` // every doc, in order; Uses empty when it names none
}

// Names counts, for each referent of table, the variants each doc uses.
// Referents no doc names are left out, and those whose Story words no doc
// mentions.
func Names(docs []Doc, table []Referent) []NameRow {
	type variant struct {
		ref, v int
		words  []string
		exact  string // printed form to match, for all-capital variants
	}
	table = aboutStory(docs, table)
	var vs []variant
	for r, ref := range table {
		for v, s := range ref.Variants {
			var words []string
			for _, t := range shingle.Tokens(s) {
				words = append(words, shingle.Normalize(s[t.Start:t.End]))
			}
			x := variant{ref: r, v: v, words: words}
			if len(words) == 1 && strings.ToUpper(s) == s && len([]rune(s)) <= 3 {
				x.exact = s
			}
			vs = append(vs, x)
		}
	}
	// Longest variants first, so each word counts once.
	longest := func(i, j int) bool { return len(vs[i].words) > len(vs[j].words) }
	order := make([]int, len(vs))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && longest(order[j], order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	counts := make([][][]int, len(docs)) // doc, referent, variant
	for d, doc := range docs {
		counts[d] = make([][]int, len(table))
		for r := range table {
			counts[d][r] = make([]int, len(table[r].Variants))
		}
		toks := shingle.Tokens(doc.Text)
		norm := make([]string, len(toks))
		for i, t := range toks {
			// "government’s" names the government.
			norm[i] = strings.TrimSuffix(shingle.Normalize(doc.Text[t.Start:t.End]), "'s")
		}
		joinedAt := func(i int) bool { // word i joins word i-1 by a hyphen
			return i > 0 && strings.TrimSpace(doc.Text[toks[i-1].End:toks[i].Start]) == "-"
		}
		for i := 0; i < len(toks); {
			matched := 0
			for _, k := range order {
				v := vs[k]
				n := len(v.words)
				if i+n > len(toks) || joinedAt(i) && n == 1 && i > 0 && norm[i-1] == "pro" {
					continue
				}
				ok := true
				for j, w := range v.words {
					if norm[i+j] != w {
						ok = false
						break
					}
				}
				if ok && v.exact != "" && doc.Text[toks[i].Start:toks[i].End] != v.exact {
					ok = false
				}
				if ok {
					counts[d][v.ref][v.v]++
					matched = n
					break
				}
			}
			i += max(matched, 1)
		}
	}
	var rows []NameRow
	for r, ref := range table {
		row := NameRow{Referent: ref.Name}
		any := false
		for d, doc := range docs {
			on := OutletNames{Article: doc.ID, Label: doc.Label, Uses: []NameUse{}}
			for v, s := range ref.Variants {
				if c := counts[d][r][v]; c > 0 {
					on.Uses = append(on.Uses, NameUse{Variant: s, Count: c})
					any = true
				}
			}
			row.Outlets = append(row.Outlets, on)
		}
		if any {
			rows = append(rows, row)
		}
	}
	return rows
}

// aboutStory returns the referents of table whose Story some doc mentions
// (or that have no Story).
func aboutStory(docs []Doc, table []Referent) []Referent {
	var out []Referent
	words := make(map[string]bool)
	for _, d := range docs {
		for _, t := range shingle.Tokens(d.Text) {
			words[strings.TrimSuffix(shingle.Normalize(d.Text[t.Start:t.End]), "'s")] = true
		}
	}
	for _, ref := range table {
		ok := len(ref.Story) == 0
		for _, w := range ref.Story {
			ok = ok || words[shingle.Normalize(w)]
		}
		if ok {
			out = append(out, ref)
		}
	}
	return out
}
