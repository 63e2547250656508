// Package output writes what copydesk found as the commands print it:
// pairs, clusters and provenance as text, JSON, JSONL or CSV, and every
// output file atomically (WriteOutput, WriteFileAtomic, WriteDirAtomic). It
// formats; it computes no scores. The HTML report is package report's.
//
// Machine-readable output is a stable contract (see the README):
//
//	pairs:    {"a", "b", "relation", "a_in_b", "b_in_a", "similarity",
//	           "shared_passages", "shared_quotes", "source", "source_share",
//	           "source_reworded"}
//	          (source and source_share only for a copy relation)
//	clusters: {"id", "cluster", "level"}, one per article, in input order
//
// Scores are rounded to three decimals, so that output is byte-identical
// from run to run and machine to machine.
package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/copydesk/copydesk/internal/cluster"
)

// Format is an output format of pairs and clusters.
type Format string

const (
	Text  Format = "text"
	JSON  Format = "json"
	JSONL Format = "jsonl"
	CSV   Format = "csv"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, JSON, JSONL, CSV:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, json, jsonl or csv)", s)
}

// Pair is one line of pairs output.
type Pair struct {
	A              string  `json:"a"`
	B              string  `json:"b"`
	Relation       string  `json:"relation"`
	AInB           float64 `json:"a_in_b"`
	BInA           float64 `json:"b_in_a"`
	Similarity     float64 `json:"similarity"`
	SharedPassages int     `json:"shared_passages"`
	SharedQuotes   int     `json:"shared_quotes"`
	// Source is the id of the article the other is derived from (a copy
	// relation only) and SourceShare the share of the derived text's words
	// that come from it; SourceReworded is the part of that share in
	// sentences reworded from the source (the rest is verbatim).
	Source         string  `json:"source,omitempty"`
	SourceShare    float64 `json:"source_share,omitempty"`
	SourceReworded float64 `json:"source_reworded,omitempty"`
}

// PairRow is the output row of verified pair p of articles named a (p.I)
// and b (p.J). Every front end's pairs output is made by it.
func PairRow(a, b string, p *cluster.Pair) Pair {
	row := Pair{
		A: a, B: b, Relation: p.Relation.String(),
		AInB: p.AInB, BInA: p.BInA, Similarity: p.Similarity,
		SharedPassages: p.Passages, SharedQuotes: p.Quotes,
	}
	switch p.Source {
	case p.I:
		row.Source = a
	case p.J:
		row.Source = b
	}
	if row.Source != "" {
		row.SourceShare, row.SourceReworded = p.Share, p.Reworded
	}
	return row
}

// Round3 rounds a score to three decimals, as every output prints it.
func Round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// WritePairs writes pairs in format f.
func WritePairs(w io.Writer, f Format, pairs []Pair) error {
	bw := bufio.NewWriter(w)
	if pairs == nil {
		pairs = []Pair{}
	}
	for i := range pairs {
		p := &pairs[i]
		p.AInB, p.BInA, p.Similarity = Round3(p.AInB), Round3(p.BInA), Round3(p.Similarity)
		p.SourceShare, p.SourceReworded = Round3(p.SourceShare), Round3(p.SourceReworded)
	}
	var err error
	switch f {
	case JSON:
		err = writeJSON(bw, pairs)
	case JSONL:
		err = writeJSONL(bw, pairs)
	case CSV:
		cw := csv.NewWriter(bw)
		cw.Write([]string{"a", "b", "relation", "a_in_b", "b_in_a", "similarity", "shared_passages", "shared_quotes", "source", "source_share", "source_reworded"})
		for _, p := range pairs {
			cw.Write([]string{p.A, p.B, p.Relation, num(p.AInB), num(p.BInA), num(p.Similarity), strconv.Itoa(p.SharedPassages), strconv.Itoa(p.SharedQuotes), p.Source, sourceShare(p.Source, p.SourceShare), sourceShare(p.Source, p.SourceReworded)})
		}
		cw.Flush()
		err = cw.Error()
	default:
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RELATION\tA_IN_B\tB_IN_A\tSIMILARITY\tPASSAGES\tQUOTES\tA\tB")
		for _, p := range pairs {
			fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t%d\t%s\t%s\n", p.Relation, p.AInB, p.BInA, p.Similarity, p.SharedPassages, p.SharedQuotes, p.A, p.B)
		}
		err = tw.Flush()
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// sourceShare is the CSV cell of a pair's source share: empty when it has
// no source.
func sourceShare(source string, share float64) string {
	if source == "" {
		return ""
	}
	return num(share)
}

// Member is one line of clusters output.
type Member struct {
	ID      string `json:"id"`
	Cluster string `json:"cluster"`
	Level   string `json:"level"`
}

// WriteClusters writes cluster membership in format f. The text format
// lists each cluster of two or more articles with its members, then the
// number of articles left alone.
func WriteClusters(w io.Writer, f Format, members []Member) error {
	bw := bufio.NewWriter(w)
	if members == nil {
		members = []Member{}
	}
	var err error
	switch f {
	case JSON:
		err = writeJSON(bw, members)
	case JSONL:
		err = writeJSONL(bw, members)
	case CSV:
		cw := csv.NewWriter(bw)
		cw.Write([]string{"id", "cluster", "level"})
		for _, m := range members {
			cw.Write([]string{m.ID, m.Cluster, m.Level})
		}
		cw.Flush()
		err = cw.Error()
	default:
		err = writeClustersText(bw, members)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeClustersText(w io.Writer, members []Member) error {
	byCluster := make(map[string][]string)
	var order []string
	for _, m := range members {
		if _, ok := byCluster[m.Cluster]; !ok {
			order = append(order, m.Cluster)
		}
		byCluster[m.Cluster] = append(byCluster[m.Cluster], m.ID)
	}
	alone, n := 0, 0
	for _, c := range order {
		ids := byCluster[c]
		if len(ids) == 1 {
			alone++
			continue
		}
		n++
		level := members[0].Level
		fmt.Fprintf(w, "%s cluster %d: %d articles\n", level, n, len(ids))
		for _, id := range ids {
			fmt.Fprintf(w, "  %s\n", id)
		}
	}
	_, err := fmt.Fprintf(w, "%s of two or more, %s alone, %s in all\n", Plural(n, "cluster"), Plural(alone, "article"), Plural(len(members), "article"))
	return err
}

// Plural is "1 article", "2 articles": n and noun, with an s (es after
// ch, s, sh, x) unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	for _, end := range []string{"ch", "s", "sh", "x"} {
		if strings.HasSuffix(noun, end) {
			return fmt.Sprintf("%d %ses", n, noun)
		}
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeJSONL[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}
