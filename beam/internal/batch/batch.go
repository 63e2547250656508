// Package batch runs the copydesk pipeline as Apache Beam transforms, so
// that the same stage functions the one-machine command calls run on
// Prism in-process, or unchanged on Flink, Spark or Google Cloud Dataflow,
// and give the same pairs and the same clusters as `compare`.
//
// # Stages
//
// Every article is known by its ordinal, file number << 32 | its number in
// the file, which orders articles exactly as `compare` numbers them when
// given the same files in the same (sorted) order; "first article",
// "a read first" and the star pairing of oversized buckets all mean the
// smallest ordinal. A node, in the graph stages, is the ordinal in 8
// big-endian bytes followed by the article id, so comparing two nodes as
// strings compares their ordinals and the id travels with it.
//
//	files ─► read (article.Reader; text zstd-compressed) ─► GroupByKey(id): first read wins
//	      ─► prepare (align.NewDoc, shingle.Sign/BandKeys/Anchors/Terms)
//	           ├─► band keys, anchors, batched by shard ─────────────────────┐
//	           └─► term counts per bundle, by shard ─► GroupByKey ─► DF, N (side inputs)
//	      ─► weigh (shingle.NewVector, candidate.Plan.StoryKeys) ─► story keys by shard (or all pairs up to candidate.AllPairsUpTo)
//	      ─► GroupByKey(shard) ─► buckets, candidate.BucketPairs (caps, counts) ─► pair×route counts by pair shard
//	      ─► GroupByKey(shard) ─► ≥ Route.MinShared, OR of routes: distinct pairs
//	      ─► CoGroupByKey(a's text) ─► CoGroupByKey(b's text) ─► weigh both, align.Verify, cluster.NewPair
//	      ─► pairs-*.jsonl
//	      ─► copy: large-star/small-star over duplicate+derived edges ─► clusters-*.jsonl
//	      ─► story: large-star/small-star over story+ edges, then cluster.Groups
//	                (average linkage) inside each connected component ─► clusters-*.jsonl
//
// # Batches by shard
//
// Bucket entries (about a hundred an article), terms (a few hundred) and
// pair×route counts are not one element each: a runner keeps state per
// element and per key of every GroupByKey (Prism in memory), which cost
// about a megabyte an article. They travel as packed []byte batches, one
// per shard (Options.KeyShards) per bundle, and the next stage sorts one
// shard's entries and finds its buckets, sums or pairs locally; every entry
// of one key lands in one shard, so the result is that of grouping by key.
// The text join carries an article's id and compressed text only; the
// TF-IDF vectors are weighed again where the pair is verified, from the text
// and the document frequencies, bit for bit as weighFn weighs them.
//
// # What is global, and how it stays equal to one machine
//
//   - Document frequencies: counted per bundle and summed per term shard
//     (a combine by hand), then a side input. Only terms in two or more articles are kept
//     in it (a term an article has and the side input lacks has df 1), so the
//     side input is the shared vocabulary, not every hapax; the TF-IDF vector
//     weighed from it is bit for bit the one pipeline.Prepare weighs.
//   - Buckets: found by (route, key) within a shard and handed, sorted by ordinal, to
//     candidate.BucketPairs, the rule candidate.Route.Find applies; a pair
//     counts for a route when it shares Route.MinShared keys of that route.
//   - The story route: when the corpus (after dropping bad lines and
//     repeated ids) holds at most candidate.AllPairsUpTo articles, every pair;
//     else candidate.Plan.StoryKeys through the Terms route.
//   - Which routes found a pair is kept as a bit mask, so that the pairs
//     output and copy clusters leave out pairs that only the story route
//     found when `compare` would not have run it (`compare pairs
//     --min-relation derived`, `compare clusters --level copy`).
//
// # Groups
//
// Duplicate groups are the connected components of duplicate and derived
// edges, found by alternating large-star and small-star rounds (Kiveris et
// al., "Connected Components in MapReduce and Beyond", 2014): each round
// is two GroupByKeys over the edge list and leaves the components unchanged
// while turning each into a star around its smallest node. The rounds are
// unrolled into the graph (Options.Rounds); a last step checks that every
// edge points at a root, counts the edges that do not (counter
// cc-unconverged, which the command turns into an error) and labels each
// node with its root: the component's first article, as cluster.Groups
// with cluster.Copy does.
//
// Story clusters are average linkage (cluster.Groups with
// cluster.StoryLvl), which only ever merges clusters joined by an edge, so
// it runs independently inside each connected component of the story
// graph: the same large-star/small-star rounds find the components, and
// each component's edges go to one worker, sorted as compare's pairs are
// (average linkage adds weights up in the order it is given them). The largest story component
// bounds the memory of that worker.
package batch

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
)

// Options describe one run.
type Options struct {
	Files       []string         // input JSONL files (.gz too), in article order
	Output      string           // directory for pairs-*.jsonl and clusters-*.jsonl
	Level       cluster.Level    // clusters to write
	MinRelation cluster.Relation // weakest relation in the pairs output
	Shards      int              // output files of each kind; 0 means 4
	Rounds      int              // large-star/small-star rounds; 0 means DefaultRounds
	MaxBytes    int64            // largest JSONL line; 0 means article.DefaultMaxBytes
	KeyShards   int              // shards of bucket entries, terms and pairs; 0 means DefaultKeyShards
	Window      candidate.Window // bounds the story route (compare's --window); zero: the whole corpus
}

// DefaultRounds is the number of large-star/small-star rounds unrolled into
// the pipeline. Components whose diameter needs more are reported by the
// cc-unconverged counter. Copy groups are stars or cliques already (the LSH
// route pairs an oversized bucket with its first member), which converge
// in one or two rounds; a chain of n articles each copying the one before
// needs about log2(n) rounds.
const DefaultRounds = 12

// Counter names, in namespace Namespace.
const (
	Namespace       = "copydesk"
	CArticles       = "articles-read"
	CBadLines       = "bad-lines"
	CDuplicateIDs   = "duplicate-ids"
	CCandidates     = "candidate-pairs"
	CVerified       = "verified-pairs"
	CRelated        = "related-pairs"
	CCappedLSH      = "capped-buckets-lsh"
	CCappedAnchors  = "capped-buckets-anchors"
	CCappedTerms    = "capped-buckets-terms"
	CUnconverged    = "cc-unconverged"
	CBucketEntries  = "bucket-entries"
	CJoinedTextByte = "joined-text-bytes"
	CWindowed       = "story-pairs-outside-window" // dropped unverified: only the story route found them
	CUnwindowed     = "window-bounds-nothing"      // a window of time, and no article has a time
)

// Candidate routes, as bit positions in a pair's route mask.
const (
	routeLSH = iota
	routeAnchors
	routeTerms
	// routeOneAnchor is not a route: the bit marks a pair that shares at
	// least one anchor (candidate.OneAnchor), which, found by the story
	// route's term index alone, is aligned rather than scored by cosine
	// alone (cluster.CosineOnly).
	routeOneAnchor
)

var routes = [...]candidate.Route{routeLSH: candidate.LSH, routeAnchors: candidate.Anchors, routeTerms: candidate.Terms}

var cappedCounters = [...]string{routeLSH: CCappedLSH, routeAnchors: CCappedAnchors, routeTerms: CCappedTerms}

// copyRoutes are the routes `compare` always runs.
const copyRoutes = 1<<routeLSH | 1<<routeAnchors

// fileSpec is one input file and its place in the input order.
type fileSpec struct {
	Index int64
	Path  string
}

// record is one article as read: ordinal, id and the compared text
// (pipeline.Text), zstd-compressed.
type record struct {
	Ord    uint64
	ID     string
	Outlet string // align.Doc.Outlet
	// Published and Within are align.Doc.Published: its At in Unix
	// nanoseconds (0: undated) and its Within in nanoseconds.
	Published, Within int64
	Z                 []byte
	Place             candidate.Place // under Options.Window (placeRecords), else zero
}

// doc prepares the record's text for alignment with its outlet and
// publication time.
func (r *record) doc() (*align.Doc, error) {
	text, err := r.text()
	if err != nil {
		return nil, err
	}
	d := align.NewDoc(text)
	d.Outlet = r.Outlet
	d.Published = when(r.Published, r.Within)
	return d, nil
}

// when is the align.When of a record's Published and Within.
func when(published, within int64) align.When {
	if published == 0 {
		return align.When{}
	}
	return align.When{At: time.Unix(0, published).UTC(), Within: time.Duration(within)}
}

// text returns the record's compared text.
func (r *record) text() (string, error) {
	t, err := decompress(r.Z)
	if err != nil {
		return "", fmt.Errorf("%s: %w", r.ID, err)
	}
	return t, nil
}

// partner is the other end of a candidate pair and the routes that found it.
type partner struct {
	Ord    uint64
	Routes int32
}

// half is article a of a pair on its way to article b.
type half struct {
	Routes int32
	A      record
}

// edge is a verified pair, a read before b.
type edge struct {
	A, B       string // nodes
	Routes     int32
	Relation   int32
	AInB, BInA float64
	Similarity float64
	Passages   int32
	Quotes     int32
	// Source says which side the other is derived from: 0 A, 1 B, -1 none
	// (cluster.Pair.Source of the pair A=0, B=1); Share and Reworded are
	// cluster.Pair's.
	Source          int32
	Share, Reworded float64
}

// member is an article's cluster.
type member struct {
	Node, Cluster string
}

func init() {
	for _, t := range []any{fileSpec{}, record{}, partner{}, half{}, edge{}, member{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
}

// node is the graph name of an article: its ordinal in 8 big-endian bytes,
// then its id, so that nodes compare as their ordinals do.
func node(ord uint64, id string) string {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(id)), ord)
	return string(append(b, id...))
}

// nodeID returns the article id of a node.
func nodeID(n string) string { return n[8:] }
