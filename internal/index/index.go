// Package index keeps articles on disk so that new ones can be checked
// against everything seen before, last week included, without recomputing
// the corpus. It stores what the stages computed for each article and runs
// the same stage functions (align.NewDoc, shingle.*, candidate.Route.Find,
// align.Verify, cluster.NewPair/Classify) over each new batch and the
// indexed articles it could relate to.
//
// # Adding a batch
//
// Add prepares the batch's articles (tokens, shingles, MinHash signature,
// LSH band keys, anchors, terms) outside any lock, then in one write
// transaction: looks up the batch's keys in the postings table, loads the
// indexed articles that share enough of them, verifies every candidate pair
// (indexed × new and new × new), and writes the new articles, their
// postings, the verified pairs (edges) and the document-frequency counts.
// The transaction commits at the end or not at all, so a batch is wholly in
// the index or wholly absent, whatever kills the process. Writers queue: a
// second adder waits for the first (SQLite: BEGIN IMMEDIATE under a busy
// timeout; PostgreSQL: a transaction-scoped advisory lock), so two batches
// added at once still get compared with each other. Check runs the same
// steps in a read-only transaction and writes nothing; with
// Options.CopyOnly it skips the story route (copy relations only).
//
// Speed, none of which changes an answer: the batch's keys are looked up
// reading at most candidate.MaxBucket+1 postings per key (a bigger bucket
// is capped the same whatever its tail); in SQLite, from the blocks of the
// postings runs (below) that the keys fall in, each block read once,
// and a batch writes its postings as a run of its own rather than into
// every page of one B-tree. Buckets are expanded only into pairs with a
// new article in them (candidate.Route.FindFrom), and the batch's records
// are written while those pairs are worked out. An add with
// Options.CopyOnly stores the pairs scored by cosine alone (below) as
// links, as any add does, but computes no cosine for them: it does not
// report them, and a link holds no score.
// Past candidate.AllPairsUpTo, a pair only the story route found that
// shares no anchor is scored by its cosine alone (cluster.CosineOnly), as
// `compare pairs` scores it. A candidate pair whose shingle fingerprints
// (below) share nothing shares no shingle, and align.Verify gives such a
// pair its cosine alone too. Both are decided from the stored terms (and
// fingerprint), without reading the indexed article's text. The texts the other candidates need are read
// and re-tokenised in chunks of indexed articles (textChunk), each chunk's
// pairs verified on every core and its texts dropped before the next, so
// memory does not grow with the index; results keep the candidates' order.
// SQLite runs in WAL mode with synchronous=NORMAL: a committed batch
// survives a crash of the process; a power loss can lose the last batches
// committed (never half of one), which adding them again restores.
//
// An id already indexed with the same content (a SHA-256 over its text and
// metadata) is skipped. With other content the old version, its postings,
// edges and document frequencies are removed in the same transaction and
// the new one is added as a new article, its relations recomputed.
//
// # Document-frequency drift
//
// The story route weighs terms by TF-IDF, and document frequencies change
// as the index grows. The policy: the index stores raw term counts per
// article and the DF table (term → number of articles), never weighted
// vectors, and every query weighs vectors with the DF as it stands at that
// moment, batch included. Edges store only what does not depend on DF (the
// coverage and passage counts from align.Verify); the cosine, and with it
// the relation, is recomputed from the current DF whenever the index is read
// as a whole (Graph: clusters, reports). Consequences:
//
//   - Copy relations (duplicate, derived, partial) do not depend on DF: what
//     Add prints for them is final, and equals what `compare pairs` gives on
//     the whole corpus at once.
//   - Story relations and every similarity score that Add prints are as of
//     that batch. Graph recomputes them with the final DF, so the index as a
//     whole gives exactly the relations of the all-at-once run.
//   - Candidates for the story route: while the index holds at most
//     candidate.AllPairsUpTo articles every pair is verified, as `compare
//     pairs` does; beyond that a new article is paired through its top
//     shared terms (as in the pipeline) against each indexed article's top
//     terms as they were weighted when it was added. Which story pairs are
//     candidates at all can therefore differ from an all-at-once run past
//     that size; copy candidates never do: band keys and anchors do not
//     depend on DF, and a bucket past its cap pairs only its first members
//     (candidate.BucketPairs), which a batch sees as a whole run does.
//
// # Format
//
// The same tables in SQLite and PostgreSQL. Hashes (uint64) are stored as
// the int64 with the same bits.
//
//	articles  seq int PK       insertion order: the order of every output
//	          id text UNIQUE   the article's id
//	          hash blob        SHA-256 of the stored content
//	          outlet, title, url, published text  as given
//	          published_at int unix seconds, NULL when published is unparsed
//	          body blob        zstd(JSON {byline, dateline, credits, text})
//	          sig blob         MinHash signature: shingle.K uint64, little endian
//	          keys blob        the article's postings keys, uint64 little endian
//	terms     seq PK           one row per article (schema 4; before, a
//	          terms blob       column of articles): uvarint n, then
//	                           n × (uvarint hash delta, uvarint count)
//	fingerprints seq PK        one row per article written since schema 3
//	          shingles blob    (before 4, a column of articles, NULL in older
//	                           rows): the low 32 bits of each distinct shingle
//	                           hash, sorted, uint32 little endian
//	postings  (key, seq) PK    band keys, anchors (key ^ anchorSalt) and
//	                           story terms (key ^ storySalt) → article
//	                           (PostgreSQL; SQLite before schema 5)
//	runs      run int PK       SQLite since schema 5: the postings as sorted
//	          first int        runs, in age order (an older run holds lower
//	          base int         seqs); a run's blocks are the blocks rows
//	          n int            first, first+1, ...; its entries' seqs count
//	          dir blob         from base; n postings; dir is the first key
//	                           of each block, int64 little endian
//	blocks    id int PK        blockPostings postings of a run (fewer in its
//	          data blob        last block, or after removals), sorted by
//	                           (key as int64, seq), 12 bytes each: key int64,
//	                           seq-base uint32, little endian
//	edges     (a, b) PK        every verified candidate pair, a < b (seqs),
//	          a_in_b, b_in_a,  that shares a passage (or a quote):
//	          copy_a, copy_b,  what align.Verify found
//	          longest, passages, quotes
//	          index on b
//	links     b PK             the other verified pairs (no shared passage:
//	          n int            their cosine is all there is to them), one row
//	          a blob           per newer article b: its n older partners a,
//	                           ascending, as uvarint deltas (removing an
//	                           article rewrites the later rows naming it)
//	link_back (a, b) PK        since schema 8: one row per link, by its
//	                           older article a (linkback.go)
//	df        term PK, n       number of articles holding each term
//	search    full-text index  since schema 6: each article's headline and
//	                           text, for searching (see search.go)
//
// Each batch writes its postings as a new run; while the newest run holds
// at least half as many postings as the one before, the two are merged
// into one, so an index holds a few runs of geometrically growing sizes
// and a posting is rewritten a few times in all, not once per batch.
// Removing an article rewrites the blocks that held its postings.
//
// The schema version is SQLite's user_version (application_id 'CPDX'
// marks a copydesk file) or the copydesk_meta table in PostgreSQL. Opening
// an older index upgrades it in one transaction (migrations, below); an
// index written by a newer copydesk is refused and left untouched.
//
// Changing a shingle parameter (shingle.N, K, Bands, Rows, AnchorWindow)
// changes every stored signature and key: such an index must be rebuilt.
// The change of anchors from a sample to winnowing (schema 9) is the
// exception: an index written before keeps its sampled anchors (Winnowed).
package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

// SchemaVersion is the format this package writes.
const SchemaVersion = 10

// Salts that keep the three kinds of posting keys apart in one table.
const (
	anchorSalt = 0x9e3779b97f4a7c15
	storySalt  = 0xc2b2ae3d27d4eb4f
)

// migrations[v] upgrades schema v to v+1, in SQL both databases accept.
// Version 1 is the tables of the format; version 2 indexes publication
// times for date ranges and `report --since`; version 3 adds the shingle
// fingerprint (rows already there keep NULL and have their text read
// whenever they are a candidate, as before) and the links table (edges
// already there stay in edges, where they are read as before); version 4
// moves terms and fingerprints out of the articles rows into tables of
// their own, so that reading the terms of every candidate (most of the
// index, for each batch) does not walk each row's body and signature.
var migrations = []string{
	`CREATE TABLE articles (
		seq BIGINT PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		hash BYTEA NOT NULL,
		outlet TEXT NOT NULL,
		title TEXT NOT NULL,
		url TEXT NOT NULL,
		published TEXT NOT NULL,
		published_at BIGINT,
		body BYTEA NOT NULL,
		sig BYTEA NOT NULL,
		keys BYTEA NOT NULL,
		terms BYTEA NOT NULL
	);
	CREATE TABLE postings (key BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (key, seq)) %WITHOUT_ROWID%;
	CREATE TABLE edges (
		a BIGINT NOT NULL,
		b BIGINT NOT NULL,
		a_in_b DOUBLE PRECISION NOT NULL,
		b_in_a DOUBLE PRECISION NOT NULL,
		copy_a INTEGER NOT NULL,
		copy_b INTEGER NOT NULL,
		longest INTEGER NOT NULL,
		passages INTEGER NOT NULL,
		quotes INTEGER NOT NULL,
		PRIMARY KEY (a, b)
	) %WITHOUT_ROWID%;
	CREATE INDEX edges_b ON edges (b);
	CREATE TABLE df (term BIGINT PRIMARY KEY, n INTEGER NOT NULL);`,
	`CREATE INDEX articles_published ON articles (published_at);`,
	`ALTER TABLE articles ADD COLUMN shingles BYTEA;
	CREATE TABLE links (b BIGINT PRIMARY KEY, n INTEGER NOT NULL, a BYTEA NOT NULL);`,
	`CREATE TABLE terms (seq BIGINT PRIMARY KEY, terms BYTEA NOT NULL);
	CREATE TABLE fingerprints (seq BIGINT PRIMARY KEY, shingles BYTEA NOT NULL);
	INSERT INTO terms SELECT seq, terms FROM articles ORDER BY seq;
	INSERT INTO fingerprints SELECT seq, shingles FROM articles WHERE shingles IS NOT NULL ORDER BY seq;
	ALTER TABLE articles DROP COLUMN terms;
	ALTER TABLE articles DROP COLUMN shingles;`,
	// Version 5 (SQLite only; see runs.go) moves the postings table into
	// runs of blocks, in Go; PostgreSQL keeps its postings rows.
	"",
	// Version 6 adds full-text search (search.go), in each backend's own
	// SQL, filled from the stored bodies in Go.
	"",
	// Version 7 keeps the derivation model's verdict on each edge
	// (cluster.Verdict: derivationCode, share, reworded); edges already there keep
	// 0, not measured, and are classified by their passages as before.
	`ALTER TABLE edges ADD COLUMN derivation INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE edges ADD COLUMN share DOUBLE PRECISION NOT NULL DEFAULT 0;
	ALTER TABLE edges ADD COLUMN reworded DOUBLE PRECISION NOT NULL DEFAULT 0;`,
	// Version 8 indexes the links by their older end (linkback.go), filled
	// from the links rows in Go.
	`CREATE TABLE link_back (a BIGINT NOT NULL, b BIGINT NOT NULL, PRIMARY KEY (a, b)) %WITHOUT_ROWID%;`,
	// Version 9 selects anchors by winnowing (shingle.Anchors). An index
	// that already holds articles keeps the anchors it was written with
	// (shingle.SampledAnchors), so that its postings and the keys of the
	// articles added to it still meet: winnowed = 0. Rebuilding it gives
	// it winnowed anchors.
	`CREATE TABLE anchor_scheme (winnowed INTEGER NOT NULL);
	INSERT INTO anchor_scheme SELECT CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 0 ELSE 1 END;`,
	// Version 10 (SQLite only) rebuilds the full-text table with a tags
	// column (tags.go), filled from the stored articles in Go; PostgreSQL
	// filters with its own indexes.
	"",
}

// ErrNewer says the index was written by a newer copydesk.
var ErrNewer = errors.New("written by a newer copydesk")

// Store is an open index. Its methods are safe for one goroutine at a time;
// several processes may open the same index.
type Store interface {
	// Begin starts a transaction. A writing one waits for any other writer
	// (in this or another process) and holds the index until it ends.
	Begin(ctx context.Context, write bool) (Tx, error)
	// Stats describes the index.
	Stats(ctx context.Context) (Stats, error)
	// Verify checks the storage's own integrity (SQLite's integrity_check).
	Verify(ctx context.Context) error
	Close() error
}

// Tx is one transaction on a Store.
type Tx interface {
	// Count returns the number of articles and the next free seq.
	Count(ctx context.Context) (n int, next int64, err error)
	// Winnowed reports whether the index's anchor postings are winnowed
	// (shingle.Anchors) rather than sampled (shingle.SampledAnchors: an
	// index that held articles before schema 9).
	Winnowed(ctx context.Context) (bool, error)
	// Versions returns the seq and hash of each id that is indexed.
	Versions(ctx context.Context, ids []string) (map[string]Version, error)
	// Lookup returns the postings of the keys, sorted by key then seq: for
	// each key its first perKey (lowest seqs), all of them for perKey <= 0.
	Lookup(ctx context.Context, keys []uint64, perKey int) ([]Posting, error)
	// Seqs returns every indexed seq, ascending.
	Seqs(ctx context.Context) ([]int64, error)
	// Load returns the records of seqs (those that exist), sorted by seq,
	// with their fingerprints; with text false, Body and Sig are left empty.
	Load(ctx context.Context, seqs []int64, text bool) ([]Record, error)
	// Light returns the records of seqs (those that exist), sorted by seq,
	// with only Seq and Terms: what weighs a candidate's vector.
	Light(ctx context.Context, seqs []int64) ([]Record, error)
	// Fingerprints returns the records of seqs that have a fingerprint,
	// sorted by seq, with only Seq and Shingles.
	Fingerprints(ctx context.Context, seqs []int64) ([]Record, error)
	// IDs returns the id of each of seqs that exists.
	IDs(ctx context.Context, seqs []int64) (map[int64]string, error)
	// Texts returns the records of seqs (those that exist), sorted by seq,
	// with only Seq and the article's title, text, outlet and published
	// time: what alignment reads (align.Doc.Outlet, Published).
	Texts(ctx context.Context, seqs []int64) ([]Record, error)
	// Scan calls fn for every record in seq order, without Body and Sig.
	Scan(ctx context.Context, since time.Time, fn func(*Record) error) error
	// DF returns the stored document frequency of each term (absent: 0).
	DF(ctx context.Context, terms []uint64) (map[uint64]int32, error)
	// AllDF returns the whole DF table.
	AllDF(ctx context.Context) (map[uint64]int32, error)
	// Edges returns the edges touching any of seqs (all edges for nil),
	// sorted by (a, b).
	Edges(ctx context.Context, seqs []int64) ([]Edge, error)
	// Put writes new records with their postings, edges, and adds delta to
	// the DF table (entries that reach zero are removed).
	Put(ctx context.Context, recs []Record, edges []Edge, delta map[uint64]int32) error
	// Delete removes records, their postings and edges.
	Delete(ctx context.Context, recs []Record) error
	Commit() error
	Rollback() error
}

// Version is what the index holds of an id.
type Version struct {
	Seq  int64
	Hash []byte
}

// Posting is one key of one article.
type Posting struct {
	Key uint64
	Seq int64
}

// Record is one indexed article.
type Record struct {
	Seq         int64
	Article     article.Article
	PublishedAt time.Time // zero when Article.Published is not a date
	Hash        []byte
	Sig         shingle.Signature
	Keys        []uint64 // postings keys, salted by route
	Terms       []shingle.Term
	// Shingles is the fingerprint of the text's shingle set (Load and
	// Fingerprints only; nil for rows written before schema 3).
	Shingles []uint32

	body []byte // the stored body (encodeBody), when already encoded
}

// storedBody returns the body column of r.
func (r *Record) storedBody() []byte {
	if r.body != nil {
		return r.body
	}
	return encodeBody(&r.Article)
}

// Edge is a verified pair, a < b, with what of align.Result does not depend
// on document frequencies.
type Edge struct {
	A, B         int64
	AInB, BInA   float64
	CopyA, CopyB int
	Longest      int
	Passages     int
	Quotes       int
	Verdict      cluster.Verdict // what the derivation model made of the pair
}

// Stats describes an index.
type Stats struct {
	Articles      int       `json:"articles"`
	Outlets       int       `json:"outlets"`
	Edges         int       `json:"edges"`
	First, Last   time.Time `json:"-"`
	Bytes         int64     `json:"bytes"`
	SchemaVersion int       `json:"schema_version"`
	Backend       string    `json:"backend"`
}

// Open opens the index at dsn, a SQLite file path or a postgres:// URL,
// creating or upgrading it unless readOnly. A read-only open of a missing
// index fails.
func Open(ctx context.Context, dsn string, readOnly bool) (Store, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, readOnly)
	}
	return openSQLite(ctx, dsn, readOnly)
}

// IsPostgres reports whether dsn names a PostgreSQL index.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// checkVersion refuses schemas newer than this package's.
func checkVersion(v int) error {
	if v > SchemaVersion {
		return fmt.Errorf("%w (schema version %d; this one reads up to %d): upgrade copydesk", ErrNewer, v, SchemaVersion)
	}
	return nil
}

// parsePublished reads a publication time (article.PublishedTime); zero
// when it is none.
func parsePublished(s string) time.Time {
	t, _, _ := article.PublishedTime(s)
	return t
}
