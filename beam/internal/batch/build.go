package batch

import (
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
)

func init() {
	register.Function1x2[int, int, int](selfKey)
	register.DoFn2x0[edge, func(string, string)](&groupEdgesFn{})
	register.Function2x0[edge, func(string, edge)](edgeByA)
}

// Build adds the whole run to the pipeline: read o.Files, find and verify
// candidate pairs, write pairs and clusters to o.Output.
func Build(s beam.Scope, o Options) (err error) {
	defer func() {
		// Beam reports a malformed graph by panicking; return it instead.
		if r := recover(); r != nil {
			err = fmt.Errorf("building the pipeline: %v", r)
		}
	}()
	if len(o.Files) == 0 {
		return errors.New("no input files")
	}
	if o.Shards <= 0 {
		o.Shards = 4
	}
	if o.KeyShards <= 0 {
		o.KeyShards = DefaultKeyShards
	}
	if o.Rounds <= 0 {
		o.Rounds = DefaultRounds
	}
	// The story route runs when either output needs it, as it does in
	// `compare pairs` (--min-relation story or weaker) and `compare
	// clusters --level story`; pairRowsFn and groupEdgesFn drop what it
	// alone found where compare would not have run it.
	story := o.Level == cluster.StoryLvl || o.MinRelation <= cluster.Story

	// Read, keeping the first article of each id.
	specs := make([]fileSpec, len(o.Files))
	for i, f := range o.Files {
		specs[i] = fileSpec{Index: int64(i), Path: f}
	}
	rs := s.Scope("Read")
	byID := beam.ParDo(rs, &readFn{MaxBytes: o.MaxBytes}, beam.Reshuffle(rs, beam.CreateList(rs, specs)))
	recs := beam.ParDo(rs, &firstFn{Files: o.Files}, beam.GroupByKey(rs, byID))

	// Fingerprint; count document frequencies; weigh. Bucket entries and
	// terms travel in batches by shard (pack.go).
	ps := s.Scope("Prepare")
	terms, copyKeys, ords := beam.ParDo3(ps, &prepareFn{Shards: o.KeyShards}, recs)
	n := stats.CountElms(ps, ords)
	df := beam.ParDo(ps, &dfFn{}, beam.GroupByKey(ps, terms))

	// Candidates: buckets by route and key, then distinct pairs.
	cs := s.Scope("Candidates")
	keys := copyKeys
	var counts []beam.PCollection
	if story {
		storyKeys := beam.ParDo(cs, &weighFn{Shards: o.KeyShards}, recs, beam.SideInput{Input: n}, beam.SideInput{Input: df})
		keys = beam.Flatten(cs, copyKeys, storyKeys)
		small := beam.ParDo(cs, &smallCorpusFn{}, ords, beam.SideInput{Input: n})
		counts = append(counts, beam.ParDo(cs, &allPairsFn{Shards: o.KeyShards}, beam.GroupByKey(cs, small)))
	}
	counts = append(counts, beam.ParDo(cs, &bucketsFn{Shards: o.KeyShards}, beam.GroupByKey(cs, keys)))
	partners := beam.ParDo(cs, &pairsFn{}, beam.GroupByKey(cs, beam.Flatten(cs, counts...)))

	// Join both texts to each pair and verify.
	vs := s.Scope("Verify")
	var window candidate.Window
	if story && !o.Window.IsZero() {
		window, recs = o.Window, placeRecords(vs, recs, o.Window)
	}
	docs := beam.ParDo(vs, byOrd, recs)
	halves := beam.ParDo(vs, &sendFn{}, beam.CoGroupByKey(vs, docs, partners))
	edges := beam.ParDo(vs, &verifyFn{Window: window}, beam.CoGroupByKey(vs, docs, halves), beam.SideInput{Input: n}, beam.SideInput{Input: df})

	// Pairs.
	ws := s.Scope("WritePairs")
	rows := beam.ParDo(ws, &pairRowsFn{MinRelation: int32(o.MinRelation), Shards: o.Shards}, edges)
	beam.ParDo0(ws, &writePairsFn{Dir: o.Output, Shards: o.Shards},
		beam.CoGroupByKey(ws, beam.ParDo(ws, selfKey, shardIndexes(ws, o.Shards)), rows))

	// Clusters.
	gs := s.Scope("Clusters")
	level := "copy"
	graph := beam.ParDo(gs, &groupEdgesFn{Level: int32(o.Level)}, edges)
	labels := Components(gs, graph, o.Rounds)
	if o.Level == cluster.StoryLvl {
		level = "story"
		comps := beam.ParDo(gs, &byComponentFn{}, beam.CoGroupByKey(gs, labels, beam.ParDo(gs, edgeByA, edges)))
		labels = beam.ParDo(gs, &linkageFn{}, beam.GroupByKey(gs, comps))
	}
	members := beam.ParDo(gs, &membersFn{Shards: o.Shards},
		beam.CoGroupByKey(gs, beam.ParDo(gs, articleNode, docs), labels))
	beam.ParDo0(gs, &writeClustersFn{Dir: o.Output, Shards: o.Shards, Level: level},
		beam.CoGroupByKey(gs, beam.ParDo(gs, selfKey, shardIndexes(gs, o.Shards)), members))
	return nil
}

func selfKey(i int) (int, int) { return i, i }

// groupEdgesFn keeps the edges clusters are built from: duplicate and
// derived edges found by the copy routes for copy groups (what `compare
// clusters --level copy` verifies), every edge with a story weight for
// story clusters.
type groupEdgesFn struct {
	Level int32
}

func (f *groupEdgesFn) ProcessElement(e edge, emit func(string, string)) {
	rel := cluster.Relation(e.Relation)
	if cluster.Level(f.Level) == cluster.Copy {
		if rel >= cluster.Derived && e.Routes&copyRoutes != 0 {
			emit(e.A, e.B)
		}
		return
	}
	if rel >= cluster.Story {
		emit(e.A, e.B)
	}
}

// edgeByA keys a story edge by its first node, to find its component.
func edgeByA(e edge, emit func(string, edge)) {
	if cluster.Relation(e.Relation) >= cluster.Story {
		emit(e.A, e)
	}
}
