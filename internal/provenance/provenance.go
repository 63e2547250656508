// Package provenance says who took from whom: for every copy relation
// (duplicate, derived, partial) which article is the source and which the
// copy, on what evidence; the derivation graph of each family of copies
// (A → B → C when C carries B's edits of A, not A → C) and its original;
// whether each copy credits its source; and, per outlet, how much of its
// output is agency (wire) copy.
//
// # Direction
//
// A copy pair is oriented by the strongest evidence that decides it, and
// the evidence is kept with the link:
//
//  1. time: both articles carry a publication time and the times differ;
//     the earlier one is the source.
//  2. credit: one article's credits, dateline or byline name the other's
//     outlet and not the reverse ("(With Reuters)", "GENEVA (AA) –",
//     "Source: AFP and agencies"); the named one is the source.
//  3. agency: exactly one of the two outlets is a news agency (Agencies,
//     DefaultAgencies); the agency is the source.
//  4. chain: a third article is the source of both, as decided above; the
//     one further from it (lower TF-IDF similarity to it) carries the other's
//     edits and is the copy.
//  5. text: the pair's own one-way evidence (cluster.Pair.Source when set,
//     else the coverage asymmetry: the text more of whose words lie in the
//     shared passages is built from the other).
//
// # Graph
//
// An article's candidate sources are the articles every link names as its
// source. Its immediate source is the candidate it takes the largest
// share of its words from (a copy of a copy carries the middle article's
// additions, so it takes more from the middle than from the origin); within
// TieShare of each other, the one its credits name, else the one upstream
// of the other (a sibling copy is no closer than the origin both took
// from), else the one it is most similar to. Other candidates that are not
// themselves linked to the chosen one are further immediate sources (an
// article built from two wires). The root of an article is found by
// following immediate sources to an article that has none.
//
// # Worked example
//
// AFP publishes A at 09:00. The Daily Post tops and tails it (B, 10:00,
// "(With AFP)"). The Evening Herald copies B (C, undated, uncredited).
// Links: A → B by time; A → C by agency (AFP is a wire); B → C by chain
// (C is less similar to A than B is). C's candidates are A and B; it takes
// 0.95 of its words from B and 0.80 from A, so its immediate source is B,
// and the graph is A → B → C with root A; B is credited (it names AFP), C
// is not.
package provenance

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
)

// DefaultAgencies are the news agencies (wire services) whose outlets count
// as wire copy, by the names outlets and credit lines use for them. Override
// with Options.Agencies (compare provenance --agencies).
var DefaultAgencies = []string{
	"AFP", "Agence France-Presse", "AP", "Associated Press", "Reuters",
	"AA", "Anadolu", "Anadolu Agency", "DPA", "EFE", "ANSA", "PTI",
	"Press Trust of India", "Kyodo", "PA", "PA Media", "Press Association",
	"Xinhua", "Bernama", "Yonhap", "TASS", "UPI", "ANI", "IANS", "APA",
	"Belga", "Lusa", "TT", "NTB", "AAP",
}

// TieShare: two candidate sources whose shares of an article's words are
// within this of each other are told apart by similarity. Alignment
// tolerates a changed word, so a copy of a trimmed copy has nearly the same
// share from the trimmed copy as from its original; what differs is the
// changed words, which the TF-IDF similarity sees.
const TieShare = 0.03

// Evidence names what decided a link's direction, strongest first.
type Evidence string

const (
	ByTime   Evidence = "time"
	ByCredit Evidence = "credit"
	ByAgency Evidence = "agency"
	ByChain  Evidence = "chain"
	ByText   Evidence = "text"
)

// Article is what provenance needs of an article.
type Article struct {
	ID, Outlet, Published string
	Byline, Dateline      string
	Credits               []string
	Words                 int // words of the compared text
}

// FromArticle takes what provenance needs of a loaded article. Its Words
// are those of the compared text, headline and body (pipeline.Text joins
// them with a blank line, which no word crosses).
func FromArticle(a *article.Article) Article {
	return Article{
		ID: a.ID, Outlet: a.Outlet, Published: a.Published,
		Byline: a.Byline, Dateline: a.Dateline, Credits: a.Credits,
		Words: CountWords(a.Title) + CountWords(a.Body),
	}
}

// CountWords counts the words of s: runs of letters and digits.
func CountWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// Options tune a run. The zero value uses DefaultAgencies and the current
// time as the limit past which a publication time is in the future.
type Options struct {
	Agencies []string
	Now      time.Time
	// Warn is called once for each article whose published value is not
	// a time or lies in the future; the article is treated as undated.
	Warn func(id, problem string)
}

// Link is one copy relation, oriented.
type Link struct {
	Source, Copy int // article indexes
	Relation     cluster.Relation
	Share        float64 // share of the copy's words inside passages shared with the source
	Similarity   float64 // TF-IDF cosine of the pair
	Evidence     Evidence
	Reason       string // the evidence in words: "published 1h0m0s earlier"
}

// Source is one immediate source of an article.
type Source struct {
	Index int
	Share float64 // share of the article's words taken from it
	Link  int     // index in Result.Links
}

// Node is what provenance says of one article.
type Node struct {
	Time     time.Time // zero when undated
	Agency   bool      // its outlet is a news agency
	Sources  []Source  // immediate sources, the main one first
	Root     int       // the original of its family; itself when it has no source
	Credited bool      // it has a source and its credits name it or an agency upstream
	// WireShare is the share of its words taken from agencies, directly or
	// through the articles it copied; Agencies names them.
	WireShare float64
	Agencies  []string
}

// Result is the provenance of a set of articles.
type Result struct {
	Articles []Article
	Nodes    []Node
	Links    []Link // sorted by (Source, Copy)
}

// Build decides the provenance of arts from their verified pairs (I, J
// index arts). Pairs below partial are ignored.
func Build(arts []Article, pairs []cluster.Pair, opt Options) *Result {
	b := newBuilder(arts, opt)
	b.orient(pairs)
	b.graph()
	b.credit()
	b.wire()
	return &Result{Articles: arts, Nodes: b.nodes, Links: b.links}
}

type builder struct {
	arts       []Article
	nodes      []Node
	links      []Link
	agency     agencies
	creditText []string // per article: credits, dateline and byline in one line
	published  []align.When
}

func newBuilder(arts []Article, opt Options) *builder {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	b := &builder{
		arts:       arts,
		nodes:      make([]Node, len(arts)),
		agency:     newAgencies(opt.Agencies),
		creditText: make([]string, len(arts)),
		published:  make([]align.When, len(arts)),
	}
	for i := range arts {
		a := &arts[i]
		n := &b.nodes[i]
		n.Root = i
		n.Agency = b.agency.is(a.Outlet)
		when, problem := ParsePublished(a.Published, now)
		if problem != "" && opt.Warn != nil {
			opt.Warn(a.ID, problem)
		}
		n.Time, b.published[i] = when.At, when
		b.creditText[i] = strings.Join(append([]string{a.Dateline, a.Byline}, a.Credits...), " | ")
	}
	return b
}

// ParsePublished reads a publication time (article.PublishedTime). An
// empty value is undated without a problem; a value that is no time, or
// later than now, is undated with the problem said.
func ParsePublished(s string, now time.Time) (when align.When, problem string) {
	if strings.TrimSpace(s) == "" {
		return align.When{}, ""
	}
	at, within, ok := article.PublishedTime(s)
	switch {
	case !ok:
		return align.When{}, "published " + strconvQuote(strings.TrimSpace(s)) + " is not a time; treated as undated"
	case at.After(now):
		return align.When{}, "published " + strings.TrimSpace(s) + " is in the future; treated as undated"
	}
	return align.When{At: at, Within: within}, ""
}

func strconvQuote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\""
}

// agencies recognises agency names: short all-capital codes ("AP", "PA")
// by case and word boundaries, longer names in any case.
type agencies struct{ names []string }

func newAgencies(names []string) agencies {
	if names == nil {
		names = DefaultAgencies
	}
	return agencies{names: names}
}

// is says whether an outlet is an agency.
func (g agencies) is(outlet string) bool {
	o := strings.TrimSpace(outlet)
	for _, n := range g.names {
		if strings.EqualFold(o, n) {
			return true
		}
	}
	return false
}

// named returns the agencies text names, in list order.
func (g agencies) named(text string) []string {
	var out []string
	for _, n := range g.names {
		if names(text, n) {
			out = append(out, n)
		}
	}
	return out
}

// names says whether text names name as a word: an all-capital name of up
// to four letters must match in case ("AP" is not "ap" nor part of "APRIL");
// longer names match in any case.
func names(text, name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || text == "" {
		return false
	}
	hay, needle := text, name
	if !(len(name) <= 4 && strings.ToUpper(name) == name) {
		hay, needle = strings.ToLower(text), strings.ToLower(name)
	}
	for from := 0; ; {
		k := strings.Index(hay[from:], needle)
		if k < 0 {
			return false
		}
		at := from + k
		end := at + len(needle)
		if boundary(hay, at, true) && boundary(hay, end, false) {
			return true
		}
		from = at + 1
	}
}

func boundary(s string, at int, before bool) bool {
	var r rune
	if before {
		if at == 0 {
			return true
		}
		r, _ = utf8.DecodeLastRuneInString(s[:at])
	} else {
		if at >= len(s) {
			return true
		}
		r, _ = utf8.DecodeRuneInString(s[at:])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// sortLinks orders links by (Source, Copy).
func sortLinks(ls []Link) {
	slices.SortFunc(ls, func(a, b Link) int {
		if a.Source != b.Source {
			return a.Source - b.Source
		}
		return a.Copy - b.Copy
	})
}
