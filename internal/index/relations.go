package index

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Committed returns what Add returned in Result.Pairs for each of runs,
// read back from the index: the relations of a batch that was committed
// but whose output was lost (the process killed after the commit, before
// or while it printed). runs are the batches as they were given to Add,
// in the order they were added.
//
// An article of a run counts if the index holds its id with the same
// content; a run's pairs are the stored verified pairs (edges and links)
// with one of those articles in them and both articles indexed no later
// than the run's last one, classified with the document frequencies of the
// articles indexed up to it, as Add weighed them. The result equals Add's
// when the run's articles were new to the index when it was added and no
// article indexed up to the run has been replaced or removed since;
// otherwise it is what the index holds now. It also holds the partial
// copies that only the story route found, which an add with
// Options.CopyOnly verified and stored but did not return.
func Committed(ctx context.Context, st Store, runs [][]article.Article) ([][]Relation, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var ids []string
	for _, run := range runs {
		for i := range run {
			ids = append(ids, run[i].ID)
		}
	}
	vers, err := tx.Versions(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Each run's indexed seqs (sorted), and every one of them.
	members := make([][]int64, len(runs))
	var all []int64
	for r, run := range runs {
		for i := range run {
			if v, ok := vers[run[i].ID]; ok && bytes.Equal(v.Hash, contentHash(&run[i])) {
				members[r] = append(members[r], v.Seq)
			}
		}
		slices.Sort(members[r])
		all = append(all, members[r]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) == 0 {
		return make([][]Relation, len(runs)), nil
	}
	edges, err := tx.Edges(ctx, all)
	if err != nil {
		return nil, err
	}
	byRun := make([][]Edge, len(runs))
	need := make(map[int64]bool) // seqs whose vectors a pair needs
	for r, m := range members {
		if len(m) == 0 {
			continue
		}
		last := m[len(m)-1]
		for _, e := range edges {
			_, inA := slices.BinarySearch(m, e.A)
			_, inB := slices.BinarySearch(m, e.B)
			if (inA || inB) && e.B <= last {
				byRun[r] = append(byRun[r], e)
				need[e.A], need[e.B] = true, true
			}
		}
	}
	vecs, err := vectorsAsOf(ctx, tx, members, byRun, need)
	if err != nil {
		return nil, err
	}
	var seqs []int64
	for s := range need {
		seqs = append(seqs, s)
	}
	slices.Sort(seqs)
	names, err := tx.IDs(ctx, seqs)
	if err != nil {
		return nil, err
	}
	out := make([][]Relation, len(runs))
	for r, es := range byRun {
		for i := range es {
			e := &es[i]
			p := classify(int(e.A), int(e.B), e, vecs[r][e.A], vecs[r][e.B])
			out[r] = append(out[r], Relation{A: names[e.A], B: names[e.B], Pair: p})
		}
		sortRelations(out[r])
	}
	return out, nil
}

// vectorsAsOf weighs the terms of the articles of each run's pairs with
// the document frequencies of the articles indexed up to the run's last
// one (members[r] sorted): one scan of the index in seq order, the counts
// growing as it goes; need holds every article of a pair.
func vectorsAsOf(ctx context.Context, tx Tx, members [][]int64, pairs [][]Edge, need map[int64]bool) ([]map[int64]shingle.Vector, error) {
	order := make([]int, 0, len(members)) // runs by last seq
	for r, m := range members {
		if len(m) > 0 {
			order = append(order, r)
		}
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := members[x], members[y]
		return int(a[len(a)-1] - b[len(b)-1])
	})
	vecs := make([]map[int64]shingle.Vector, len(members))
	df := shingle.DF{Count: make(map[uint64]int32)}
	terms := make(map[int64][]shingle.Term)
	weigh := func(upTo int64) {
		for len(order) > 0 {
			r := order[0]
			if m := members[r]; m[len(m)-1] > upTo {
				return
			}
			order = order[1:]
			vecs[r] = make(map[int64]shingle.Vector)
			for _, e := range pairs[r] {
				for _, s := range []int64{e.A, e.B} {
					if _, ok := vecs[r][s]; !ok {
						vecs[r][s] = shingle.NewVector(terms[s], &df)
					}
				}
			}
		}
	}
	err := tx.Scan(ctx, time.Time{}, func(rec *Record) error {
		weigh(rec.Seq - 1)
		df.N++
		for _, t := range rec.Terms {
			df.Count[t.Hash()]++
		}
		if need[rec.Seq] {
			terms[rec.Seq] = rec.Terms
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	weigh(1<<63 - 1)
	return vecs, nil
}
