package align

// Before returns d cut before its word w: the text up to that word's
// start, prepared again, with d's Outlet and d's Vector, so that a cosine
// stays the whole texts' (what a store of articles' terms can weigh again).
// The words before w are d's, at the same places, so spans in them hold
// for d too. The last cut made is kept on d, so a text cut at the same
// word for many pairs (an outlet's footer) is prepared, and its facts
// measured, once.
func (d *Doc) Before(w int) *Doc {
	end := len(d.Text)
	if w < len(d.Tokens) {
		end = int(d.Tokens[w].Start)
	}
	if c := d.cut.Load(); c != nil && len(c.Text) == end {
		return c
	}
	c := NewDoc(d.Text[:end])
	c.Vector, c.Outlet, c.Published = d.Vector, d.Outlet, d.Published
	d.cut.Store(c)
	return c
}

// CutResult returns r, the result of verifying a against b, as if the two
// had ended at words ea and eb: the passages that end by then, and the
// coverage and copy counts they give over the words kept. Jaccard and
// Cosine stay the whole texts'. Like VerifyContext, it does not depend on
// which text is a.
func CutResult(a, b *Doc, r Result, ea, eb int) Result {
	out := Result{Jaccard: r.Jaccard, Cosine: r.Cosine, First: r.First}
	for _, p := range r.Passages {
		if p.A.End <= ea && p.B.End <= eb {
			out.Passages = append(out.Passages, p)
		}
	}
	out.cover(ea, eb, canonical(a, b))
	return out
}
