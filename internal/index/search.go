package index

// # Full-text search (schema 6)
//
// Since schema 6 the index keeps a full-text index of every article's
// headline and body text, for `compare serve`:
//
//	SQLite      search   an FTS5 table, contentless (content=''), rowid =
//	                     seq, columns title and text, tokenizer unicode61
//	                     with diacritics removed; it stores the inverted
//	                     index only (the text stays in articles.body);
//	                     since schema 10 a third column, tags, holds the
//	                     outlet and dates a filter looks for (tags.go),
//	                     and the table keeps which column a word is in
//	                     but not where (detail=column: half the size, and
//	                     a search looks for words, never phrases)
//	PostgreSQL  search   seq PK, doc tsvector ('simple' configuration: no
//	                     stemming, as in SQLite), GIN index on doc
//	both        articles_outlet index on articles (outlet, published_at)
//
// Put and Delete keep it in step with the articles; migrating from schema 5
// fills it from the stored bodies in the same transaction as the rest of
// the upgrade. A query is a list of words, every one of which must occur
// (in any order, either field); it reaches the database as a bound
// parameter, its words quoted for FTS5 and given to plainto_tsquery in
// PostgreSQL, so no input is ever read as query syntax or SQL.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Search limits.
const (
	// MaxCount: a search counts its matches up to this many and says
	// "more than" past it; counting every match of a common word in 1M
	// articles would cost more than the page itself.
	MaxCount = 10000
	// searchFillChunk is how many articles the schema 6 migration reads
	// and indexes at a time.
	searchFillChunk = 500
	// maxSearchText is the most bytes of an article's text that are
	// indexed (PostgreSQL refuses tsvectors over 1 MB).
	maxSearchText = 256 << 10
)

// Query is a search of the index: every field is optional.
type Query struct {
	Text     string    // words, all of which must occur
	Outlet   string    // exactly this outlet
	From, To time.Time // published at or after From, before To
	// Limit and Offset page the hits (Limit 0: 20).
	Limit, Offset int
	// NoCount skips counting the matches (Search then returns -1): for a
	// caller that counted the same query before.
	NoCount bool
	// SeqsOnly asks for the hits' Seq alone (HitsOf gives the rest): a
	// backend may then leave the other fields empty and the articles
	// unread.
	SeqsOnly bool
}

// Hit is one article found.
type Hit struct {
	Seq       int64  `json:"-"`
	ID        string `json:"id"`
	Outlet    string `json:"outlet"`
	Title     string `json:"title"`
	Published string `json:"published"`
}

// Search returns a page of the articles matching q, newest indexed first,
// and how many match in all (counted up to MaxCount; more is reported as
// MaxCount+1; -1 with q.NoCount).
func Search(ctx context.Context, st Store, q Query) ([]Hit, int, error) {
	tx, s, err := readTx(ctx, st)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	if q.Limit <= 0 {
		q.Limit = 20
	}
	return s.search(ctx, q)
}

// readTx begins a read transaction of st and returns it with its searcher;
// the caller rolls it back.
func readTx(ctx context.Context, st Store) (Tx, searcher, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	s, ok := tx.(searcher)
	if !ok {
		tx.Rollback()
		return nil, nil, errors.New("this index cannot search")
	}
	return tx, s, nil
}

// searcher is what both backends' transactions do for Search.
type searcher interface {
	search(ctx context.Context, q Query) ([]Hit, int, error)
	outletDays(ctx context.Context, outlet string) ([]DayCount, error)
	outletSeqs(ctx context.Context, outlet string, limit int) ([]int64, error)
	// meta returns the records of seqs (those that exist), sorted by
	// seq, with only Seq, PublishedAt and the article's metadata (no
	// text): what a page lists of an article, read without the columns
	// stored after its body.
	meta(ctx context.Context, seqs []int64) ([]Record, error)
	// copyEdges returns the stored pairs touching seqs that share a
	// passage or a quote (the edges table, not the links), sorted by
	// (a, b).
	copyEdges(ctx context.Context, seqs []int64) ([]Edge, error)
}

func (t *sqliteTx) copyEdges(ctx context.Context, seqs []int64) ([]Edge, error) {
	var out []Edge
	for _, col := range []string{"a", "b"} {
		err := t.queryIn(ctx, "SELECT "+edgeCols+" FROM edges WHERE "+col+" IN (%s)", anys(seqs), func(r *sql.Rows) error {
			e, err := scanEdge(r)
			out = append(out, e)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return sortEdges(out), nil
}

func (t *pgTx) copyEdges(ctx context.Context, seqs []int64) ([]Edge, error) {
	var out []Edge
	err := t.each(ctx, "SELECT "+edgeCols+" FROM edges WHERE a = ANY($1) OR b = ANY($1)", []any{seqs}, func(r pgx.Rows) error {
		e, err := scanEdge(r)
		out = append(out, e)
		return err
	})
	return sortEdges(out), err
}

// metaCols are what meta reads of an article.
const metaCols = "seq, id, outlet, title, url, published, published_at"

func scanMeta(r scanner) (Record, error) {
	var rec Record
	var pub sql.NullInt64
	a := &rec.Article
	err := r.Scan(&rec.Seq, &a.ID, &a.Outlet, &a.Title, &a.URL, &a.Published, &pub)
	if pub.Valid {
		rec.PublishedAt = time.Unix(pub.Int64, 0).UTC()
	}
	return rec, err
}

func (t *sqliteTx) meta(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.queryIn(ctx, "SELECT "+metaCols+" FROM articles WHERE seq IN (%s)", anys(seqs), func(r *sql.Rows) error {
		rec, err := scanMeta(r)
		out = append(out, rec)
		return err
	})
	slices.SortFunc(out, func(a, b Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

func (t *pgTx) meta(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.each(ctx, "SELECT "+metaCols+" FROM articles WHERE seq = ANY($1) ORDER BY seq", []any{seqs}, func(r pgx.Rows) error {
		rec, err := scanMeta(r)
		out = append(out, rec)
		return err
	})
	return out, err
}

// lightRecords returns the records of seqs (those that exist), sorted by
// seq, with their metadata (searcher.meta) and terms (Tx.Light): what
// classifies an article's stored pairs and lists its partners.
func lightRecords(ctx context.Context, tx Tx, seqs []int64) ([]Record, error) {
	s, ok := tx.(searcher)
	if !ok {
		return nil, errors.New("this index cannot list articles")
	}
	recs, err := s.meta(ctx, seqs)
	if err != nil {
		return nil, err
	}
	terms, err := tx.Light(ctx, seqs)
	if err != nil {
		return nil, err
	}
	if len(terms) != len(recs) {
		return nil, fmt.Errorf("index changed while reading it (%d articles, %d terms rows)", len(recs), len(terms))
	}
	for i := range recs {
		if recs[i].Seq != terms[i].Seq {
			return nil, fmt.Errorf("seq %d: no terms row", recs[i].Seq)
		}
		recs[i].Terms = terms[i].Terms
	}
	return recs, nil
}

// ftsQuery turns words into an FTS5 query that matches them all in the
// title or text (not the tags), each quoted so that nothing in it is
// query syntax; "" when there are none.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range searchWords(text) {
		terms = append(terms, `"`+w+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	return "{title text} : (" + strings.Join(terms, " ") + ")"
}

// searchWords splits text into its words (letters and digits).
func searchWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// searchText is what is indexed of an article: valid UTF-8 without NUL,
// at most maxSearchText bytes.
func searchText(s string) string {
	if len(s) > maxSearchText {
		s = s[:maxSearchText]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, " "), "\x00", " ")
}

// foldMarks drops diacritics ("Rêve" -> "Reve") for PostgreSQL, whose
// 'simple' configuration keeps them, as SQLite's tokenizer drops them.
func foldMarks(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
}

// filters returns the WHERE conditions (on articles a) and arguments of
// q's outlet and dates; ph numbers placeholders ("?" or "$n").
func filters(q Query, ph func() string) ([]string, []any) {
	var where []string
	var args []any
	if q.Outlet != "" {
		where, args = append(where, "a.outlet = "+ph()), append(args, q.Outlet)
	}
	if !q.From.IsZero() {
		where, args = append(where, "a.published_at >= "+ph()), append(args, q.From.Unix())
	}
	if !q.To.IsZero() {
		where, args = append(where, "a.published_at < "+ph()), append(args, q.To.Unix())
	}
	return where, args
}

const hitCols = "a.seq, a.id, a.outlet, a.title, a.published"

func (t *sqliteTx) search(ctx context.Context, q Query) ([]Hit, int, error) {
	where, args := filters(q, func() string { return "?" })
	from := " FROM articles a"
	if m := ftsQuery(q.Text); m != "" && len(where) == 0 {
		// Words alone: FTS5 pages its own rowids newest first and counts
		// them, without joining (a common word matches most articles).
		return t.searchWords(ctx, m, q)
	} else if m != "" {
		return t.searchFiltered(ctx, m, q, where, args)
	} else if strings.TrimSpace(q.Text) != "" {
		return nil, 0, nil // no word to look for
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var hits []Hit
	err := t.eachArgs(ctx, "SELECT "+hitCols+from+cond+" ORDER BY a.seq DESC LIMIT ? OFFSET ?", func(r *sql.Rows) error {
		var h Hit
		err := r.Scan(&h.Seq, &h.ID, &h.Outlet, &h.Title, &h.Published)
		hits = append(hits, h)
		return err
	}, append(slices.Clone(args), q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var n int
	if q.NoCount {
		return hits, -1, nil
	}
	err = t.tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1"+from+cond+" LIMIT ?)", append(args, MaxCount+1)...).Scan(&n)
	return hits, n, t.wrap(err)
}

// The queries of searchFiltered, around the filters' conditions.
const (
	filteredPageSQL = "SELECT " + hitCols + " FROM search s CROSS JOIN articles a ON a.seq = s.rowid WHERE search MATCH ? AND %s ORDER BY s.rowid DESC LIMIT ? OFFSET ?"
	filteredSeqsSQL = "SELECT a.seq FROM search s CROSS JOIN articles a ON a.seq = s.rowid WHERE search MATCH ? AND %s ORDER BY s.rowid DESC LIMIT ?"
	// Before schema 10 (no tags) a counted search walks the filters'
	// covering index (articles_outlet or articles_published) and tests
	// each seq against the words' matches, read once into a set (the "+"
	// keeps SQLite from looking up the matches by seq one at a time).
	untaggedSeqsSQL = "SELECT a.seq FROM articles a WHERE %s AND +a.seq IN (SELECT rowid FROM search WHERE search MATCH ?) ORDER BY a.seq DESC LIMIT ?"
)

// searchFiltered is search of words with filters (SQLite). The words and
// the filters' tags (tags.go) are one FTS5 query. When the tags are exact
// (dates from midnight to midnight) it is searched and counted as words
// alone are (searchWords), without reading an article. Otherwise its
// matches, newest first, are joined with their articles (CROSS JOIN: FTS5
// drives) and tested against the filters' exact conditions: counted, it
// reads the seqs of every match (up to MaxCount+1) and the page is a slice
// of them; not counted (q.NoCount), it stops once the page is full.
func (t *sqliteTx) searchFiltered(ctx context.Context, m string, q Query, where []string, args []any) ([]Hit, int, error) {
	seqsSQL := filteredSeqsSQL
	tagged, err := t.tagged(ctx)
	if err != nil {
		return nil, 0, err
	}
	if tagged {
		var first, last time.Time // what bounds an open date range
		if !q.From.IsZero() || !q.To.IsZero() {
			if first, last, err = t.publishedSpan(ctx); err != nil {
				return nil, 0, err
			}
		}
		tags, ok := tagQuery(q, first, last)
		if !ok {
			return nil, 0, nil
		}
		m = "(" + m + ") AND " + tags
		if exactTags(q) {
			return t.searchWords(ctx, m, q) // the full-text table alone decides
		}
	} else {
		seqsSQL = untaggedSeqsSQL
	}
	cond := strings.Join(where, " AND ")
	var hits []Hit
	scanHit := func(r *sql.Rows) error {
		var h Hit
		err := r.Scan(&h.Seq, &h.ID, &h.Outlet, &h.Title, &h.Published)
		hits = append(hits, h)
		return err
	}
	if q.NoCount {
		err := t.eachArgs(ctx, fmt.Sprintf(filteredPageSQL, cond), scanHit, append(append([]any{m}, args...), q.Limit, q.Offset)...)
		return hits, -1, err
	}
	var seqs []int64
	seqArgs := append(append([]any{m}, args...), MaxCount+1)
	if !tagged {
		seqArgs = append(slices.Clone(args), m, MaxCount+1)
	}
	err = t.eachArgs(ctx, fmt.Sprintf(seqsSQL, cond), func(r *sql.Rows) error {
		var seq int64
		err := r.Scan(&seq)
		seqs = append(seqs, seq)
		return err
	}, seqArgs...)
	if err != nil {
		return nil, 0, err
	}
	page := seqs[min(q.Offset, len(seqs)):min(q.Offset+q.Limit, len(seqs))]
	if len(page) > 0 {
		err = t.queryIn(ctx, "SELECT "+hitCols+" FROM articles a WHERE a.seq IN (%s)", anys(page), scanHit)
	}
	slices.SortFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Seq, a.Seq) })
	return hits, len(seqs), err
}

// tagged reports whether the full-text table has tags (schema 10 on).
func (t *sqliteTx) tagged(ctx context.Context) (bool, error) {
	var v int
	err := t.tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v >= 10, t.wrap(err)
}

// publishedSpan returns the earliest and latest publication times indexed
// (zero when no article has one), each read from articles_published's
// end (one min or max a query: both in one would scan the table).
func (t *sqliteTx) publishedSpan(ctx context.Context) (first, last time.Time, err error) {
	var lo, hi sql.NullInt64
	err = t.tx.QueryRowContext(ctx, "SELECT (SELECT min(published_at) FROM articles), (SELECT max(published_at) FROM articles)").Scan(&lo, &hi)
	if lo.Valid && hi.Valid {
		first, last = time.Unix(lo.Int64, 0).UTC(), time.Unix(hi.Int64, 0).UTC()
	}
	return first, last, t.wrap(err)
}

// searchWords is search of words without filters (SQLite).
func (t *sqliteTx) searchWords(ctx context.Context, m string, q Query) ([]Hit, int, error) {
	const matches = "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?"
	var hits []Hit
	page := "SELECT " + hitCols + " FROM (" + matches + ") s JOIN articles a ON a.seq = s.rowid ORDER BY a.seq DESC"
	scan := func(r *sql.Rows) error {
		var h Hit
		err := r.Scan(&h.Seq, &h.ID, &h.Outlet, &h.Title, &h.Published)
		hits = append(hits, h)
		return err
	}
	if q.SeqsOnly {
		page, scan = matches, func(r *sql.Rows) error {
			var h Hit
			err := r.Scan(&h.Seq)
			hits = append(hits, h)
			return err
		}
	}
	if err := t.eachArgs(ctx, page, scan, m, q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	if q.NoCount {
		return hits, -1, nil
	}
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ?)", m, MaxCount+1).Scan(&n)
	return hits, n, t.wrap(err)
}

func (t *pgTx) search(ctx context.Context, q Query) ([]Hit, int, error) {
	n := 0
	ph := func() string { n++; return fmt.Sprintf("$%d", n) }
	from := " FROM articles a"
	var where []string
	var args []any
	if words := searchWords(q.Text); len(words) > 0 {
		from = " FROM search s JOIN articles a ON a.seq = s.seq"
		where, args = []string{"s.doc @@ plainto_tsquery('simple', " + ph() + ")"}, []any{foldMarks(strings.Join(words, " "))}
	} else if strings.TrimSpace(q.Text) != "" {
		return nil, 0, nil
	}
	w, a := filters(q, ph)
	where, args = append(where, w...), append(args, a...)
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var hits []Hit
	page := fmt.Sprintf(" ORDER BY a.seq DESC LIMIT %s OFFSET %s", ph(), ph())
	err := t.each(ctx, "SELECT "+hitCols+from+cond+page, append(slices.Clone(args), q.Limit, q.Offset), func(r pgx.Rows) error {
		var h Hit
		err := r.Scan(&h.Seq, &h.ID, &h.Outlet, &h.Title, &h.Published)
		hits = append(hits, h)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	var total int
	if q.NoCount {
		return hits, -1, nil
	}
	err = t.tx.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1%s%s LIMIT %d) m", from, cond, MaxCount+1), args...).Scan(&total)
	return hits, total, t.wrap(err)
}

// DayCount is how many articles an outlet published on one day.
type DayCount struct {
	Day time.Time `json:"day"`
	N   int       `json:"n"`
}

// OutletDays returns how many of outlet's articles were published on each
// day (UTC), in date order; articles without a date are left out.
func OutletDays(ctx context.Context, st Store, outlet string) ([]DayCount, error) {
	tx, s, err := readTx(ctx, st)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.outletDays(ctx, outlet)
}

const outletDaysSQL = "SELECT published_at / 86400 AS d, count(*) FROM articles WHERE outlet = %s AND published_at IS NOT NULL GROUP BY d ORDER BY d"

func scanDay(r scanner, out *[]DayCount) error {
	var d int64
	var n int
	err := r.Scan(&d, &n)
	*out = append(*out, DayCount{Day: time.Unix(d*86400, 0).UTC(), N: n})
	return err
}

func (t *sqliteTx) outletDays(ctx context.Context, outlet string) ([]DayCount, error) {
	var out []DayCount
	err := t.eachArgs(ctx, fmt.Sprintf(outletDaysSQL, "?"), func(r *sql.Rows) error { return scanDay(r, &out) }, outlet)
	return out, err
}

func (t *pgTx) outletDays(ctx context.Context, outlet string) ([]DayCount, error) {
	var out []DayCount
	err := t.each(ctx, fmt.Sprintf(outletDaysSQL, "$1"), []any{outlet}, func(r pgx.Rows) error { return scanDay(r, &out) })
	return out, err
}

const outletSeqsSQL = "SELECT seq FROM articles WHERE outlet = %s ORDER BY seq DESC LIMIT %s"

func (t *sqliteTx) outletSeqs(ctx context.Context, outlet string, limit int) ([]int64, error) {
	var out []int64
	err := t.eachArgs(ctx, fmt.Sprintf(outletSeqsSQL, "?", "?"), func(r *sql.Rows) error {
		var s int64
		err := r.Scan(&s)
		out = append(out, s)
		return err
	}, outlet, limit)
	return out, err
}

func (t *pgTx) outletSeqs(ctx context.Context, outlet string, limit int) ([]int64, error) {
	var out []int64
	err := t.each(ctx, fmt.Sprintf(outletSeqsSQL, "$1", "$2"), []any{outlet, limit}, func(r pgx.Rows) error {
		var s int64
		err := r.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}

// Link is one stored relation of an article, classified as the index
// classifies it now (see "Document-frequency drift").
type Link struct {
	A, B         string // ids, A indexed before B
	SeqA, SeqB   int64
	OutletA      string
	OutletB      string
	cluster.Pair // I, J are meaningless here
}

// RelationsOf returns the relations of each of seqs (Hit.Seq) to other
// articles, those at least as strong as least (story or stronger),
// classified as the index classifies them now; dfc (nil: none) keeps the
// document frequencies read. Copy relations do not depend on document
// frequencies: with least partial or stronger, only the stored pairs
// sharing a passage or quote are read, and no terms.
func RelationsOf(ctx context.Context, st Store, seqs []int64, least cluster.Relation, dfc *DFCache) (map[int64][]cluster.Relation, error) {
	tx, s, err := readTx(ctx, st)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var edges []Edge
	if least >= cluster.Partial {
		edges, err = s.copyEdges(ctx, seqs)
	} else {
		edges, err = tx.Edges(ctx, seqs)
	}
	if err != nil {
		return nil, err
	}
	all := withEnds(slices.Clone(seqs), edges)
	pos := make(map[int64]int, len(all))
	vecs := make([]shingle.Vector, len(all))
	for i, seq := range all {
		pos[seq] = i
	}
	if least < cluster.Partial {
		if vecs, err = weighAll(ctx, tx, all, dfc); err != nil {
			return nil, err
		}
	}
	out := make(map[int64][]cluster.Relation)
	for _, e := range edges {
		p := classify(pos[e.A], pos[e.B], &e, vecs[pos[e.A]], vecs[pos[e.B]])
		if p.Relation >= least && p.Relation >= cluster.Story {
			out[e.A], out[e.B] = append(out[e.A], p.Relation), append(out[e.B], p.Relation)
		}
	}
	return out, nil
}

// weighAll returns the vectors of seqs (sorted; nil for a seq not
// indexed) at the index's current document frequencies.
func weighAll(ctx context.Context, tx Tx, seqs []int64, dfc *DFCache) ([]shingle.Vector, error) {
	n, next, err := tx.Count(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := tx.Light(ctx, seqs)
	if err != nil {
		return nil, err
	}
	got, err := nearVectors(ctx, tx, dfc, Generation{N: n, Next: next}, recs)
	if err != nil {
		return nil, err
	}
	vecs := make([]shingle.Vector, len(seqs))
	for k, r := range recs {
		if i, ok := slices.BinarySearch(seqs, r.Seq); ok {
			vecs[i] = got[k]
		}
	}
	return vecs, nil
}

// OutletLinks returns the relations (story or stronger) of the outlet's latest
// limit articles, with the outlets on both sides.
func OutletLinks(ctx context.Context, st Store, outlet string, limit int) (n int, links []Link, err error) {
	tx, s, err := readTx(ctx, st)
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	seqs, err := s.outletSeqs(ctx, outlet, limit)
	if err != nil || len(seqs) == 0 {
		return 0, nil, err
	}
	links, err = linksOf(ctx, tx, seqs)
	return len(seqs), links, err
}

// linksOf classifies the stored edges touching seqs (story or
// stronger).
func linksOf(ctx context.Context, tx Tx, seqs []int64) ([]Link, error) {
	edges, err := tx.Edges(ctx, seqs)
	if err != nil {
		return nil, err
	}
	recs, err := lightRecords(ctx, tx, withEnds(slices.Clone(seqs), edges))
	if err != nil {
		return nil, err
	}
	n, next, err := tx.Count(ctx)
	if err != nil {
		return nil, err
	}
	vecs, err := nearVectors(ctx, tx, nil, Generation{N: n, Next: next}, recs)
	if err != nil {
		return nil, err
	}
	var out []Link
	storyOrStronger(edges, recs, vecs, func(e *Edge, i, j int, p cluster.Pair) {
		a, b := &recs[i].Article, &recs[j].Article
		out = append(out, Link{A: a.ID, B: b.ID, SeqA: e.A, SeqB: e.B, OutletA: a.Outlet, OutletB: b.Outlet, Pair: p})
	})
	return out, nil
}

// withEnds returns seqs with both articles of every edge added, sorted,
// each once (seqs is appended to).
func withEnds(seqs []int64, edges []Edge) []int64 {
	for _, e := range edges {
		seqs = append(seqs, e.A, e.B)
	}
	slices.Sort(seqs)
	return slices.Compact(seqs)
}

// storyOrStronger calls fn, in edges' order, for each edge whose two
// articles are in recs (i and j their places there) and whose relation,
// classified as the index classifies it now (vecs are recs' vectors), is
// story or stronger.
func storyOrStronger(edges []Edge, recs []Record, vecs []shingle.Vector, fn func(e *Edge, i, j int, p cluster.Pair)) {
	pos := make(map[int64]int, len(recs))
	for i, r := range recs {
		pos[r.Seq] = i
	}
	for _, e := range edges {
		i, okA := pos[e.A]
		j, okB := pos[e.B]
		if !okA || !okB {
			continue
		}
		if p := classify(i, j, &e, vecs[i], vecs[j]); p.Relation >= cluster.Story {
			fn(&e, i, j, p)
		}
	}
}

// HitsOf returns the hits of seqs (those indexed), newest indexed first:
// what a page lists of the articles a SeqsOnly search found.
func HitsOf(ctx context.Context, st Store, seqs []int64) ([]Hit, error) {
	tx, s, err := readTx(ctx, st)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	recs, err := s.meta(ctx, seqs)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(recs))
	for i, rec := range slices.Backward(recs) {
		a := &rec.Article
		hits[len(recs)-1-i] = Hit{Seq: rec.Seq, ID: a.ID, Outlet: a.Outlet, Title: a.Title, Published: a.Published}
	}
	return hits, nil
}

// Articles returns the indexed articles with the given ids (text
// included), in the order of ids; ids not indexed are left out.
func Articles(ctx context.Context, st Store, ids []string) ([]article.Article, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	vers, err := tx.Versions(ctx, ids)
	if err != nil {
		return nil, err
	}
	var seqs []int64
	for _, v := range vers {
		seqs = append(seqs, v.Seq)
	}
	slices.Sort(seqs)
	recs, err := tx.Load(ctx, seqs, true)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*article.Article, len(recs))
	for i := range recs {
		byID[recs[i].Article.ID] = &recs[i].Article
	}
	var out []article.Article
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, *a)
		}
	}
	return out, nil
}

// The schema 6 tables of each backend.
const (
	sqliteOutletIndex  = `CREATE INDEX articles_outlet ON articles (outlet, published_at);`
	sqliteSearchSchema = `DROP TABLE IF EXISTS search;
	CREATE VIRTUAL TABLE search USING fts5(title, text, tags, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 2');`
	pgSearchSchema = `CREATE TABLE search (seq BIGINT PRIMARY KEY, doc tsvector NOT NULL);
	CREATE INDEX search_doc ON search USING GIN (doc);
	CREATE INDEX articles_outlet ON articles (outlet, published_at);`
)

// fillSearch indexes the text of every article already stored (the
// schema 6 migration), searchFillChunk articles at a time.
func fillSearch(ctx context.Context, tx Tx, put func([]Record) error) error {
	seqs, err := tx.Seqs(ctx)
	if err != nil {
		return err
	}
	for start := 0; start < len(seqs); start += searchFillChunk {
		recs, err := tx.Texts(ctx, seqs[start:min(start+searchFillChunk, len(seqs))])
		if err != nil {
			return err
		}
		if err := put(recs); err != nil {
			return err
		}
	}
	return nil
}

// putSearch indexes recs' text and tags (SQLite).
func (t *sqliteTx) putSearch(ctx context.Context, recs []Record) error {
	args := make([]any, 0, 4*len(recs))
	for i := range recs {
		a := &recs[i].Article
		args = append(args, recs[i].Seq, searchText(a.Title), searchText(a.Body), articleTags(a.Outlet, recs[i].PublishedAt))
	}
	return t.insert(ctx, "INSERT INTO search (rowid, title, text, tags)", "", 4, args)
}

// fillSearchTags indexes every stored article's text and tags (the schema
// 10 migration), searchFillChunk articles at a time in seq order.
func (t *sqliteTx) fillSearchTags(ctx context.Context) error {
	for after := int64(0); ; {
		var recs []Record
		err := t.eachArgs(ctx, "SELECT seq, title, body, outlet, published_at FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", func(r *sql.Rows) error {
			var rec Record
			var b []byte
			var pub sql.NullInt64
			if err := r.Scan(&rec.Seq, &rec.Article.Title, &b, &rec.Article.Outlet, &pub); err != nil {
				return err
			}
			if pub.Valid {
				rec.PublishedAt = time.Unix(pub.Int64, 0).UTC()
			}
			recs = append(recs, rec)
			return decodeBody(b, &recs[len(recs)-1].Article)
		}, after, searchFillChunk)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return t.optimizeSearch(ctx)
		}
		if err := t.putSearch(ctx, recs); err != nil {
			return err
		}
		after = recs[len(recs)-1].Seq
	}
}

// optimizeSearch merges the full-text table's segments into one, so that
// each word of a query is looked up once, not once a segment (after the
// schema 10 fill of 1M articles: 15 s, and a filtered search then costs a
// fifth of the CPU, BENCHMARKS.md).
func (t *sqliteTx) optimizeSearch(ctx context.Context) error {
	_, err := t.tx.ExecContext(ctx, "INSERT INTO search (search) VALUES ('optimize')")
	return t.wrap(err)
}

// putSearch indexes recs' text (PostgreSQL).
func (t *pgTx) putSearch(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	seqs := make([]int64, len(recs))
	texts := make([]string, len(recs))
	for i := range recs {
		a := &recs[i].Article
		seqs[i], texts[i] = recs[i].Seq, foldMarks(searchText(a.Title+"\n"+a.Body))
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO search (seq, doc) SELECT s, to_tsvector('simple', d) FROM unnest($1::bigint[], $2::text[]) AS u(s, d)
		ON CONFLICT (seq) DO UPDATE SET doc = excluded.doc`, seqs, texts)
	return t.wrap(err)
}

// eachArgs runs q with args and calls scan for each row.
func (t *sqliteTx) eachArgs(ctx context.Context, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return t.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return t.wrap(err)
		}
	}
	return t.wrap(rows.Err())
}
