package framing

import "github.com/copydesk/copydesk/internal/quote"

// View is what a story cluster's outlets say and how: quotations by
// speaker, numbers by fact, distinctive terms and names per outlet. It is
// the report's "Quotes, numbers and framing" section.
type View struct {
	Quotes  []quote.Group `json:"quotes"`  // statements by speaker (quote.Merge, quote.BySpeaker)
	Numbers []Fact        `json:"numbers"` // numeric facts by what they count, death tolls first
	Terms   []OutletTerms `json:"terms"`   // distinctive terms per outlet
	Names   []NameRow     `json:"names"`   // names for the same referents (Referents), per outlet
}

// Build computes the view of docs, one story's articles, with names from
// table (nil: Referents).
func Build(docs []Doc, table []Referent) *View {
	if table == nil {
		table = Referents
	}
	srcs := make([]quote.Source, len(docs))
	for i, d := range docs {
		srcs[i] = quote.Source{ID: d.ID, Label: d.Label, Quotes: quote.Extract(d.Text)}
	}
	v := &View{
		Quotes:  quote.BySpeaker(quote.Merge(srcs)),
		Numbers: Numbers(docs),
		Terms:   Distinctive(docs),
		Names:   Names(docs, table),
	}
	if v.Quotes == nil {
		v.Quotes = []quote.Group{}
	}
	if v.Numbers == nil {
		v.Numbers = []Fact{}
	}
	if v.Names == nil {
		v.Names = []NameRow{}
	}
	return v
}
