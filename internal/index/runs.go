package index

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// SQLite keeps its postings as runs of blocks (schema 5; the format and
// the merging rule are in the package comment). blockPostings is a
// block's size: 1.5 KB, two blocks to a page.
const blockPostings = 128

// entrySize is the bytes of one posting in a block.
const entrySize = 12

// run is one runs row.
type run struct {
	id, first, base int64
	n               int64
	dir             []int64
}

func (r *run) blocks() int64 { return int64(len(r.dir)) }

// post is a posting in a run's order: key as int64.
type post struct {
	key, seq int64
}

func comparePost(a, b post) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq))
}

// sortPosts sorts ps by comparePost: a least-significant-digit radix sort,
// byte by byte, on seq and then on key (sign bits flipped, so that unsigned
// byte order is int64 order), each pass stable; passes whose byte is the
// same in every posting (the high bytes of seqs) are skipped: 6.4× faster
// than slices.SortFunc on a batch's 600k postings (BenchmarkSortPosts).
func sortPosts(ps []post) {
	if len(ps) < 256 {
		slices.SortFunc(ps, comparePost)
		return
	}
	src, dst := ps, make([]post, len(ps))
	for _, byKey := range []bool{false, true} {
		for shift := uint(0); shift < 64; shift += 8 {
			if radixPass(src, dst, byKey, shift) {
				src, dst = dst, src
			}
		}
	}
	if &src[0] != &ps[0] {
		copy(ps, src)
	}
}

// radixPass moves src into dst ordered (stably) by one byte of each
// posting's seq or key, sign bit flipped; false when that byte is the same
// in all of them (nothing moved).
func radixPass(src, dst []post, byKey bool, shift uint) bool {
	digit := func(p post) byte {
		v := p.seq
		if byKey {
			v = p.key
		}
		return byte((uint64(v) ^ 1<<63) >> shift)
	}
	var c [256]int
	for _, p := range src {
		c[digit(p)]++
	}
	if c[digit(src[0])] == len(src) {
		return false
	}
	sum := 0
	for b := range c {
		c[b], sum = sum, sum+c[b]
	}
	for _, p := range src {
		b := digit(p)
		dst[c[b]] = p
		c[b]++
	}
	return true
}

// runs returns the runs with their directories. A read-only transaction
// takes them from its store's cache when the runs table still lists the
// same runs (id, first block, base, count and directory size: a run's
// directory changes with none of them only if its postings are the same):
// at 1M articles the directories are 16 MB, which a check would otherwise
// read and decode each time.
func (t *sqliteTx) runs(ctx context.Context) ([]run, error) {
	if t.runsCache == nil {
		return t.readRuns(ctx)
	}
	var key strings.Builder
	err := t.each(ctx, "SELECT run, first, base, n, length(dir) FROM runs ORDER BY run", func(r *sql.Rows) error {
		var id, first, base, n, size int64
		if err := r.Scan(&id, &first, &base, &n, &size); err != nil {
			return err
		}
		fmt.Fprintf(&key, "%d:%d:%d:%d:%d ", id, first, base, n, size)
		return nil
	})
	if err != nil {
		return nil, err
	}
	c := t.runsCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs != nil && c.key == key.String() {
		return c.runs, nil
	}
	out, err := t.readRuns(ctx)
	if err == nil {
		c.key, c.runs = key.String(), out
	}
	return out, err
}

// runsCache keeps the runs a store's read-only transactions read last
// (their directories are only read, never changed).
type runsCache struct {
	mu   sync.Mutex
	key  string
	runs []run
}

// readRuns reads the runs and their directories.
func (t *sqliteTx) readRuns(ctx context.Context) ([]run, error) {
	var out []run
	err := t.each(ctx, "SELECT run, first, base, n, dir FROM runs ORDER BY run", func(r *sql.Rows) error {
		var x run
		var dir []byte
		if err := r.Scan(&x.id, &x.first, &x.base, &x.n, &dir); err != nil {
			return err
		}
		if len(dir)%8 != 0 {
			return fmt.Errorf("run %d: directory: %w", x.id, errCorrupt)
		}
		x.dir = make([]int64, len(dir)/8)
		for i := range x.dir {
			x.dir[i] = int64(binary.LittleEndian.Uint64(dir[8*i:]))
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// span returns the blocks of r that can hold key: lo..hi, empty if hi < lo.
func (r *run) span(key int64) (lo, hi int) {
	// Blocks starting at or before key, the last of which is hi; the block
	// before the first one starting at key can end with it.
	at, _ := slices.BinarySearch(r.dir, key)
	hi = at
	for hi < len(r.dir) && r.dir[hi] == key {
		hi++
	}
	return max(at-1, 0), hi - 1
}

// readBlocks reads blocks ids (sorted) of r and calls fn with each one's
// index in the run and its entries.
func (t *sqliteTx) readBlocks(ctx context.Context, r *run, ids []int64, fn func(i int, data []byte) error) error {
	return t.queryIn(ctx, "SELECT id, data FROM blocks WHERE id IN (%s)", anys(ids), func(rows *sql.Rows) error {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		if len(data)%entrySize != 0 || id < r.first || id >= r.first+r.blocks() {
			return fmt.Errorf("postings block %d: %w", id, errCorrupt)
		}
		return fn(int(id-r.first), data)
	})
}

func entryAt(data []byte, x int, base int64) post {
	e := data[x*entrySize:]
	return post{int64(binary.LittleEndian.Uint64(e)), base + int64(binary.LittleEndian.Uint32(e[8:]))}
}

// lookupRuns returns the postings of keys in every run: for each key at
// least its first perKey in each run (all of them for perKey <= 0), sorted
// by key (as uint64) then seq and cut to perKey per key.
func (t *sqliteTx) lookupRuns(ctx context.Context, keys []uint64, perKey int) ([]Posting, error) {
	runs, err := t.runs(ctx)
	if err != nil {
		return nil, err
	}
	ks := make([]int64, len(keys))
	for i, k := range keys {
		ks[i] = int64(k)
	}
	slices.Sort(ks)
	ks = slices.Compact(ks)
	var out []Posting
	for ri := range runs {
		r := &runs[ri]
		if len(r.dir) == 0 {
			continue
		}
		// Each key's blocks: a capped key reads the blocks its first
		// perKey postings can fill, and more only if they fall short.
		type want struct{ next, hi int }
		wants := make([]want, len(ks))
		read := make([]bool, len(r.dir))
		step := len(r.dir)
		if perKey > 0 {
			step = (perKey+blockPostings-1)/blockPostings + 1
		}
		var ids []int64
		mark := func(from, to int) {
			for b := from; b <= to; b++ {
				if !read[b] {
					read[b] = true
					ids = append(ids, r.first+int64(b))
				}
			}
		}
		for x, k := range ks {
			lo, hi := r.span(k)
			if hi < lo {
				wants[x] = want{1, 0}
				continue
			}
			to := min(hi, lo+step-1)
			mark(lo, to)
			wants[x] = want{to + 1, hi}
		}
		got := make([]int, len(ks)) // postings found per key in its first blocks
		for len(ids) > 0 {
			slices.Sort(ids)
			err := t.readBlocks(ctx, r, ids, func(b int, data []byte) error {
				n := len(data) / entrySize
				if n == 0 {
					return nil
				}
				first := entryAt(data, 0, r.base).key
				x, _ := slices.BinarySearch(ks, first)
				for e := 0; e < n && x < len(ks); e++ {
					p := entryAt(data, e, r.base)
					for x < len(ks) && ks[x] < p.key {
						x++
					}
					if x < len(ks) && ks[x] == p.key {
						out = append(out, Posting{uint64(p.key), p.seq})
						// Counted only from the blocks read for this key,
						// its first ones: the lowest seqs.
						if b < wants[x].next {
							got[x]++
						}
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			ids = ids[:0]
			for x := range ks {
				w := &wants[x]
				if w.next <= w.hi && got[x] < perKey {
					to := min(w.hi, w.next+step-1)
					mark(w.next, to)
					w.next = to + 1
				}
			}
		}
	}
	sortPostings(out)
	if perKey > 0 {
		n, run := 0, 0
		for i, p := range out {
			if i > 0 && p.Key != out[i-1].Key {
				run = 0
			}
			if run < perKey {
				out[n] = p
				n++
			}
			run++
		}
		out = out[:n]
	}
	return out, nil
}

// encodeBlock writes postings (sorted) as one block of a run from base.
func encodeBlock(ps []post, base int64) ([]byte, error) {
	out := make([]byte, entrySize*len(ps))
	for i, p := range ps {
		off := p.seq - base
		if off < 0 || off > 1<<32-1 {
			return nil, fmt.Errorf("seq %d too far from its run's base %d", p.seq, base)
		}
		binary.LittleEndian.PutUint64(out[i*entrySize:], uint64(p.key))
		binary.LittleEndian.PutUint32(out[i*entrySize+8:], uint32(off))
	}
	return out, nil
}

// writeRun stores postings (sorted by comparePost, no repeats) as run id,
// its blocks after every existing one.
func (t *sqliteTx) writeRun(ctx context.Context, id int64, ps []post) error {
	if len(ps) == 0 {
		return nil
	}
	var first int64
	if err := t.tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM blocks").Scan(&first); err != nil {
		return t.wrap(err)
	}
	base := ps[0].seq
	for _, p := range ps {
		base = min(base, p.seq)
	}
	var dir []byte
	var args []any
	for b := 0; b*blockPostings < len(ps); b++ {
		blk := ps[b*blockPostings : min((b+1)*blockPostings, len(ps))]
		data, err := encodeBlock(blk, base)
		if err != nil {
			return err
		}
		dir = binary.LittleEndian.AppendUint64(dir, uint64(blk[0].key))
		args = append(args, first+int64(b), data)
	}
	if err := t.insert(ctx, "INSERT INTO blocks (id, data)", "", 2, args); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, "INSERT INTO runs (run, first, base, n, dir) VALUES (?, ?, ?, ?, ?)", id, first, base, len(ps), dir)
	return t.wrap(err)
}

// readRun returns every posting of r, sorted.
func (t *sqliteTx) readRun(ctx context.Context, r *run) ([]post, error) {
	out := make([]post, 0, r.n)
	rows, err := t.tx.QueryContext(ctx, "SELECT id, data FROM blocks WHERE id >= ? AND id < ? ORDER BY id", r.first, r.first+r.blocks())
	if err != nil {
		return nil, t.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, t.wrap(err)
		}
		if len(data)%entrySize != 0 {
			return nil, fmt.Errorf("postings block %d: %w", id, errCorrupt)
		}
		for e := range len(data) / entrySize {
			out = append(out, entryAt(data, e, r.base))
		}
	}
	return out, t.wrap(rows.Err())
}

func (t *sqliteTx) dropRun(ctx context.Context, r *run) error {
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM blocks WHERE id >= ? AND id < ?", r.first, r.first+r.blocks()); err != nil {
		return t.wrap(err)
	}
	_, err := t.tx.ExecContext(ctx, "DELETE FROM runs WHERE run = ?", r.id)
	return t.wrap(err)
}

// addRun writes a batch's postings as a new run, then merges the newest
// run into the one before it while it holds at least half as many.
func (t *sqliteTx) addRun(ctx context.Context, ps []post) error {
	if len(ps) == 0 {
		return nil
	}
	sortPosts(ps)
	ps = slices.Compact(ps)
	runs, err := t.runs(ctx)
	if err != nil {
		return err
	}
	id := int64(1)
	if len(runs) > 0 {
		id = runs[len(runs)-1].id + 1
	}
	if err := t.writeRun(ctx, id, ps); err != nil {
		return err
	}
	if runs, err = t.runs(ctx); err != nil {
		return err
	}
	for len(runs) >= 2 {
		a, b := &runs[len(runs)-2], &runs[len(runs)-1]
		if 2*b.n < a.n {
			break
		}
		pa, err := t.readRun(ctx, a)
		if err != nil {
			return err
		}
		pb, err := t.readRun(ctx, b)
		if err != nil {
			return err
		}
		merged := mergePosts(pa, pb)
		if err := t.dropRun(ctx, a); err != nil {
			return err
		}
		if err := t.dropRun(ctx, b); err != nil {
			return err
		}
		if err := t.writeRun(ctx, a.id, merged); err != nil {
			return err
		}
		if runs, err = t.runs(ctx); err != nil {
			return err
		}
	}
	return nil
}

// mergePosts merges two sorted lists, dropping repeats.
func mergePosts(a, b []post) []post {
	out := make([]post, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var p post
		switch {
		case j == len(b) || i < len(a) && comparePost(a[i], b[j]) <= 0:
			p = a[i]
			i++
		default:
			p = b[j]
			j++
		}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// deletePosts removes postings from the runs, rewriting the blocks that
// held them. A block's directory key stays a lower bound of what is left.
func (t *sqliteTx) deletePosts(ctx context.Context, ps []post) error {
	if len(ps) == 0 {
		return nil
	}
	sortPosts(ps)
	runs, err := t.runs(ctx)
	if err != nil {
		return err
	}
	for ri := range runs {
		r := &runs[ri]
		var ids []int64
		for _, p := range ps {
			lo, hi := r.span(p.key)
			for b := lo; b <= hi; b++ {
				ids = append(ids, r.first+int64(b))
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		type update struct {
			id   int64
			data []byte
		}
		var ups []update
		var removed int64
		err := t.readBlocks(ctx, r, ids, func(i int, data []byte) error {
			var kept []post
			for e := range len(data) / entrySize {
				p := entryAt(data, e, r.base)
				if _, found := slices.BinarySearchFunc(ps, p, comparePost); found {
					removed++
				} else {
					kept = append(kept, p)
				}
			}
			if len(kept) < len(data)/entrySize {
				nd, err := encodeBlock(kept, r.base)
				ups = append(ups, update{r.first + int64(i), nd})
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, u := range ups {
			if _, err := t.tx.ExecContext(ctx, "UPDATE blocks SET data = ? WHERE id = ?", u.data, u.id); err != nil {
				return t.wrap(err)
			}
		}
		if removed > 0 {
			if _, err := t.tx.ExecContext(ctx, "UPDATE runs SET n = n - ? WHERE run = ?", removed, r.id); err != nil {
				return t.wrap(err)
			}
		}
	}
	return nil
}

// runsSchema creates the runs and blocks tables (SQLite, schema 5).
const runsSchema = `CREATE TABLE runs (run INTEGER PRIMARY KEY, first INTEGER NOT NULL, base INTEGER NOT NULL, n INTEGER NOT NULL, dir BLOB NOT NULL);
	CREATE TABLE blocks (id INTEGER PRIMARY KEY, data BLOB NOT NULL);`

// postingsToRuns moves the postings table of a schema 4 index into one
// run, reading it in key order a million rows at a time.
func (t *sqliteTx) postingsToRuns(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, runsSchema); err != nil {
		return t.wrap(err)
	}
	var base int64
	if err := t.tx.QueryRowContext(ctx, "SELECT coalesce(min(seq), 0) FROM articles").Scan(&base); err != nil {
		return t.wrap(err)
	}
	var first int64 = 1
	var dir []byte
	var n int64
	var blk []post
	var args []any
	flush := func(force bool) error {
		if len(blk) == blockPostings || force && len(blk) > 0 {
			data, err := encodeBlock(blk, base)
			if err != nil {
				return err
			}
			dir = binary.LittleEndian.AppendUint64(dir, uint64(blk[0].key))
			args = append(args, first+int64(len(dir)/8-1), data)
			blk = blk[:0]
		}
		if len(args) >= 2*1024 || force && len(args) > 0 {
			if err := t.insert(ctx, "INSERT INTO blocks (id, data)", "", 2, args); err != nil {
				return err
			}
			args = args[:0]
		}
		return nil
	}
	last := post{key: -1 << 63, seq: -1 << 63}
	for {
		var page []post
		err := t.each(ctx, fmt.Sprintf("SELECT key, seq FROM postings WHERE (key, seq) > (%d, %d) ORDER BY key, seq LIMIT 1000000", last.key, last.seq), func(r *sql.Rows) error {
			var p post
			err := r.Scan(&p.key, &p.seq)
			page = append(page, p)
			return err
		})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, p := range page {
			blk = append(blk, p)
			n++
			if err := flush(false); err != nil {
				return err
			}
		}
		last = page[len(page)-1]
	}
	if err := flush(true); err != nil {
		return err
	}
	if n > 0 {
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO runs (run, first, base, n, dir) VALUES (1, ?, ?, ?, ?)", first, base, n, dir); err != nil {
			return t.wrap(err)
		}
	}
	_, err := t.tx.ExecContext(ctx, "DROP TABLE postings")
	return t.wrap(err)
}
