package index

import "context"

// Since schema 8 the links are readable from both ends: a links row (b PK)
// names the older partners of its newer article b, and link_back holds one
// (a, b) row per link, keyed by the older article a, so the links of one
// article are read in O(its links) rather than by decoding every links row
// (Tx.Edges for a few seqs: the article, story and outlet pages of
// `compare serve`).

// linkBackChunk is how many links rows the schema 8 migration reads at a
// time (a links row names ~75 partners on the 100k synth index: 1,000 rows
// keep a chunk to a few MB).
const linkBackChunk = 1000

// backPairs returns the link_back rows of links rows, as (a, b) pairs.
func backPairs(links []linkRow) []any {
	var out []any
	for _, l := range links {
		for _, a := range l.As {
			out = append(out, a, l.B)
		}
	}
	return out
}

// fillLinkBack fills link_back from the links rows (the schema 8
// migration): page returns up to limit links rows with b > after,
// ascending; put writes their link_back rows.
func fillLinkBack(ctx context.Context, page func(after int64, limit int) ([]linkRow, error), put func([]linkRow) error) error {
	after := int64(-1 << 62)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := page(after, linkBackChunk)
		if err != nil || len(rows) == 0 {
			return err
		}
		if err := put(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].B
	}
}
