package batch

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/output"
)

func init() {
	register.DoFn2x0[edge, func(int, edge)](&pairRowsFn{})
	register.DoFn4x0[string, func(*int) bool, func(*string) bool, func(int, member)](&membersFn{})
	register.DoFn4x1[context.Context, int, func(*int) bool, func(*edge) bool, error](&writePairsFn{})
	register.DoFn4x1[context.Context, int, func(*int) bool, func(*member) bool, error](&writeClustersFn{})
	register.Function3x0[uint64, record, func(string, int)](articleNode)
	register.Emitter2[int, edge]()
	register.Emitter2[int, member]()
	register.Emitter2[string, int]()
	register.Iter1[int]()
	register.Iter1[member]()
}

// ShardName is the name of output file shard of n for kind ("pairs" or
// "clusters").
func ShardName(dir, kind string, shard, n int) string {
	return fmt.Sprintf("%s/%s-%05d-of-%05d.jsonl", strings.TrimSuffix(dir, "/"), kind, shard, n)
}

func shardOf(key string, n int) int {
	h := fnv.New64a()
	io.WriteString(h, key)
	return int(h.Sum64() % uint64(n))
}

// pairRowsFn keeps the pairs `compare pairs --min-relation MinRelation`
// lists and sends each to its shard.
type pairRowsFn struct {
	MinRelation int32
	Shards      int
}

func (f *pairRowsFn) ProcessElement(e edge, emit func(int, edge)) {
	minRel := cluster.Relation(f.MinRelation)
	if minRel > cluster.Story && e.Routes&copyRoutes == 0 {
		return // found by the story route only, which compare would not run
	}
	rel := cluster.Relation(e.Relation)
	if rel < minRel || rel == cluster.Unrelated && minRel > cluster.Unrelated {
		return
	}
	emit(shardOf(e.A+e.B, f.Shards), e)
}

// writePairsFn writes one shard of pairs, in `compare pairs` order
// (cluster.ComparePairs): strongest relation first, then higher score, then
// the articles' input order (a node name starts with its article's input
// position, big-endian).
type writePairsFn struct {
	Dir    string
	Shards int
}

func (f *writePairsFn) ProcessElement(ctx context.Context, shard int, _ func(*int) bool, iter func(*edge) bool) error {
	var edges []edge
	var e edge
	for iter(&e) {
		edges = append(edges, e)
	}
	slices.SortFunc(edges, func(x, y edge) int {
		return cmp.Or(cluster.ComparePairs(x.pair(0, 1), y.pair(0, 1)), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	rows := make([]output.Pair, len(edges))
	for i, e := range edges {
		p := e.pair(0, 1)
		rows[i] = output.PairRow(nodeID(e.A), nodeID(e.B), &p)
	}
	return writeFile(ctx, ShardName(f.Dir, "pairs", shard, f.Shards), func(w io.Writer) error {
		return output.WritePairs(w, output.JSONL, rows)
	})
}

func articleNode(_ uint64, d record, emit func(string, int)) { emit(node(d.Ord, d.ID), 0) }

// membersFn gives each article its cluster: its label, or itself.
type membersFn struct {
	Shards int
}

func (f *membersFn) ProcessElement(n string, articles func(*int) bool, labels func(*string) bool, emit func(int, member)) {
	var x int
	if !articles(&x) {
		return
	}
	c := n
	var l string
	if labels(&l) {
		c = l
	}
	emit(shardOf(n, f.Shards), member{Node: n, Cluster: c})
}

// writeClustersFn writes one shard of cluster members in input order.
type writeClustersFn struct {
	Dir    string
	Shards int
	Level  string
}

func (f *writeClustersFn) ProcessElement(ctx context.Context, shard int, _ func(*int) bool, iter func(*member) bool) error {
	var ms []member
	var m member
	for iter(&m) {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(x, y member) int { return cmp.Compare(x.Node, y.Node) })
	rows := make([]output.Member, len(ms))
	for i, m := range ms {
		rows[i] = output.Member{ID: nodeID(m.Node), Cluster: nodeID(m.Cluster), Level: f.Level}
	}
	return writeFile(ctx, ShardName(f.Dir, "clusters", shard, f.Shards), func(w io.Writer) error {
		return output.WriteClusters(w, output.JSONL, rows)
	})
}

// writeFile writes one output file through Beam's filesystems (local,
// gs://, ...). A retried bundle overwrites it whole.
func writeFile(ctx context.Context, path string, write func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := write(bw); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// shardIndexes is the list 0..n-1, so that every shard is written, empty
// ones too.
func shardIndexes(s beam.Scope, n int) beam.PCollection {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return beam.CreateList(s, idx)
}
