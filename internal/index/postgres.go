package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// writerLock is the advisory lock key that queues writers on one
// PostgreSQL index (per database; "CPDX").
const writerLock = 0x43504458

type pgStore struct {
	conn *pgx.Conn
	name string // the URL without its password, for messages
}

// redact drops the password from a URL for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres index"
	}
	return u.Redacted()
}

func openPostgres(ctx context.Context, dsn string, readOnly bool) (Store, error) {
	name := redact(dsn)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &pgStore{conn: conn, name: name}
	if err := s.setup(ctx, readOnly); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func pgSchema(s string) string {
	return strings.NewReplacer("%WITHOUT_ROWID%", "").Replace(s)
}

// setup checks the schema version and, unless readOnly, migrates under the
// writers' lock.
func (s *pgStore) setup(ctx context.Context, readOnly bool) error {
	tx, err := s.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if !readOnly {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writerLock); err != nil {
			return err
		}
	}
	var meta, articles bool
	err = tx.QueryRow(ctx, "SELECT to_regclass('copydesk_meta') IS NOT NULL, to_regclass('articles') IS NOT NULL").Scan(&meta, &articles)
	if err != nil {
		return err
	}
	ver := 0
	if meta {
		if err := tx.QueryRow(ctx, "SELECT value FROM copydesk_meta WHERE key = 'schema_version'").Scan(&ver); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
	} else if articles {
		return errors.New("not a copydesk index (an articles table without copydesk_meta)")
	}
	if err := checkVersion(ver); err != nil {
		return err
	}
	if readOnly {
		if ver == 0 {
			return errors.New("no copydesk index here (add articles to create one)")
		}
		return nil
	}
	if ver == SchemaVersion {
		return nil
	}
	if !meta {
		if _, err := tx.Exec(ctx, "CREATE TABLE copydesk_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)"); err != nil {
			return err
		}
	}
	for v := ver; v < SchemaVersion; v++ {
		if v == 5 {
			if _, err := tx.Exec(ctx, pgSearchSchema); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
			t := &pgTx{tx: tx, name: s.name}
			if err := fillSearch(ctx, t, func(recs []Record) error { return t.putSearch(ctx, recs) }); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
		if migrations[v] == "" {
			continue
		}
		if _, err := tx.Exec(ctx, pgSchema(migrations[v])); err != nil {
			return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
		}
		if v == 7 {
			t := &pgTx{tx: tx, name: s.name}
			page := func(after int64, limit int) ([]linkRow, error) { return t.linkPage(ctx, after, limit) }
			if err := fillLinkBack(ctx, page, func(l []linkRow) error { return t.putBack(ctx, l) }); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO copydesk_meta VALUES ('schema_version', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SchemaVersion); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (s *pgStore) Close() error { return s.conn.Close(context.Background()) }

func (s *pgStore) Verify(ctx context.Context) error { return s.conn.Ping(ctx) }

func (s *pgStore) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Backend: "postgresql"}
	var first, last sql.NullInt64
	err := s.conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT outlet) FROM articles WHERE outlet <> ''),
		(SELECT count(*) FROM edges) + (SELECT coalesce(sum(n), 0) FROM links), (SELECT min(published_at) FROM articles), (SELECT max(published_at) FROM articles),
		(SELECT value FROM copydesk_meta WHERE key = 'schema_version'),
		(SELECT sum(pg_total_relation_size(c::regclass)) FROM unnest(ARRAY['articles', 'terms', 'fingerprints', 'postings', 'edges', 'links', 'link_back', 'df', 'search']) AS c)::bigint`).
		Scan(&st.Articles, &st.Outlets, &st.Edges, &first, &last, &st.SchemaVersion, &st.Bytes)
	if err != nil {
		return st, fmt.Errorf("%s: %w", s.name, err)
	}
	if first.Valid {
		st.First, st.Last = time.Unix(first.Int64, 0).UTC(), time.Unix(last.Int64, 0).UTC()
	}
	return st, nil
}

func (s *pgStore) Begin(ctx context.Context, write bool) (Tx, error) {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	if write {
		opts = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	}
	tx, err := s.conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	t := &pgTx{tx: tx, name: s.name}
	if write {
		// Writers queue here; the lock ends with the transaction.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writerLock); err != nil {
			tx.Rollback(ctx)
			return nil, t.wrap(err)
		}
	}
	return t, nil
}

type pgTx struct {
	tx   pgx.Tx
	name string
}

func (t *pgTx) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", t.name, err)
}

func (t *pgTx) Commit() error   { return t.wrap(t.tx.Commit(context.Background())) }
func (t *pgTx) Rollback() error { return t.tx.Rollback(context.Background()) }

func (t *pgTx) Count(ctx context.Context) (int, int64, error) {
	var n int
	var maxSeq int64
	err := t.tx.QueryRow(ctx, "SELECT count(*), coalesce(max(seq), 0) FROM articles").Scan(&n, &maxSeq)
	return n, maxSeq + 1, t.wrap(err)
}

func (t *pgTx) Winnowed(ctx context.Context) (bool, error) {
	var w int
	err := t.tx.QueryRow(ctx, "SELECT winnowed FROM anchor_scheme").Scan(&w)
	return w == 1, t.wrap(err)
}

// each runs q and calls scan for each row.
func (t *pgTx) each(ctx context.Context, q string, args []any, scan func(pgx.Rows) error) error {
	rows, err := t.tx.Query(ctx, q, args...)
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

func i64s(v []uint64) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func (t *pgTx) Versions(ctx context.Context, ids []string) (map[string]Version, error) {
	out := make(map[string]Version)
	err := t.each(ctx, "SELECT id, seq, hash FROM articles WHERE id = ANY($1)", []any{ids}, func(r pgx.Rows) error {
		var id string
		var v Version
		err := r.Scan(&id, &v.Seq, &v.Hash)
		out[id] = v
		return err
	})
	return out, err
}

func (t *pgTx) Lookup(ctx context.Context, keys []uint64, perKey int) ([]Posting, error) {
	var out []Posting
	q := "SELECT key, seq FROM postings WHERE key = ANY($1)"
	if perKey > 0 {
		q = fmt.Sprintf("SELECT key, seq FROM (SELECT key, seq, row_number() OVER (PARTITION BY key ORDER BY seq) AS rn FROM postings WHERE key = ANY($1)) p WHERE rn <= %d", perKey)
	}
	err := t.each(ctx, q, []any{i64s(keys)}, func(r pgx.Rows) error {
		var k, s int64
		err := r.Scan(&k, &s)
		out = append(out, Posting{uint64(k), s})
		return err
	})
	sortPostings(out)
	return out, err
}

func (t *pgTx) Seqs(ctx context.Context) ([]int64, error) {
	var out []int64
	err := t.each(ctx, "SELECT seq FROM articles ORDER BY seq", nil, func(r pgx.Rows) error {
		var s int64
		err := r.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}

func (t *pgTx) Load(ctx context.Context, seqs []int64, text bool) ([]Record, error) {
	var out []Record
	err := t.each(ctx, "SELECT "+loadCols(text)+recordFrom+" WHERE a.seq = ANY($1) ORDER BY a.seq", []any{seqs}, func(r pgx.Rows) error {
		rec, err := scanRecord(r, true, text)
		out = append(out, rec)
		return err
	})
	return out, err
}

func (t *pgTx) Light(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.each(ctx, "SELECT seq, terms FROM terms WHERE seq = ANY($1) ORDER BY seq", []any{seqs}, func(r pgx.Rows) error {
		rec, err := scanLight(r)
		out = append(out, rec)
		return err
	})
	return out, err
}

func (t *pgTx) Fingerprints(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.each(ctx, "SELECT seq, shingles FROM fingerprints WHERE seq = ANY($1) ORDER BY seq", []any{seqs}, func(r pgx.Rows) error {
		rec, err := scanFingerprint(r)
		out = append(out, rec)
		return err
	})
	return out, err
}

func (t *pgTx) IDs(ctx context.Context, seqs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(seqs))
	err := t.each(ctx, "SELECT seq, id FROM articles WHERE seq = ANY($1)", []any{seqs}, func(r pgx.Rows) error {
		var seq int64
		var id string
		err := r.Scan(&seq, &id)
		out[seq] = id
		return err
	})
	return out, err
}

func (t *pgTx) Texts(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.each(ctx, "SELECT seq, title, body, outlet, published FROM articles WHERE seq = ANY($1) ORDER BY seq", []any{seqs}, func(r pgx.Rows) error {
		rec, err := scanText(r)
		out = append(out, rec)
		return err
	})
	return out, err
}

func (t *pgTx) Scan(ctx context.Context, since time.Time, fn func(*Record) error) error {
	q, args := "SELECT "+recordCols+recordFrom+" ORDER BY a.seq", []any(nil)
	if !since.IsZero() {
		q, args = "SELECT "+recordCols+recordFrom+" WHERE a.published_at >= $1 ORDER BY a.seq", []any{since.Unix()}
	}
	return t.each(ctx, q, args, func(r pgx.Rows) error {
		rec, err := scanRecord(r, false, false)
		if err != nil {
			return err
		}
		return fn(&rec)
	})
}

func (t *pgTx) DF(ctx context.Context, terms []uint64) (map[uint64]int32, error) {
	out := make(map[uint64]int32, len(terms))
	err := t.each(ctx, "SELECT term, n FROM df WHERE term = ANY($1)", []any{i64s(terms)}, func(r pgx.Rows) error {
		var k int64
		var n int32
		err := r.Scan(&k, &n)
		out[uint64(k)] = n
		return err
	})
	return out, err
}

func (t *pgTx) AllDF(ctx context.Context) (map[uint64]int32, error) {
	out := make(map[uint64]int32)
	err := t.each(ctx, "SELECT term, n FROM df", nil, func(r pgx.Rows) error {
		var k int64
		var n int32
		err := r.Scan(&k, &n)
		out[uint64(k)] = n
		return err
	})
	return out, err
}

func (t *pgTx) Edges(ctx context.Context, seqs []int64) ([]Edge, error) {
	q, args := "SELECT "+edgeCols+" FROM edges", []any(nil)
	if seqs != nil {
		q, args = "SELECT "+edgeCols+" FROM edges WHERE a = ANY($1) OR b = ANY($1)", []any{seqs}
	}
	var out []Edge
	err := t.each(ctx, q, args, func(r pgx.Rows) error {
		e, err := scanEdge(r)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	q, args = "SELECT b, a FROM links", nil
	if seqs != nil {
		q, args = "SELECT b, a FROM links WHERE b = ANY($1)", []any{seqs}
	}
	err = t.each(ctx, q, args, func(r pgx.Rows) error {
		var b int64
		var list []byte
		if err := r.Scan(&b, &list); err != nil {
			return err
		}
		var err error
		out, err = linkEdges(out, b, list, nil)
		return err
	})
	if err != nil || seqs == nil {
		return sortEdges(out), err
	}
	// The newer partners of seqs, through link_back's primary key.
	err = t.each(ctx, "SELECT a, b FROM link_back WHERE a = ANY($1)", []any{seqs}, func(r pgx.Rows) error {
		var e Edge
		err := r.Scan(&e.A, &e.B)
		out = append(out, e)
		return err
	})
	return sortEdges(out), err
}

// linkPage returns up to limit links rows with b > after, ascending.
func (t *pgTx) linkPage(ctx context.Context, after int64, limit int) ([]linkRow, error) {
	var out []linkRow
	err := t.each(ctx, "SELECT b, a FROM links WHERE b > $1 ORDER BY b LIMIT $2", []any{after, limit}, func(r pgx.Rows) error {
		var l linkRow
		var list []byte
		if err := r.Scan(&l.B, &list); err != nil {
			return err
		}
		var err error
		l.As, err = decodeSeqs(list)
		out = append(out, l)
		return err
	})
	return out, err
}

// putBack writes the link_back rows of links.
func (t *pgTx) putBack(ctx context.Context, links []linkRow) error {
	pairs := backPairs(links)
	rows := make([][]any, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		rows = append(rows, pairs[i:i+2])
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := t.tx.CopyFrom(ctx, pgx.Identifier{"link_back"}, []string{"a", "b"}, pgx.CopyFromRows(rows))
	return t.wrap(err)
}

// dropBack removes the link_back rows of the links of seqs, from both
// ends; it runs before their links rows are deleted.
func (t *pgTx) dropBack(ctx context.Context, seqs []int64) error {
	var as, bs []int64
	err := t.each(ctx, "SELECT b, a FROM links WHERE b = ANY($1)", []any{seqs}, func(r pgx.Rows) error {
		var b int64
		var list []byte
		if err := r.Scan(&b, &list); err != nil {
			return err
		}
		older, err := decodeSeqs(list)
		for _, a := range older {
			as, bs = append(as, a), append(bs, b)
		}
		return err
	})
	if err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, "DELETE FROM link_back l USING unnest($1::bigint[], $2::bigint[]) AS d(a, b) WHERE l.a = d.a AND l.b = d.b", as, bs); err != nil {
		return t.wrap(err)
	}
	_, err = t.tx.Exec(ctx, "DELETE FROM link_back WHERE a = ANY($1)", seqs)
	return t.wrap(err)
}

// Put bulk-loads with COPY: postings and edges straight into their tables
// (their rows are new: seqs are handed out under the writers' lock),
// articles and DF counts through temporary tables merged with ON CONFLICT,
// so a re-added id replaces its row and counts add up.
func (t *pgTx) Put(ctx context.Context, recs []Record, edges []Edge, delta map[uint64]int32) error {
	if len(recs) > 0 {
		if _, err := t.tx.Exec(ctx, "CREATE TEMP TABLE new_articles (LIKE articles) ON COMMIT DROP"); err != nil {
			return t.wrap(err)
		}
		rows := make([][]any, len(recs))
		var terms, fps, posts [][]any
		for i := range recs {
			r := &recs[i]
			a := &r.Article
			var pub any
			if !r.PublishedAt.IsZero() {
				pub = r.PublishedAt.Unix()
			}
			rows[i] = []any{r.Seq, a.ID, r.Hash, a.Outlet, a.Title, a.URL, a.Published, pub,
				r.storedBody(), encodeSig(&r.Sig), encodeU64s(r.Keys)}
			terms = append(terms, []any{r.Seq, encodeTerms(r.Terms)})
			if r.Shingles != nil {
				fps = append(fps, []any{r.Seq, encodeFingerprint(r.Shingles)})
			}
			keys := slices.Clone(r.Keys)
			slices.Sort(keys)
			for k, key := range keys {
				if k == 0 || key != keys[k-1] {
					posts = append(posts, []any{int64(key), r.Seq})
				}
			}
		}
		cols := []string{"seq", "id", "hash", "outlet", "title", "url", "published", "published_at", "body", "sig", "keys"}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"new_articles"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return t.wrap(err)
		}
		if _, err := t.tx.Exec(ctx, `INSERT INTO articles SELECT * FROM new_articles ON CONFLICT (id) DO UPDATE SET
			seq = excluded.seq, hash = excluded.hash, outlet = excluded.outlet, title = excluded.title, url = excluded.url,
			published = excluded.published, published_at = excluded.published_at, body = excluded.body, sig = excluded.sig,
			keys = excluded.keys`); err != nil {
			return t.wrap(err)
		}
		if err := t.putSearch(ctx, recs); err != nil {
			return err
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"terms"}, []string{"seq", "terms"}, pgx.CopyFromRows(terms)); err != nil {
			return t.wrap(err)
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"fingerprints"}, []string{"seq", "shingles"}, pgx.CopyFromRows(fps)); err != nil {
			return t.wrap(err)
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"postings"}, []string{"key", "seq"}, pgx.CopyFromRows(posts)); err != nil {
			return t.wrap(err)
		}
	}
	full, links := splitEdges(edges)
	if len(full) > 0 {
		rows := make([][]any, len(full))
		for i, e := range full {
			rows[i] = []any{e.A, e.B, e.AInB, e.BInA, e.CopyA, e.CopyB, e.Longest, e.Passages, e.Quotes, derivationCode(e.Verdict), e.Verdict.Share, e.Verdict.Reworded}
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"edges"}, strings.Split(strings.ReplaceAll(edgeCols, " ", ""), ","), pgx.CopyFromRows(rows)); err != nil {
			return t.wrap(err)
		}
	}
	if len(links) > 0 {
		rows := make([][]any, len(links))
		for i, l := range links {
			rows[i] = []any{l.B, len(l.As), encodeSeqs(l.As)}
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"links"}, []string{"b", "n", "a"}, pgx.CopyFromRows(rows)); err != nil {
			return t.wrap(err)
		}
		if err := t.putBack(ctx, links); err != nil {
			return err
		}
	}
	if len(delta) > 0 {
		if _, err := t.tx.Exec(ctx, "CREATE TEMP TABLE df_delta (term BIGINT, n INTEGER) ON COMMIT DROP"); err != nil {
			return t.wrap(err)
		}
		var rows [][]any
		for _, k := range sortedTerms(delta) {
			if d := delta[k]; d != 0 {
				rows = append(rows, []any{int64(k), d})
			}
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"df_delta"}, []string{"term", "n"}, pgx.CopyFromRows(rows)); err != nil {
			return t.wrap(err)
		}
		if _, err := t.tx.Exec(ctx, `INSERT INTO df SELECT term, n FROM df_delta ORDER BY term
			ON CONFLICT (term) DO UPDATE SET n = df.n + excluded.n`); err != nil {
			return t.wrap(err)
		}
		if _, err := t.tx.Exec(ctx, "DELETE FROM df WHERE term IN (SELECT term FROM df_delta WHERE n < 0) AND n <= 0"); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

func (t *pgTx) Delete(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	seqs := make([]int64, len(recs))
	var keys, keySeqs []int64
	for i, r := range recs {
		seqs[i] = r.Seq
		for _, k := range r.Keys {
			keys, keySeqs = append(keys, int64(k)), append(keySeqs, r.Seq)
		}
	}
	if err := t.dropBack(ctx, seqs); err != nil {
		return err
	}
	for _, q := range []string{
		"DELETE FROM articles WHERE seq = ANY($1)",
		"DELETE FROM terms WHERE seq = ANY($1)",
		"DELETE FROM fingerprints WHERE seq = ANY($1)",
		"DELETE FROM edges WHERE a = ANY($1) OR b = ANY($1)",
		"DELETE FROM links WHERE b = ANY($1)",
		"DELETE FROM search WHERE seq = ANY($1)",
	} {
		if _, err := t.tx.Exec(ctx, q, seqs); err != nil {
			return t.wrap(err)
		}
	}
	// Later articles' links rows naming the removed ones.
	slices.Sort(seqs)
	type row struct {
		b  int64
		as []int64
	}
	var changed []row
	err := t.each(ctx, "SELECT b, a FROM links WHERE b > $1", []any{seqs[0]}, func(r pgx.Rows) error {
		var b int64
		var list []byte
		if err := r.Scan(&b, &list); err != nil {
			return err
		}
		as, ok, err := unlink(list, seqs)
		if ok {
			changed = append(changed, row{b, as})
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range changed {
		if _, err := t.tx.Exec(ctx, "UPDATE links SET n = $1, a = $2 WHERE b = $3", len(r.as), encodeSeqs(r.as), r.b); err != nil {
			return t.wrap(err)
		}
	}
	_, err = t.tx.Exec(ctx, "DELETE FROM postings p USING unnest($1::bigint[], $2::bigint[]) AS d(key, seq) WHERE p.key = d.key AND p.seq = d.seq", keys, keySeqs)
	return t.wrap(err)
}
