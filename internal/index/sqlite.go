package index

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure Go: compare stays one static binary without cgo
)

// SQLite settings.
const (
	// BusyTimeout is how long a writer waits for another process's write
	// transaction (a batch being added) before giving up.
	BusyTimeout = 30 * time.Minute
	// cacheKiB is SQLite's page cache of a connection that writes.
	cacheKiB = 512 << 10
	// readCacheKiB is a read-only connection's: what it reads of the first
	// 2 GB comes from the memory map (mmapBytes), the rest from the
	// operating system's copy of the file, which every connection shares.
	// A smaller cache is full sooner and then reuses its pages' memory,
	// where a large one keeps allocating a page at a time, each fresh
	// memory for the kernel to map. Chosen on serve at 1M under 50
	// clients: searches with an outlet, just started, 1.22-1.36 ms of CPU
	// a request against 1.61-1.73 with 512 MiB (p95 60-76 ms against
	// 110-126); warmed up, 1.44 against 1.32 (BENCHMARKS.md).
	readCacheKiB = 128 << 10
	// pageSize is the page size of a new index file (an existing one keeps
	// its own): a batch reads most of the postings blocks and the terms of
	// most indexed articles, and 16 KiB pages read them in a quarter of
	// the system calls of SQLite's default 4 KiB (100k in ten batches:
	// 52.1 s to 45.1 s; 64 KiB pages were no faster).
	pageSize = 16384
	// mmapBytes is how much of the file a read-only connection maps
	// instead of reading it page by page into its own cache: the
	// connections of one process (a server's pool) then share the
	// operating system's copy of the pages, with no system call per page
	// (serve's article pages at 100k: BENCHMARKS.md). SQLite caps it at its build's limit (2 GB for modernc on
	// Linux); the rest of a larger file is read as before.
	mmapBytes = 1 << 40
	// applicationID marks a copydesk index: 'CPDX'.
	applicationID = 0x43504458
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

type sqliteStore struct {
	db   *sql.DB
	path string
	runs runsCache // for read-only transactions
}

func sqliteSchema(s string) string {
	return strings.NewReplacer("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY", "BYTEA", "BLOB", "%WITHOUT_ROWID%", "WITHOUT ROWID").Replace(s)
}

// openSQLite opens (or creates) the index file. Every check that can
// refuse the file runs before anything is written to it.
func openSQLite(ctx context.Context, path string, readOnly bool) (Store, error) {
	if path == "" {
		return nil, errors.New("no index file given")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && readOnly:
		return nil, fmt.Errorf("%s: no such index", path)
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s: is a directory, not an index file", path)
	case err == nil && fi.Size() > 0:
		if err := checkSQLiteHeader(path); err != nil {
			return nil, err
		}
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	exists := err == nil && fi.Size() > 0
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	// A read-only directory (or mount) cannot hold the WAL's shared-memory
	// file that even a read-only connection creates: such an index is read
	// as immutable, which is right as long as no -wal file holds commits
	// not yet copied into it (a writer's last close copies them).
	immutable := readOnly && exists && !dirWritable(filepath.Dir(path))
	if immutable {
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return nil, fmt.Errorf("%s: cannot be read in a read-only directory: %s-wal holds commits not yet in it (open it once where it is writable)", path, path)
		}
		u += "?immutable=1"
	}
	if exists {
		if err := probeSQLite(ctx, path, u); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	q.Add("_pragma", fmt.Sprintf("page_size(%d)", pageSize))
	cache := cacheKiB
	if readOnly {
		cache = readCacheKiB
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cache))
	// Statement journals (each multi-row INSERT keeps one) in memory, not
	// in temporary files.
	q.Add("_pragma", "temp_store(memory)")
	if readOnly {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmapBytes))
		q.Set("mode", "ro")
		if immutable {
			q.Set("immutable", "1")
		}
	} else {
		q.Set("mode", "rwc")
		q.Set("_txlock", "immediate")
		q.Set("_synchronous", "NORMAL")
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] // its parameters are in q
	}
	db, err := sql.Open("sqlite", u+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	s := &sqliteStore{db: db, path: path}
	if !readOnly {
		if err := s.setup(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return s, nil
}

// dirWritable reports whether files can be created in dir (false on a
// read-only mount, for root too). A variable: tests force a read-only
// directory where root could write anyway.
var dirWritable = func(dir string) bool {
	f, err := os.CreateTemp(dir, ".copydesk-probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// checkSQLiteHeader refuses a file that is not a SQLite database.
func checkSQLiteHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 100)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.HasPrefix(head, sqliteMagic) {
		return fmt.Errorf("%s: not a copydesk index (not a SQLite database)", path)
	}
	return nil
}

// probeSQLite reads the application id and schema version through a
// read-only connection, so that a foreign or newer file is refused before
// anything (even the journal mode) is written to it.
func probeSQLite(ctx context.Context, path, u string) error {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	db, err := sql.Open("sqlite", u+sep+"mode=ro&_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	var app, ver, tables int
	err = db.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&app, &ver, &tables)
	if err != nil {
		return fmt.Errorf("%s: not a readable index: %w", path, sqliteError(err))
	}
	if app != applicationID && (app != 0 || tables > 0) {
		return fmt.Errorf("%s: not a copydesk index (a SQLite database of another application)", path)
	}
	if err := checkVersion(ver); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// sqliteError shortens the driver's messages to their cause.
func sqliteError(err error) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "(") {
		return errors.New(strings.TrimSpace(msg[i+2:]))
	}
	return err
}

// setup turns on WAL and brings the schema up to date in one transaction.
func (s *sqliteStore) setup(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		return sqliteError(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return sqliteError(err)
	}
	defer tx.Rollback()
	var ver int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&ver); err != nil {
		return err
	}
	if err := checkVersion(ver); err != nil {
		return err
	}
	if ver == SchemaVersion {
		return nil
	}
	for v := ver; v < SchemaVersion; v++ {
		if migrations[v] != "" {
			if _, err := tx.ExecContext(ctx, sqliteSchema(migrations[v])); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
		t := &sqliteTx{tx: tx, path: s.path, stmts: make(map[string]*sql.Stmt)}
		if v == 4 {
			if err := t.postingsToRuns(ctx); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
		if v == 7 {
			if err := fillLinkBack(ctx, func(after int64, limit int) ([]linkRow, error) { return t.linkPage(ctx, after, limit) }, func(l []linkRow) error { return t.putBack(ctx, l) }); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
		if v == 5 {
			if _, err := tx.ExecContext(ctx, sqliteOutletIndex); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, sqliteError(err))
			}
		}
		if v == 9 { // the full-text table, since 5 without tags
			if _, err := tx.ExecContext(ctx, sqliteSearchSchema); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, sqliteError(err))
			}
			if err := t.fillSearchTags(ctx); err != nil {
				return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id=%d; PRAGMA user_version=%d", applicationID, SchemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *sqliteStore) Close() error { return s.db.Close() }

func (s *sqliteStore) Verify(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		rows.Scan(&m)
		msgs = append(msgs, m)
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return fmt.Errorf("%s: integrity check: %s", s.path, strings.Join(msgs, "; "))
	}
	return rows.Err()
}

func (s *sqliteStore) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Backend: "sqlite"}
	var first, last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT outlet) FROM articles WHERE outlet <> ''),
		(SELECT count(*) FROM edges) + (SELECT coalesce(sum(n), 0) FROM links), (SELECT min(published_at) FROM articles), (SELECT max(published_at) FROM articles),
		(SELECT user_version FROM pragma_user_version)`).Scan(&st.Articles, &st.Outlets, &st.Edges, &first, &last, &st.SchemaVersion)
	if err != nil {
		return st, fmt.Errorf("%s: %w", s.path, sqliteError(err))
	}
	if first.Valid {
		st.First, st.Last = time.Unix(first.Int64, 0).UTC(), time.Unix(last.Int64, 0).UTC()
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			st.Bytes += fi.Size()
		}
	}
	return st, nil
}

func (s *sqliteStore) Begin(ctx context.Context, write bool) (Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, sqliteError(err))
	}
	t := &sqliteTx{tx: tx, path: s.path, stmts: make(map[string]*sql.Stmt)}
	if !write {
		t.runsCache = &s.runs
	}
	return t, nil
}

type sqliteTx struct {
	tx        *sql.Tx
	path      string
	stmts     map[string]*sql.Stmt
	runsCache *runsCache // nil in a write transaction
}

// stmt returns a statement prepared once per transaction.
func (t *sqliteTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := t.stmts[q]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, t.wrap(err)
	}
	t.stmts[q] = s
	return s, nil
}

func (t *sqliteTx) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", t.path, err)
}

func (t *sqliteTx) Commit() error   { return t.wrap(t.tx.Commit()) }
func (t *sqliteTx) Rollback() error { return t.tx.Rollback() }

// inChunk is how many values one IN (...) list or multi-row INSERT holds.
const inChunk = 500

func placeholders(n, cols int) string {
	tuple := "(" + strings.Repeat("?,", cols-1) + "?)"
	return strings.Repeat(tuple+",", n-1) + tuple
}

// queryIn runs q, whose "%s" is replaced by a list of placeholders, over
// args in chunks, calling scan for each row.
func (t *sqliteTx) queryIn(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	for start := 0; start < len(args); start += inChunk {
		chunk := args[start:min(start+inChunk, len(args))]
		st, err := t.stmt(ctx, fmt.Sprintf(q, strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")))
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, chunk...)
		if err != nil {
			return t.wrap(err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return t.wrap(err)
			}
		}
		if err := rows.Close(); err != nil {
			return t.wrap(err)
		}
		if err := rows.Err(); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

// insert runs "head VALUES (...),(...)" over rows of cols values each.
func (t *sqliteTx) insert(ctx context.Context, head, tail string, cols int, args []any) error {
	per := max(1, inChunk/cols)
	for start := 0; start < len(args); start += per * cols {
		chunk := args[start:min(start+per*cols, len(args))]
		st, err := t.stmt(ctx, head+" VALUES "+placeholders(len(chunk)/cols, cols)+tail)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, chunk...); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

func (t *sqliteTx) Count(ctx context.Context) (int, int64, error) {
	var n int
	var maxSeq int64
	// Two subqueries: a bare count(*) counts the smallest index's pages
	// without reading its rows, and max(seq) reads the table's last row;
	// together in one SELECT they read every index row (0.3 ms against
	// 16 ms at 100k articles, sqlite3's .timer).
	err := t.tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM articles), (SELECT coalesce(max(seq), 0) FROM articles)").Scan(&n, &maxSeq)
	return n, maxSeq + 1, t.wrap(err)
}

func (t *sqliteTx) Winnowed(ctx context.Context) (bool, error) {
	var w int
	err := t.tx.QueryRowContext(ctx, "SELECT winnowed FROM anchor_scheme").Scan(&w)
	return w == 1, t.wrap(err)
}

func (t *sqliteTx) Versions(ctx context.Context, ids []string) (map[string]Version, error) {
	out := make(map[string]Version)
	err := t.queryIn(ctx, "SELECT id, seq, hash FROM articles WHERE id IN (%s)", anys(ids), func(r *sql.Rows) error {
		var id string
		var v Version
		err := r.Scan(&id, &v.Seq, &v.Hash)
		out[id] = v
		return err
	})
	return out, err
}

func (t *sqliteTx) Lookup(ctx context.Context, keys []uint64, perKey int) ([]Posting, error) {
	return t.lookupRuns(ctx, keys, perKey)
}

func sortPostings(ps []Posting) {
	slices.SortFunc(ps, func(a, b Posting) int {
		if a.Key != b.Key {
			if a.Key < b.Key {
				return -1
			}
			return 1
		}
		return int(a.Seq - b.Seq)
	})
}

func (t *sqliteTx) Seqs(ctx context.Context) ([]int64, error) {
	rows, err := t.tx.QueryContext(ctx, "SELECT seq FROM articles ORDER BY seq")
	if err != nil {
		return nil, t.wrap(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, t.wrap(err)
		}
		out = append(out, s)
	}
	return out, t.wrap(rows.Err())
}

// recordCols are the columns of a record without its body and signature:
// articles a joined with terms t (and fingerprints f, see loadCols).
const recordCols = "a.seq, a.id, a.hash, a.outlet, a.title, a.url, a.published, a.published_at, a.keys, t.terms"

// recordFrom is the join recordCols and loadCols read.
const recordFrom = " FROM articles a JOIN terms t ON t.seq = a.seq LEFT JOIN fingerprints f ON f.seq = a.seq"

func (t *sqliteTx) Load(ctx context.Context, seqs []int64, text bool) ([]Record, error) {
	var out []Record
	err := t.queryIn(ctx, "SELECT "+loadCols(text)+recordFrom+" WHERE a.seq IN (%s)", anys(seqs), func(r *sql.Rows) error {
		rec, err := scanRecord(r, true, text)
		out = append(out, rec)
		return err
	})
	slices.SortFunc(out, func(a, b Record) int { return int(a.Seq - b.Seq) })
	return out, err
}

func (t *sqliteTx) Light(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	scan := func(r *sql.Rows) error {
		rec, err := scanLight(r)
		out = append(out, rec)
		return err
	}
	sorted := slices.IsSorted(seqs)
	if !sorted || len(seqs) < 2*inChunk || seqs[len(seqs)-1]-seqs[0] > 2*int64(len(seqs)) {
		err := t.queryIn(ctx, "SELECT seq, terms FROM terms WHERE seq IN (%s)", anys(seqs), scan)
		slices.SortFunc(out, func(a, b Record) int { return int(a.Seq - b.Seq) })
		return out, err
	}
	// Most of a range (a batch's candidates are most of the index): one
	// scan of it, skipping the rows not asked for, instead of a lookup
	// per row.
	rows, err := t.tx.QueryContext(ctx, "SELECT seq, terms FROM terms WHERE seq >= ? AND seq <= ? ORDER BY seq", seqs[0], seqs[len(seqs)-1])
	if err != nil {
		return nil, t.wrap(err)
	}
	defer rows.Close()
	next := 0
	var seq int64
	var raw sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&seq, &raw); err != nil {
			return nil, t.wrap(err)
		}
		for next < len(seqs) && seqs[next] < seq {
			next++
		}
		if next == len(seqs) || seqs[next] != seq {
			continue
		}
		terms, err := decodeTerms(raw)
		if err != nil {
			return nil, t.wrap(fmt.Errorf("seq %d: %w", seq, err))
		}
		out = append(out, Record{Seq: seq, Terms: terms})
	}
	return out, t.wrap(rows.Err())
}

func (t *sqliteTx) Fingerprints(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.queryIn(ctx, "SELECT seq, shingles FROM fingerprints WHERE seq IN (%s)", anys(seqs), func(r *sql.Rows) error {
		rec, err := scanFingerprint(r)
		out = append(out, rec)
		return err
	})
	slices.SortFunc(out, func(a, b Record) int { return int(a.Seq - b.Seq) })
	return out, err
}

func (t *sqliteTx) IDs(ctx context.Context, seqs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(seqs))
	err := t.queryIn(ctx, "SELECT seq, id FROM articles WHERE seq IN (%s)", anys(seqs), func(r *sql.Rows) error {
		var seq int64
		var id string
		err := r.Scan(&seq, &id)
		out[seq] = id
		return err
	})
	return out, err
}

func (t *sqliteTx) Texts(ctx context.Context, seqs []int64) ([]Record, error) {
	var out []Record
	err := t.queryIn(ctx, "SELECT seq, title, body, outlet, published FROM articles WHERE seq IN (%s)", anys(seqs), func(r *sql.Rows) error {
		rec, err := scanText(r)
		out = append(out, rec)
		return err
	})
	slices.SortFunc(out, func(a, b Record) int { return int(a.Seq - b.Seq) })
	return out, err
}

func scanText(r scanner) (Record, error) {
	var rec Record
	var b []byte
	if err := r.Scan(&rec.Seq, &rec.Article.Title, &b, &rec.Article.Outlet, &rec.Article.Published); err != nil {
		return rec, err
	}
	if err := decodeBody(b, &rec.Article); err != nil {
		return rec, fmt.Errorf("seq %d: %w", rec.Seq, err)
	}
	return rec, nil
}

func scanLight(r scanner) (Record, error) {
	var rec Record
	var terms []byte
	if err := r.Scan(&rec.Seq, &terms); err != nil {
		return rec, err
	}
	var err error
	if rec.Terms, err = decodeTerms(terms); err != nil {
		return rec, fmt.Errorf("seq %d: %w", rec.Seq, err)
	}
	return rec, nil
}

func scanFingerprint(r scanner) (Record, error) {
	var rec Record
	var shingles []byte
	if err := r.Scan(&rec.Seq, &shingles); err != nil {
		return rec, err
	}
	var err error
	if rec.Shingles, err = decodeFingerprint(shingles); err != nil {
		return rec, fmt.Errorf("seq %d: %w", rec.Seq, err)
	}
	return rec, nil
}

func (t *sqliteTx) Scan(ctx context.Context, since time.Time, fn func(*Record) error) error {
	q, args := "SELECT "+recordCols+recordFrom+" ORDER BY a.seq", []any(nil)
	if !since.IsZero() {
		q, args = "SELECT "+recordCols+recordFrom+" WHERE a.published_at >= ? ORDER BY a.seq", []any{since.Unix()}
	}
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return t.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		rec, err := scanRecord(rows, false, false)
		if err != nil {
			return t.wrap(err)
		}
		if err := fn(&rec); err != nil {
			return err
		}
	}
	return t.wrap(rows.Err())
}

// scanner is *sql.Rows or pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

// loadCols are the columns Load reads.
func loadCols(text bool) string {
	cols := recordCols + ", f.shingles"
	if text {
		cols += ", a.body, a.sig"
	}
	return cols
}

// scanRecord reads recordCols, then the fingerprint if fp, then body and
// signature if text.
func scanRecord(r scanner, fp, text bool) (Record, error) {
	var rec Record
	var pub sql.NullInt64
	var keys, terms, shingles, bodyB, sig []byte
	a := &rec.Article
	dest := []any{&rec.Seq, &a.ID, &rec.Hash, &a.Outlet, &a.Title, &a.URL, &a.Published, &pub, &keys, &terms}
	if fp {
		dest = append(dest, &shingles)
	}
	if text {
		dest = append(dest, &bodyB, &sig)
	}
	if err := r.Scan(dest...); err != nil {
		return rec, err
	}
	if pub.Valid {
		rec.PublishedAt = time.Unix(pub.Int64, 0).UTC()
	}
	var err error
	if rec.Keys, err = decodeU64s(keys); err != nil {
		return rec, fmt.Errorf("%s: keys: %w", a.ID, err)
	}
	if rec.Terms, err = decodeTerms(terms); err != nil {
		return rec, fmt.Errorf("%s: %w", a.ID, err)
	}
	if rec.Shingles, err = decodeFingerprint(shingles); err != nil {
		return rec, fmt.Errorf("%s: %w", a.ID, err)
	}
	if text {
		if err := decodeBody(bodyB, a); err != nil {
			return rec, fmt.Errorf("%s: %w", a.ID, err)
		}
		if err := decodeSig(sig, &rec.Sig); err != nil {
			return rec, fmt.Errorf("%s: %w", a.ID, err)
		}
	}
	return rec, nil
}

func (t *sqliteTx) DF(ctx context.Context, terms []uint64) (map[uint64]int32, error) {
	out := make(map[uint64]int32, len(terms))
	err := t.queryIn(ctx, "SELECT term, n FROM df WHERE term IN (%s)", anyKeys(terms), func(r *sql.Rows) error {
		var k int64
		var n int32
		err := r.Scan(&k, &n)
		out[uint64(k)] = n
		return err
	})
	return out, err
}

func (t *sqliteTx) AllDF(ctx context.Context) (map[uint64]int32, error) {
	rows, err := t.tx.QueryContext(ctx, "SELECT term, n FROM df")
	if err != nil {
		return nil, t.wrap(err)
	}
	defer rows.Close()
	out := make(map[uint64]int32)
	for rows.Next() {
		var k int64
		var n int32
		if err := rows.Scan(&k, &n); err != nil {
			return nil, t.wrap(err)
		}
		out[uint64(k)] = n
	}
	return out, t.wrap(rows.Err())
}

const edgeCols = "a, b, a_in_b, b_in_a, copy_a, copy_b, longest, passages, quotes, derivation, share, reworded"

func scanEdge(r scanner) (Edge, error) {
	var e Edge
	var code int
	var share, reworded float64
	err := r.Scan(&e.A, &e.B, &e.AInB, &e.BInA, &e.CopyA, &e.CopyB, &e.Longest, &e.Passages, &e.Quotes, &code, &share, &reworded)
	e.Verdict = verdictOf(code, share, reworded)
	return e, err
}

func (t *sqliteTx) Edges(ctx context.Context, seqs []int64) ([]Edge, error) {
	var out []Edge
	addEdge := func(r *sql.Rows) error {
		e, err := scanEdge(r)
		out = append(out, e)
		return err
	}
	addLinks := func(r *sql.Rows) error { // a links row: b and its older partners
		var b int64
		var list []byte
		if err := r.Scan(&b, &list); err != nil {
			return err
		}
		var err error
		out, err = linkEdges(out, b, list, nil)
		return err
	}
	if seqs == nil {
		if err := t.each(ctx, "SELECT "+edgeCols+" FROM edges", addEdge); err != nil {
			return nil, err
		}
		if err := t.each(ctx, "SELECT b, a FROM links", addLinks); err != nil {
			return nil, err
		}
		return sortEdges(out), nil
	}
	for _, col := range []string{"a", "b"} {
		if err := t.queryIn(ctx, "SELECT "+edgeCols+" FROM edges WHERE "+col+" IN (%s)", anys(seqs), addEdge); err != nil {
			return nil, err
		}
	}
	// The links touching seqs, both read through primary keys: the links
	// rows of seqs (their older partners) and the link_back rows naming
	// them (their newer ones).
	if err := t.queryIn(ctx, "SELECT b, a FROM links WHERE b IN (%s)", anys(seqs), addLinks); err != nil {
		return nil, err
	}
	err := t.queryIn(ctx, "SELECT a, b FROM link_back WHERE a IN (%s)", anys(seqs), func(r *sql.Rows) error {
		var e Edge
		err := r.Scan(&e.A, &e.B)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sortEdges(out), nil
}

// linkPage returns up to limit links rows with b > after, ascending.
func (t *sqliteTx) linkPage(ctx context.Context, after int64, limit int) ([]linkRow, error) {
	var out []linkRow
	err := t.eachArgs(ctx, "SELECT b, a FROM links WHERE b > ? ORDER BY b LIMIT ?", func(r *sql.Rows) error {
		var l linkRow
		var list []byte
		if err := r.Scan(&l.B, &list); err != nil {
			return err
		}
		var err error
		l.As, err = decodeSeqs(list)
		out = append(out, l)
		return err
	}, after, limit)
	return out, err
}

// putBack writes the link_back rows of links.
func (t *sqliteTx) putBack(ctx context.Context, links []linkRow) error {
	return t.insert(ctx, "INSERT INTO link_back (a, b)", "", 2, backPairs(links))
}

// dropBack removes the link_back rows of the links of recs, from both
// ends; it runs before their links rows are deleted.
func (t *sqliteTx) dropBack(ctx context.Context, recs []Record) error {
	seqs := make([]int64, len(recs))
	for i, r := range recs {
		seqs[i] = r.Seq
	}
	var pairs []any
	err := t.queryIn(ctx, "SELECT b, a FROM links WHERE b IN (%s)", anys(seqs), func(r *sql.Rows) error {
		var b int64
		var list []byte
		if err := r.Scan(&b, &list); err != nil {
			return err
		}
		as, err := decodeSeqs(list)
		pairs = append(pairs, backPairs([]linkRow{{b, as}})...)
		return err
	})
	if err != nil {
		return err
	}
	for i := 0; i < len(pairs); i += 2 {
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM link_back WHERE a = ? AND b = ?", pairs[i], pairs[i+1]); err != nil {
			return t.wrap(err)
		}
	}
	for _, s := range seqs {
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM link_back WHERE a = ?", s); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

// each runs q and calls scan for each row.
func (t *sqliteTx) each(ctx context.Context, q string, scan func(*sql.Rows) error) error {
	return t.eachArgs(ctx, q, scan)
}

func sortEdges(es []Edge) []Edge {
	slices.SortFunc(es, func(x, y Edge) int {
		if x.A != y.A {
			return int(x.A - y.A)
		}
		return int(x.B - y.B)
	})
	return slices.CompactFunc(es, func(x, y Edge) bool { return x.A == y.A && x.B == y.B })
}

func (t *sqliteTx) Put(ctx context.Context, recs []Record, edges []Edge, delta map[uint64]int32) error {
	var args, terms, fps []any
	var posts []post
	for i := range recs {
		r := &recs[i]
		a := &r.Article
		var pub any
		if !r.PublishedAt.IsZero() {
			pub = r.PublishedAt.Unix()
		}
		args = append(args, r.Seq, a.ID, r.Hash, a.Outlet, a.Title, a.URL, a.Published, pub,
			r.storedBody(), encodeSig(&r.Sig), encodeU64s(r.Keys))
		terms = append(terms, r.Seq, encodeTerms(r.Terms))
		if r.Shingles != nil {
			fps = append(fps, r.Seq, encodeFingerprint(r.Shingles))
		}
		for _, k := range r.Keys {
			posts = append(posts, post{int64(k), r.Seq})
		}
	}
	if err := t.insert(ctx, "INSERT INTO articles (seq, id, hash, outlet, title, url, published, published_at, body, sig, keys)", "", 11, args); err != nil {
		return err
	}
	if err := t.putSearch(ctx, recs); err != nil {
		return err
	}
	if err := t.insert(ctx, "INSERT INTO terms (seq, terms)", "", 2, terms); err != nil {
		return err
	}
	if err := t.insert(ctx, "INSERT INTO fingerprints (seq, shingles)", "", 2, fps); err != nil {
		return err
	}
	if err := t.addRun(ctx, posts); err != nil {
		return err
	}
	full, links := splitEdges(edges)
	args = args[:0]
	for _, e := range full {
		args = append(args, e.A, e.B, e.AInB, e.BInA, e.CopyA, e.CopyB, e.Longest, e.Passages, e.Quotes, derivationCode(e.Verdict), e.Verdict.Share, e.Verdict.Reworded)
	}
	if err := t.insert(ctx, "INSERT INTO edges ("+edgeCols+")", " ON CONFLICT (a, b) DO NOTHING", 12, args); err != nil {
		return err
	}
	args = args[:0]
	for _, l := range links {
		args = append(args, l.B, len(l.As), encodeSeqs(l.As))
	}
	if err := t.insert(ctx, "INSERT INTO links (b, n, a)", "", 3, args); err != nil {
		return err
	}
	if err := t.putBack(ctx, links); err != nil {
		return err
	}
	args = args[:0]
	var gone []any
	for _, k := range sortedTerms(delta) {
		if d := delta[k]; d != 0 {
			args = append(args, int64(k), d)
			if d < 0 {
				gone = append(gone, int64(k))
			}
		}
	}
	if err := t.insert(ctx, "INSERT INTO df (term, n)", " ON CONFLICT (term) DO UPDATE SET n = n + excluded.n", 2, args); err != nil {
		return err
	}
	for start := 0; start < len(gone); start += inChunk {
		chunk := gone[start:min(start+inChunk, len(gone))]
		q := "DELETE FROM df WHERE n <= 0 AND term IN (" + strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
		if _, err := t.tx.ExecContext(ctx, q, chunk...); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

func (t *sqliteTx) Delete(ctx context.Context, recs []Record) error {
	if err := t.dropBack(ctx, recs); err != nil {
		return err
	}
	for _, q := range []string{"DELETE FROM articles WHERE seq = ?", "DELETE FROM terms WHERE seq = ?", "DELETE FROM fingerprints WHERE seq = ?", "DELETE FROM edges WHERE a = ?", "DELETE FROM edges WHERE b = ?", "DELETE FROM links WHERE b = ?", "DELETE FROM search WHERE rowid = ?"} {
		st, err := t.stmt(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if _, err := st.ExecContext(ctx, r.Seq); err != nil {
				return t.wrap(err)
			}
		}
	}
	if err := t.unlinkAll(ctx, recs); err != nil {
		return err
	}
	var posts []post
	for _, r := range recs {
		for _, k := range r.Keys {
			posts = append(posts, post{int64(k), r.Seq})
		}
	}
	return t.deletePosts(ctx, posts)
}

// unlinkAll removes recs from the links rows of later articles.
func (t *sqliteTx) unlinkAll(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	gone := make([]int64, len(recs))
	for i, r := range recs {
		gone[i] = r.Seq
	}
	slices.Sort(gone)
	type row struct {
		b  int64
		as []int64
	}
	var changed []row
	rows, err := t.tx.QueryContext(ctx, "SELECT b, a FROM links WHERE b > ?", gone[0])
	if err != nil {
		return t.wrap(err)
	}
	for rows.Next() {
		var b int64
		var list []byte
		if err := rows.Scan(&b, &list); err != nil {
			rows.Close()
			return t.wrap(err)
		}
		as, ok, err := unlink(list, gone)
		if err != nil {
			rows.Close()
			return t.wrap(err)
		}
		if ok {
			changed = append(changed, row{b, as})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t.wrap(err)
	}
	for _, r := range changed {
		if _, err := t.tx.ExecContext(ctx, "UPDATE links SET n = ?, a = ? WHERE b = ?", len(r.as), encodeSeqs(r.as), r.b); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

func sortedTerms(m map[uint64]int32) []uint64 {
	out := mapKeys(m)
	slices.Sort(out)
	return out
}

func anys[T any](v []T) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func anyKeys(v []uint64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}
