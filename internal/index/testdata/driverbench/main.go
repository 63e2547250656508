// Command driverbench measures the two cgo-free SQLite drivers for
// database/sql, modernc.org/sqlite (SQLite translated from C to Go) and
// github.com/ncruces/go-sqlite3 (SQLite built to Wasm, translated to Go),
// on the copydesk index's typical work, with the index's settings (WAL,
// 16 KiB pages, synchronous=NORMAL, temp_store=memory, a 512 MiB page
// cache, one connection):
//
//   - write: per batch, one transaction adding n articles (seq, id and
//     three blobs: body ~3 KB, sig 1 KiB, keys 512 B), n terms rows (a
//     ~1.7 KB blob each) and an upsert of 30·n document-frequency rows
//     (terms drawn Zipf-like, so that most of them are already there after
//     the first batch), through multi-row INSERTs of at most 500 bound
//     parameters, each shape prepared once per transaction;
//   - close: closing the connection after the last batch (the final WAL
//     checkpoint);
//   - then, on the reopened file (SQLite's cache cold, the OS's warm):
//     a full scan of df, a scan of every terms blob by seq ranges, and
//     point lookups of random article ids through IN lists of 500.
//
// Both drivers get identical SQL and data (seeded math/rand/v2); the row
// counts and a checksum of everything read are printed, and compared when
// both drivers run in one process (exit status 1 if they differ).
//
// It lives under testdata so that the copydesk module never builds it:
//
//	go run . [-n 10000] [-batches 5] [-driver modernc,ncruces] [-ncruces-mem 1024]
package main

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
	_ "modernc.org/sqlite"                   // registers "sqlite"
)

// The copydesk index's settings (internal/index/sqlite.go).
const (
	busyTimeout = 30 * time.Minute
	pageSize    = 16384
	cacheKiB    = 512 << 10
	maxParams   = 500 // bound parameters per statement, values per IN list
)

// Workload shape.
const (
	termsPerArticle = 30
	vocabulary      = 1 << 22 // distinct terms the df rows are drawn from
	zipfS           = 1.1
	rangeRows       = 1000 // seqs per terms range query
	lookups         = 5000 // article ids looked up
	seed            = 20240611
)

var drivers = map[string]string{
	"modernc": "sqlite",  // modernc.org/sqlite
	"ncruces": "sqlite3", // github.com/ncruces/go-sqlite3/driver
}

func main() {
	n := flag.Int("n", 10000, "articles per batch")
	batches := flag.Int("batches", 5, "write batches (transactions)")
	which := flag.String("driver", "modernc,ncruces", "drivers to run, in order: modernc, ncruces or both, comma-separated")
	dir := flag.String("dir", "", "directory for the temporary databases (default: the system's)")
	flag.Int64Var(&ncrucesMiB, "ncruces-mem", ncrucesMiB, "memory limit of an ncruces connection in MiB (0: the driver's default, 256 MiB, less than the 512 MiB cache)")
	keep := flag.Bool("keep", false, "keep the databases")
	flag.Parse()

	var results []result
	for _, name := range strings.Split(*which, ",") {
		if _, ok := drivers[name]; !ok {
			fmt.Fprintf(os.Stderr, "unknown driver %q (want modernc or ncruces)\n", name)
			os.Exit(2)
		}
		r, err := run(name, *dir, *keep, *n, *batches)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
		results = append(results, r)
	}
	for _, r := range results[1:] {
		if r.counts != results[0].counts || r.sum != results[0].sum {
			fmt.Fprintf(os.Stderr, "MISMATCH: %s %v %016x, %s %v %016x\n",
				results[0].driver, results[0].counts, results[0].sum, r.driver, r.counts, r.sum)
			os.Exit(1)
		}
	}
	if len(results) > 1 {
		fmt.Println("same counts and checksum from every driver")
	}
}

type result struct {
	driver string
	counts [3]int64 // articles, terms, df
	sum    uint64
}

// dsn is the same for both drivers: both read "_pragma" (run on every new
// connection) and "_txlock". journal_mode is set after opening, as
// copydesk does: modernc runs the "_pragma"s busy_timeout first and the
// rest sorted by name, so journal_mode(WAL) would create the file before
// page_size could apply.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", fmt.Sprintf("page_size(%d)", pageSize))
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(memory)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// ncrucesMiB is the memory an ncruces connection may use. Each one runs
// in its own Wasm memory, 256 MiB at most unless the context of the call
// that opens it says otherwise (sqlite3.WithMaxMemory); past it SQLite
// fails with SQLITE_NOMEM, which the driver turns into a panic. The 512 MiB
// page cache needs more.
var ncrucesMiB int64 = 1024

// connCtx is the context for the calls that may open a connection.
func connCtx(driver string) context.Context {
	ctx := context.Background()
	if driver == "ncruces" && ncrucesMiB > 0 {
		ctx = sqlite3.WithMaxMemory(ctx, ncrucesMiB<<20)
	}
	return ctx
}

func open(driver, path string) (*sql.DB, error) {
	db, err := sql.Open(drivers[driver], dsn(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	// The connection is opened here, with connCtx's memory limit, and kept.
	if _, err := db.ExecContext(connCtx(driver), "PRAGMA journal_mode=WAL"); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

const schema = `CREATE TABLE articles (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body BLOB NOT NULL, sig BLOB NOT NULL, keys BLOB NOT NULL);
CREATE TABLE terms (seq INTEGER PRIMARY KEY, terms BLOB NOT NULL);
CREATE TABLE df (term INTEGER PRIMARY KEY, n INTEGER NOT NULL)`

// meter times one operation: wall and the process's user+sys CPU.
type meter struct {
	start time.Time
	cpu   time.Duration
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startMeter() meter { return meter{time.Now(), cpuNow()} }

func (m meter) report(driver, op string, rows int64, extra string) {
	wall := time.Since(m.start)
	cpu := cpuNow() - m.cpu
	rate := "-"
	if rows > 0 {
		rate = fmt.Sprintf("%.0f", float64(rows)/wall.Seconds())
	}
	fmt.Printf("%-8s %-14s rows %9d  wall %9.3f s  rows/s %10s  cpu %8.3f s  %s\n",
		driver, op, rows, wall.Seconds(), rate, cpu.Seconds(), extra)
}

func run(driver, dir string, keep bool, n, batches int) (result, error) {
	res := result{driver: driver}
	tmp, err := os.MkdirTemp(dir, "driverbench-"+driver+"-")
	if err != nil {
		return res, err
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	path := filepath.Join(tmp, "index.db")
	ctx := connCtx(driver)
	ids, err := writeAll(ctx, driver, path, n, batches)
	if err != nil {
		return res, err
	}
	// Reads, on a new connection.
	db, err := open(driver, path)
	if err != nil {
		return res, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM terms), (SELECT count(*) FROM df)").
		Scan(&res.counts[0], &res.counts[1], &res.counts[2]); err != nil {
		return res, err
	}
	for _, read := range []func(context.Context, string, *sql.DB) (uint64, error){
		readDF,
		func(ctx context.Context, driver string, db *sql.DB) (uint64, error) {
			return readTerms(ctx, driver, db, int64(batches*n))
		},
		func(ctx context.Context, driver string, db *sql.DB) (uint64, error) {
			return readLookups(ctx, driver, db, ids)
		},
	} {
		sum, err := read(ctx, driver, db)
		if err != nil {
			return res, err
		}
		res.sum += sum
	}
	fmt.Printf("%-8s counts articles %d terms %d df %d  checksum %016x\n", driver, res.counts[0], res.counts[1], res.counts[2], res.sum)
	return res, nil
}

// writeAll creates the index at path, checks its settings and writes the
// batches, timing each; it returns every article id, for the lookups.
func writeAll(ctx context.Context, driver, path string, n, batches int) ([]string, error) {
	db, err := open(driver, path)
	if err != nil {
		return nil, err
	}
	if err := checkSettings(ctx, driver, db); err != nil {
		db.Close()
		return nil, err
	}
	var ids []string
	var totalRows int64
	var totalWall, totalCPU time.Duration
	for b := range batches {
		bt := makeBatch(b, n)
		ids = append(ids, bt.ids...)
		m := startMeter()
		if err := writeBatch(ctx, db, bt); err != nil {
			db.Close()
			return nil, fmt.Errorf("batch %d: %w", b+1, err)
		}
		rows := int64(2*n + len(bt.df)/2)
		totalRows += rows
		totalWall += time.Since(m.start)
		totalCPU += cpuNow() - m.cpu
		m.report(driver, fmt.Sprintf("write[%d]", b+1), rows, fmt.Sprintf("(%d articles, %d terms, %d df upserts)", n, n, len(bt.df)/2))
	}
	fmt.Printf("%-8s %-14s rows %9d  wall %9.3f s  rows/s %10.0f  cpu %8.3f s  (all batches, data generation excluded)\n",
		driver, "write", totalRows, totalWall.Seconds(), float64(totalRows)/totalWall.Seconds(), totalCPU.Seconds())
	m := startMeter()
	walSize := fileSize(path + "-wal")
	if err := db.Close(); err != nil {
		return nil, err
	}
	m.report(driver, "close", 0, fmt.Sprintf("(checkpoint of a %.1f MB WAL; file %.1f MB)", float64(walSize)/1e6, float64(fileSize(path))/1e6))
	return ids, nil
}

// checkSettings prints the connection's settings, refuses ones not
// applied, and creates the schema.
func checkSettings(ctx context.Context, driver string, db *sql.DB) error {
	var version, journal string
	var page, sync, temp, cache, busy int64
	err := db.QueryRowContext(ctx, `SELECT sqlite_version(), (SELECT journal_mode FROM pragma_journal_mode), (SELECT page_size FROM pragma_page_size),
		(SELECT synchronous FROM pragma_synchronous), (SELECT temp_store FROM pragma_temp_store), (SELECT cache_size FROM pragma_cache_size),
		(SELECT timeout FROM pragma_busy_timeout)`).Scan(&version, &journal, &page, &sync, &temp, &cache, &busy)
	if err != nil {
		return err
	}
	fmt.Printf("%-8s sqlite %s  journal_mode=%s page_size=%d synchronous=%d temp_store=%d cache_size=%d busy_timeout=%d\n",
		driver, version, journal, page, sync, temp, cache, busy)
	if journal != "wal" || page != pageSize || sync != 1 || temp != 2 || cache != -cacheKiB {
		return fmt.Errorf("settings not applied")
	}
	_, err = db.ExecContext(ctx, schema)
	return err
}

// readDF scans the df table.
func readDF(ctx context.Context, driver string, db *sql.DB) (uint64, error) {
	m := startMeter()
	var rows int64
	var sum uint64
	err := each(ctx, db, "SELECT term, n FROM df", nil, func(r *sql.Rows) error {
		var term, k int64
		if err := r.Scan(&term, &k); err != nil {
			return err
		}
		rows++
		sum += mix(uint64(term) ^ mix(uint64(k)))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("df scan: %w", err)
	}
	m.report(driver, "read df scan", rows, fmt.Sprintf("(sum %016x)", sum))
	return sum, nil
}

// readTerms reads every terms blob, by ranges of seqs up to last.
func readTerms(ctx context.Context, driver string, db *sql.DB, last int64) (uint64, error) {
	m := startMeter()
	var rows, bytes int64
	var sum uint64
	st, err := db.PrepareContext(ctx, "SELECT seq, terms FROM terms WHERE seq BETWEEN ? AND ?")
	if err != nil {
		return 0, err
	}
	defer st.Close()
	for lo := int64(1); lo <= last; lo += rangeRows {
		err := each(ctx, st, "", []any{lo, lo + rangeRows - 1}, func(r *sql.Rows) error {
			var seq int64
			var blob []byte
			if err := r.Scan(&seq, &blob); err != nil {
				return err
			}
			rows++
			bytes += int64(len(blob))
			sum += mix(uint64(seq) ^ uint64(crc32.Checksum(blob, castagnoli))<<20)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("terms scan: %w", err)
		}
	}
	m.report(driver, "read terms", rows, fmt.Sprintf("(%.1f MB of blobs in ranges of %d; sum %016x)", float64(bytes)/1e6, rangeRows, sum))
	return sum, nil
}

// readLookups looks up random distinct ids, maxParams at a time.
func readLookups(ctx context.Context, driver string, db *sql.DB, ids []string) (uint64, error) {
	r := rand.New(rand.NewPCG(seed, 1<<32))
	var want []any // distinct ids
	picked := map[int]bool{}
	for len(want) < min(lookups, len(ids)) {
		if i := r.IntN(len(ids)); !picked[i] {
			picked[i] = true
			want = append(want, ids[i])
		}
	}
	m := startMeter()
	var rows int64
	var sum uint64
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for start := 0; start < len(want); start += maxParams {
		chunk := want[start:min(start+maxParams, len(want))]
		st := stmts[len(chunk)]
		if st == nil {
			var err error
			st, err = db.PrepareContext(ctx, "SELECT seq, id, sig FROM articles WHERE id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+")")
			if err != nil {
				return 0, err
			}
			stmts[len(chunk)] = st
		}
		err := each(ctx, st, "", chunk, func(r *sql.Rows) error {
			var seq int64
			var id string
			var sig []byte
			if err := r.Scan(&seq, &id, &sig); err != nil {
				return err
			}
			rows++
			sum += mix(uint64(seq) ^ uint64(crc32.Checksum([]byte(id), castagnoli))<<20 ^ uint64(crc32.Checksum(sig, castagnoli))<<32)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("lookups: %w", err)
		}
	}
	m.report(driver, "read lookups", rows, fmt.Sprintf("(%d ids, IN lists of %d; sum %016x)", len(want), maxParams, sum))
	return sum, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// mix is SplitMix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// each runs q (on a *sql.DB) or the prepared statement st and calls fn per row.
func each(ctx context.Context, on any, q string, args []any, fn func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	switch on := on.(type) {
	case *sql.DB:
		rows, err = on.QueryContext(ctx, q, args...)
	case *sql.Stmt:
		rows, err = on.QueryContext(ctx, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// batch is one transaction's rows, as bound parameters.
type batch struct {
	ids      []string
	articles []any // seq, id, body, sig, keys
	terms    []any // seq, terms
	df       []any // term, n: distinct terms, sorted
}

// makeBatch generates batch b (from 0) of n articles, the same for every
// driver and run.
func makeBatch(b, n int) *batch {
	r := rand.New(rand.NewPCG(seed, uint64(b)))
	bt := &batch{}
	blob := func(size int) []byte {
		p := make([]byte, size)
		for i := 0; i < size; i += 8 {
			var w [8]byte
			binary.LittleEndian.PutUint64(w[:], r.Uint64())
			copy(p[i:], w[:])
		}
		return p
	}
	for i := range n {
		seq := int64(b*n + i + 1)
		id := fmt.Sprintf("a%015x-%d", r.Uint64()>>4, seq)
		bt.ids = append(bt.ids, id)
		bt.articles = append(bt.articles, seq, id, blob(2500+r.IntN(1000)), blob(1024), blob(512))
		bt.terms = append(bt.terms, seq, blob(1500+r.IntN(400)))
	}
	// 30·n distinct terms, drawn Zipf-like from the vocabulary, so that
	// the frequent ones come back in every batch (an upsert that updates)
	// and the rare ones are mostly new (one that inserts).
	z := rand.NewZipf(r, zipfS, 1, vocabulary-1)
	seen := make(map[uint64]bool, termsPerArticle*n)
	for len(seen) < termsPerArticle*n {
		seen[z.Uint64()] = true
	}
	ranks := make([]uint64, 0, len(seen))
	for rank := range seen {
		ranks = append(ranks, rank)
	}
	slices.Sort(ranks) // the map's order is random
	type df struct{ term, n int64 }
	dfs := make([]df, 0, len(ranks))
	for _, rank := range ranks {
		dfs = append(dfs, df{int64(mix(rank + 1)), 1 + r.Int64N(4)})
	}
	slices.SortFunc(dfs, func(a, b df) int { return cmp.Compare(a.term, b.term) })
	for _, d := range dfs {
		bt.df = append(bt.df, d.term, d.n)
	}
	return bt
}

// writeBatch adds a batch in one transaction, statements prepared once
// per shape (the last, shorter chunk of each table is a second shape).
func writeBatch(ctx context.Context, db *sql.DB, bt *batch) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	// Rolled back on an error, not deferred: a deferred Rollback would
	// wait forever for the connection a panicking driver still holds.
	if err := addBatch(ctx, tx, stmts, bt); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func addBatch(ctx context.Context, tx *sql.Tx, stmts map[string]*sql.Stmt, bt *batch) error {
	insert := func(head, tail string, cols int, args []any) error {
		per := maxParams / cols
		for start := 0; start < len(args); start += per * cols {
			chunk := args[start:min(start+per*cols, len(args))]
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
			q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(tuple+",", len(chunk)/cols), ",") + tail
			st := stmts[q]
			if st == nil {
				var err error
				if st, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				stmts[q] = st
			}
			if _, err := st.ExecContext(ctx, chunk...); err != nil {
				return err
			}
		}
		return nil
	}
	if err := insert("INSERT INTO articles (seq, id, body, sig, keys)", "", 5, bt.articles); err != nil {
		return err
	}
	if err := insert("INSERT INTO terms (seq, terms)", "", 2, bt.terms); err != nil {
		return err
	}
	if err := insert("INSERT INTO df (term, n)", " ON CONFLICT (term) DO UPDATE SET n = n + excluded.n", 2, bt.df); err != nil {
		return err
	}
	return nil
}
