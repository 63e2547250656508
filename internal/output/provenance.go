package output

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/copydesk/copydesk/internal/provenance"
)

// Provenance is the output of compare provenance (see the README):
//
//	{"articles": [ProvArticle...], "links": [ProvLink...], "outlets": [provenance.Outlet...]}
//
// Articles are those in at least one copy relation, in input order; links
// are sorted by source then copy, in input order; outlets by name.
type Provenance struct {
	Articles []ProvArticle       `json:"articles"`
	Links    []ProvLink          `json:"links"`
	Outlets  []provenance.Outlet `json:"outlets"`
}

// ProvArticle is one article's provenance.
type ProvArticle struct {
	ID        string `json:"id"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"` // RFC 3339 in UTC; "" when undated
	Agency    bool   `json:"agency"`
	Words     int    `json:"words"`
	// Sources are its immediate sources, the main one first; Chain is the
	// article and its main sources up to Root, the original.
	Sources  []ProvSource `json:"sources"`
	Chain    []string     `json:"chain"`
	Root     string       `json:"root"`
	Credited bool         `json:"credited"`
	// WireShare is the share of its words from agencies, named in Agencies.
	WireShare float64  `json:"wire_share"`
	Agencies  []string `json:"agencies"`
}

// ProvSource is an immediate source and the share of the article's words
// taken from it, with the evidence of the direction.
type ProvSource struct {
	ID       string  `json:"id"`
	Share    float64 `json:"share"`
	Evidence string  `json:"evidence"`
	Reason   string  `json:"reason"`
}

// ProvLink is one oriented copy relation.
type ProvLink struct {
	Source     string  `json:"source"`
	Copy       string  `json:"copy"`
	Relation   string  `json:"relation"`
	Share      float64 `json:"share"` // share of the copy's words in passages shared with the source
	Similarity float64 `json:"similarity"`
	Evidence   string  `json:"evidence"` // time, credit, agency, chain or text
	Reason     string  `json:"reason"`
	Immediate  bool    `json:"immediate"` // the graph keeps it: the source is one of the copy's immediate sources
}

// NewProvenance turns a provenance result into its output form.
func NewProvenance(r *provenance.Result) *Provenance {
	out := &Provenance{Articles: []ProvArticle{}, Links: []ProvLink{}, Outlets: Outlets(r)}
	inLink := make([]bool, len(r.Articles))
	immediate := make(map[int]bool)
	for i := range r.Nodes {
		for _, s := range r.Nodes[i].Sources {
			immediate[s.Link] = true
		}
	}
	for k, l := range r.Links {
		inLink[l.Source], inLink[l.Copy] = true, true
		out.Links = append(out.Links, ProvLink{
			Source: r.Articles[l.Source].ID, Copy: r.Articles[l.Copy].ID,
			Relation: l.Relation.String(), Share: Round3(l.Share), Similarity: Round3(l.Similarity),
			Evidence: string(l.Evidence), Reason: l.Reason, Immediate: immediate[k],
		})
	}
	for i := range r.Articles {
		if inLink[i] {
			out.Articles = append(out.Articles, provArticle(r, i))
		}
	}
	return out
}

// Outlets is r's outlet table, its shares rounded to three decimals, as
// compare provenance and the report print it.
func Outlets(r *provenance.Result) []provenance.Outlet {
	out := r.Outlets()
	for i := range out {
		o := &out[i]
		o.WireShare, o.WireVerbatim, o.WireReworded = Round3(o.WireShare), Round3(o.WireVerbatim), Round3(o.WireReworded)
		o.TakenShare, o.UncreditedShare = Round3(o.TakenShare), Round3(o.UncreditedShare)
	}
	return out
}

func provArticle(r *provenance.Result, i int) ProvArticle {
	a, n := &r.Articles[i], &r.Nodes[i]
	pa := ProvArticle{
		ID: a.ID, Outlet: a.Outlet, Agency: n.Agency, Words: a.Words,
		Sources: []ProvSource{}, Root: r.Articles[n.Root].ID, Credited: n.Credited,
		WireShare: Round3(n.WireShare), Agencies: n.Agencies,
	}
	if pa.Agencies == nil {
		pa.Agencies = []string{}
	}
	if !n.Time.IsZero() {
		pa.Published = n.Time.UTC().Format(time.RFC3339)
	}
	for _, s := range n.Sources {
		l := &r.Links[s.Link]
		pa.Sources = append(pa.Sources, ProvSource{ID: r.Articles[s.Index].ID, Share: Round3(s.Share), Evidence: string(l.Evidence), Reason: l.Reason})
	}
	for _, c := range r.Chain(i) {
		pa.Chain = append(pa.Chain, r.Articles[c].ID)
	}
	return pa
}

// ProvTables are the tables compare provenance --format csv writes.
var ProvTables = []string{"articles", "links", "outlets"}

// WriteProvenance writes p in format f: JSON as one object, JSONL one
// article a line, CSV the table named (articles, links or outlets), text
// every family as a tree under its original, then the outlets.
func WriteProvenance(w io.Writer, f Format, table string, p *Provenance) error {
	bw := bufio.NewWriter(w)
	var err error
	switch f {
	case JSON:
		err = writeJSON(bw, p)
	case JSONL:
		err = writeJSONL(bw, p.Articles)
	case CSV:
		err = writeProvCSV(bw, table, p)
	default:
		err = writeProvText(bw, p)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeProvCSV(w io.Writer, table string, p *Provenance) error {
	cw := csv.NewWriter(w)
	switch table {
	case "links":
		cw.Write([]string{"source", "copy", "relation", "share", "similarity", "evidence", "reason", "immediate"})
		for _, l := range p.Links {
			cw.Write([]string{l.Source, l.Copy, l.Relation, num(l.Share), num(l.Similarity), l.Evidence, l.Reason, strconv.FormatBool(l.Immediate)})
		}
	case "outlets":
		cw.Write([]string{"outlet", "agency", "articles", "words", "copies", "wire_share", "wire_verbatim", "wire_reworded", "agencies", "taken_share", "uncredited_share"})
		for _, o := range p.Outlets {
			cw.Write([]string{o.Outlet, strconv.FormatBool(o.Agency), strconv.Itoa(o.Articles), strconv.Itoa(o.Words), strconv.Itoa(o.Copies),
				num(o.WireShare), num(o.WireVerbatim), num(o.WireReworded), strings.Join(o.Agencies, ";"), num(o.TakenShare), num(o.UncreditedShare)})
		}
	default:
		cw.Write([]string{"id", "outlet", "published", "agency", "words", "source", "share", "evidence", "other_sources", "root", "credited", "wire_share", "agencies"})
		for _, a := range p.Articles {
			var src, share, ev string
			var others []string
			for k, s := range a.Sources {
				if k == 0 {
					src, share, ev = s.ID, num(s.Share), s.Evidence
				} else {
					others = append(others, s.ID)
				}
			}
			cw.Write([]string{a.ID, a.Outlet, a.Published, strconv.FormatBool(a.Agency), strconv.Itoa(a.Words), src, share, ev,
				strings.Join(others, ";"), a.Root, strconv.FormatBool(a.Credited), num(a.WireShare), strings.Join(a.Agencies, ";")})
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeProvText prints each family as a tree under its original: every
// article under its main source, with the share it took, the evidence and
// whether it credits; then the outlets' wire shares.
func writeProvText(w io.Writer, p *Provenance) error {
	children := map[string][]int{}
	var roots []int
	for k, a := range p.Articles {
		if len(a.Sources) == 0 {
			roots = append(roots, k)
			continue
		}
		children[a.Sources[0].ID] = append(children[a.Sources[0].ID], k)
	}
	var walk func(k, depth int)
	walk = func(k, depth int) {
		a := &p.Articles[k]
		fmt.Fprintf(w, "%s%s  %s", strings.Repeat("  ", depth), a.ID, orDash(a.Outlet))
		if a.Published != "" {
			fmt.Fprintf(w, "  %s", a.Published)
		} else {
			fmt.Fprint(w, "  undated")
		}
		if len(a.Sources) > 0 {
			s := a.Sources[0]
			credit := "uncredited"
			if a.Credited {
				credit = "credited"
			}
			fmt.Fprintf(w, "  took %.3f (%s: %s), %s", s.Share, s.Evidence, s.Reason, credit)
			for _, o := range a.Sources[1:] {
				fmt.Fprintf(w, "; also %.3f from %s", o.Share, o.ID)
			}
		} else {
			fmt.Fprint(w, "  original")
		}
		fmt.Fprintln(w)
		for _, c := range children[a.ID] {
			walk(c, depth+1)
		}
	}
	for _, k := range roots {
		walk(k, 0)
	}
	fmt.Fprintf(w, "%d articles in copy relations, %d originals, %d links\n\n", len(p.Articles), len(roots), len(p.Links))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OUTLET\tARTICLES\tWORDS\tCOPIES\tWIRE\tVERBATIM\tREWORDED\tTAKEN\tUNCREDITED\tAGENCIES")
	for _, o := range p.Outlets {
		name := orDash(o.Outlet)
		if o.Agency {
			name += " (agency)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\n", name, o.Articles, o.Words, o.Copies,
			o.WireShare, o.WireVerbatim, o.WireReworded, o.TakenShare, o.UncreditedShare, strings.Join(o.Agencies, ","))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
