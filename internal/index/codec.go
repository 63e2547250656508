package index

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

// body is the compressed part of an article row.
type body struct {
	Byline   string   `json:"byline,omitempty"`
	Dateline string   `json:"dateline,omitempty"`
	Credits  []string `json:"credits,omitempty"`
	Text     string   `json:"text"`
}

// The zstd coders are safe for concurrent EncodeAll/DecodeAll and costly to
// build, so one of each serves the process.
var (
	encoder = sync.OnceValue(func() *zstd.Encoder {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		return e
	})
	decoder = sync.OnceValue(func() *zstd.Decoder {
		d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
		return d
	})
)

func encodeBody(a *article.Article) []byte {
	raw, _ := json.Marshal(body{a.Byline, a.Dateline, a.Credits, a.Body})
	return encoder().EncodeAll(raw, nil)
}

func decodeBody(b []byte, a *article.Article) error {
	raw, err := decoder().DecodeAll(b, nil)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	var v body
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	a.Byline, a.Dateline, a.Credits, a.Body = v.Byline, v.Dateline, v.Credits, v.Text
	return nil
}

// contentHash covers everything stored of an article, so that re-adding it
// unchanged is recognised and any change replaces it.
func contentHash(a *article.Article) []byte {
	h := sha256.New()
	for _, s := range []string{a.ID, a.Outlet, a.Title, a.URL, a.Published, a.Byline, a.Dateline, a.Body} {
		binary.Write(h, binary.LittleEndian, uint64(len(s)))
		h.Write([]byte(s))
	}
	binary.Write(h, binary.LittleEndian, uint64(len(a.Credits)))
	for _, s := range a.Credits {
		binary.Write(h, binary.LittleEndian, uint64(len(s)))
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}

func encodeU64s(v []uint64) []byte {
	out := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(out[8*i:], x)
	}
	return out
}

var errCorrupt = errors.New("corrupt record")

func decodeU64s(b []byte) ([]uint64, error) {
	if len(b)%8 != 0 {
		return nil, errCorrupt
	}
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out, nil
}

func encodeSig(s *shingle.Signature) []byte { return encodeU64s(s[:]) }

func decodeSig(b []byte, s *shingle.Signature) error {
	v, err := decodeU64s(b)
	if err != nil || len(v) != len(s) {
		return fmt.Errorf("signature: %w", errCorrupt)
	}
	copy(s[:], v)
	return nil
}

// fingerprint is a text's shingle set cut to 32 bits: the low half of each
// hash, sorted and without repeats. Two texts that share a shingle share
// its fingerprint entry, so two fingerprints with nothing in common mean
// two texts with no shingle in common, which align.Verify decides from
// their vectors alone (about 2 KiB per 500-word article).
func fingerprint(set []uint64) []uint32 {
	out := make([]uint32, len(set))
	for i, h := range set {
		out[i] = uint32(h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func encodeFingerprint(fp []uint32) []byte {
	out := make([]byte, 4*len(fp))
	for i, x := range fp {
		binary.LittleEndian.PutUint32(out[4*i:], x)
	}
	return out
}

// decodeFingerprint reads a stored fingerprint; a row written before
// schema 3 has none (nil: the text must be read).
func decodeFingerprint(b []byte) ([]uint32, error) {
	if b == nil {
		return nil, nil
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("fingerprint: %w", errCorrupt)
	}
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out, nil
}

// encodeTerms writes terms (sorted by hash) as deltas.
func encodeTerms(ts []shingle.Term) []byte {
	out := binary.AppendUvarint(nil, uint64(len(ts)))
	var prev uint64
	for _, t := range ts {
		out = binary.AppendUvarint(out, t.Hash()-prev)
		out = binary.AppendUvarint(out, uint64(t.Count))
		prev = t.Hash()
	}
	return out
}

func decodeTerms(b []byte) ([]shingle.Term, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, fmt.Errorf("terms: %w", errCorrupt)
	}
	b = b[k:]
	out := make([]shingle.Term, n)
	var prev uint64
	for i := range out {
		d, k1 := binary.Uvarint(b)
		if k1 <= 0 {
			return nil, fmt.Errorf("terms: %w", errCorrupt)
		}
		c, k2 := binary.Uvarint(b[k1:])
		if k2 <= 0 {
			return nil, fmt.Errorf("terms: %w", errCorrupt)
		}
		b = b[k1+k2:]
		prev += d
		out[i] = shingle.NewTerm(prev, int32(c))
	}
	return out, nil
}

// A verified pair with no shared passage (most story candidates) holds
// nothing but its two seqs: the cosine is recomputed whenever it is read.
// Such edges are stored as links, one row per newer article b listing the
// older articles a, rather than one edges row each.
func isLink(e *Edge) bool {
	return e.AInB == 0 && e.BInA == 0 && e.CopyA == 0 && e.CopyB == 0 && e.Longest == 0 && e.Passages == 0 && e.Quotes == 0 &&
		e.Verdict.Class == cluster.NotDerived
}

// derivationCode packs a verdict into the edges table's derivation
// column: 0 for a pair not measured, else 1 + 2×class + the derived side,
// plus measuredCodes × its First (which text was published first), so
// that edges stored before First read as undated. The verdict's share goes
// to the share column.
func derivationCode(v cluster.Verdict) int {
	code := 0
	if v.Derived >= 0 {
		code = 1 + 2*int(v.Class) + v.Derived
	}
	return code + measuredCodes*int(v.First)
}

// measuredCodes is how many codes derivationCode gives one First: not
// measured, and each class with each derived side.
const measuredCodes = 1 + 2*int(cluster.NumClasses)

// verdictOf unpacks derivationCode and the share columns.
func verdictOf(code int, share, reworded float64) cluster.Verdict {
	first := align.Order(code / measuredCodes)
	if code < 0 || first > align.BFirst {
		return cluster.Verdict{Derived: -1}
	}
	code %= measuredCodes
	if code == 0 {
		return cluster.Verdict{Derived: -1, First: first}
	}
	return cluster.Verdict{Class: cluster.Class((code - 1) / 2), Derived: (code - 1) % 2, Share: share, Reworded: reworded, First: first}
}

// linkRow is the links row of one article b.
type linkRow struct {
	B  int64
	As []int64 // ascending, all < B
}

// splitEdges separates the links (grouped by b, ascending) from the edges
// that carry a passage.
func splitEdges(edges []Edge) (full []Edge, links []linkRow) {
	byB := make(map[int64][]int64)
	for i := range edges {
		if isLink(&edges[i]) {
			byB[edges[i].B] = append(byB[edges[i].B], edges[i].A)
		} else {
			full = append(full, edges[i])
		}
	}
	for b, as := range byB {
		slices.Sort(as)
		links = append(links, linkRow{b, slices.Compact(as)})
	}
	slices.SortFunc(links, func(x, y linkRow) int { return cmp.Compare(x.B, y.B) })
	return full, links
}

// encodeSeqs writes ascending seqs as uvarint deltas.
func encodeSeqs(v []int64) []byte {
	out := []byte{} // never NULL

	var prev int64
	for _, x := range v {
		out = binary.AppendUvarint(out, uint64(x-prev))
		prev = x
	}
	return out
}

func decodeSeqs(b []byte) ([]int64, error) {
	var out []int64
	var prev int64
	for len(b) > 0 {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, fmt.Errorf("links: %w", errCorrupt)
		}
		b = b[k:]
		prev += int64(d)
		out = append(out, prev)
	}
	return out, nil
}

// linkEdges appends the edges of one links row: every one when want is
// nil, else those touching a seq of want (sorted).
func linkEdges(out []Edge, b int64, list []byte, want []int64) ([]Edge, error) {
	as, err := decodeSeqs(list)
	if err != nil {
		return out, err
	}
	_, all := slices.BinarySearch(want, b)
	all = all || want == nil
	for _, a := range as {
		if _, found := slices.BinarySearch(want, a); all || found {
			out = append(out, Edge{A: a, B: b})
		}
	}
	return out, nil
}

// unlink drops the seqs of gone (sorted) from a links row's list and
// reports whether any was there.
func unlink(list []byte, gone []int64) ([]int64, bool, error) {
	as, err := decodeSeqs(list)
	if err != nil {
		return nil, false, err
	}
	kept := slices.DeleteFunc(slices.Clone(as), func(a int64) bool {
		_, found := slices.BinarySearch(gone, a)
		return found
	})
	return kept, len(kept) != len(as), nil
}
