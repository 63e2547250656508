package provenance

import (
	"slices"
	"strings"
)

// Outlet is one outlet's wire share.
type Outlet struct {
	Outlet   string `json:"outlet"`
	Agency   bool   `json:"agency"`   // the outlet is a news agency
	Articles int    `json:"articles"` // its articles
	Words    int    `json:"words"`    // their words
	// Copies counts its articles that have a source.
	Copies int `json:"copies"`
	// WireShare is the share of its words taken from agencies, directly
	// or through the articles it copied; WireVerbatim the part of it in
	// passages shared word for word (tolerating a changed word) and
	// WireReworded the rest, reworded sentences. The passages are all
	// that alignment measures today, so WireReworded is 0 until a pair
	// carries reworded evidence.
	WireShare    float64 `json:"wire_share"`
	WireVerbatim float64 `json:"wire_verbatim"`
	WireReworded float64 `json:"wire_reworded"`
	// Agencies names the agencies its copy comes from, most words first.
	Agencies []string `json:"agencies"`
	// TakenShare is the share of its words taken from any source;
	// UncreditedShare the part of it in articles that do not credit
	// their source.
	TakenShare      float64 `json:"taken_share"`
	UncreditedShare float64 `json:"uncredited_share"`
}

// Outlets sums the result per outlet, sorted by outlet name; an article
// without an outlet counts under its label "" (unknown).
func (r *Result) Outlets() []Outlet {
	type acc struct {
		o                       Outlet
		wire, taken, uncredited float64
		agencyWords             map[string]float64
	}
	by := map[string]*acc{}
	for i := range r.Articles {
		a, n := &r.Articles[i], &r.Nodes[i]
		name := strings.TrimSpace(a.Outlet)
		x := by[name]
		if x == nil {
			x = &acc{o: Outlet{Outlet: name, Agency: n.Agency}, agencyWords: map[string]float64{}}
			by[name] = x
		}
		w := float64(a.Words)
		x.o.Articles++
		x.o.Words += a.Words
		x.wire += n.WireShare * w
		taken := 0.0
		for _, s := range n.Sources {
			taken += s.Share
		}
		taken = min(taken, 1) * w
		x.taken += taken
		if len(n.Sources) > 0 {
			x.o.Copies++
			if !n.Credited {
				x.uncredited += taken
			}
		}
		for _, g := range n.Agencies {
			x.agencyWords[g] += n.WireShare * w / float64(len(n.Agencies))
		}
	}
	out := make([]Outlet, 0, len(by))
	for _, x := range by {
		o := x.o
		if o.Words > 0 {
			w := float64(o.Words)
			o.WireShare, o.TakenShare, o.UncreditedShare = x.wire/w, x.taken/w, x.uncredited/w
			o.WireVerbatim = o.WireShare
		}
		for g := range x.agencyWords {
			o.Agencies = append(o.Agencies, g)
		}
		slices.SortFunc(o.Agencies, func(a, b string) int {
			switch wa, wb := x.agencyWords[a], x.agencyWords[b]; {
			case wa > wb:
				return -1
			case wa < wb:
				return 1
			}
			return strings.Compare(a, b)
		})
		if o.Agencies == nil {
			o.Agencies = []string{}
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Outlet) int { return strings.Compare(a.Outlet, b.Outlet) })
	return out
}
