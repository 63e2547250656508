package batch

import (
	"encoding/binary"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Runners such as Prism keep per element and per key state for every
// GroupByKey, so a stage that emitted one element per bucket entry, term or
// pair×route (over a hundred an article) cost far more in the runner than
// the entries themselves. Those streams are batched instead: a DoFn buffers
// fixed-size entries per shard while it processes a bundle and emits one
// []byte of packed entries per shard when the bundle ends (or the buffer
// fills), and the next stage groups by shard, unpacks and sorts, and finds
// the buckets, counts or pairs locally. The result is the same as grouping
// by the fine key: every entry of one key lands in the same shard.

// DefaultKeyShards is the number of shards bucket entries, terms and
// candidate pairs are grouped into: the parallelism of those stages.
const DefaultKeyShards = 512

// flushBytes is how much a batching DoFn buffers before it emits.
const flushBytes = 32 << 20

// mix spreads keys that are not hashes (ordinals) over the shards.
func mix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	return k
}

func shardOfUint(k uint64, n int) int { return int(mix(k) % uint64(n)) }

// batcher buffers packed entries per shard.
type batcher struct {
	bufs  [][]byte
	bytes int
}

func (b *batcher) add(shard, n int) []byte {
	if b.bufs == nil {
		b.bufs = make([][]byte, n)
	}
	return b.bufs[shard]
}

func (b *batcher) put(shard int, entry []byte) {
	b.bufs[shard] = append(b.bufs[shard], entry...)
	b.bytes += len(entry)
}

func (b *batcher) full() bool { return b.bytes >= flushBytes }

// flush emits every non-empty shard buffer and empties them.
func (b *batcher) flush(emit func(int, []byte)) {
	for s, buf := range b.bufs {
		if len(buf) > 0 {
			emit(s, buf)
			b.bufs[s] = nil
		}
	}
	b.bytes = 0
}

// A bucket entry: route, key, ordinal (17 bytes).
const keyEntrySize = 1 + 8 + 8

type keyEntry struct {
	Route byte
	Key   uint64
	Ord   uint64
}

func (b *batcher) putKey(shards int, route byte, key, ord uint64) {
	s := shardOfUint(key, shards)
	b.add(s, shards)
	var e [keyEntrySize]byte
	e[0] = route
	binary.LittleEndian.PutUint64(e[1:], key)
	binary.LittleEndian.PutUint64(e[9:], ord)
	b.put(s, e[:])
}

func unpackKeys(dst []keyEntry, buf []byte) ([]keyEntry, error) {
	if len(buf)%keyEntrySize != 0 {
		return dst, fmt.Errorf("key batch of %d bytes", len(buf))
	}
	for i := 0; i < len(buf); i += keyEntrySize {
		dst = append(dst, keyEntry{buf[i], binary.LittleEndian.Uint64(buf[i+1:]), binary.LittleEndian.Uint64(buf[i+9:])})
	}
	return dst, nil
}

// A term count: term hash, count (12 bytes).
const termEntrySize = 8 + 4

func packTerm(dst []byte, term uint64, n int32) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, term)
	return binary.LittleEndian.AppendUint32(dst, uint32(n))
}

func eachTerm(buf []byte, f func(term uint64, n int32)) error {
	if len(buf)%termEntrySize != 0 {
		return fmt.Errorf("term batch of %d bytes", len(buf))
	}
	for i := 0; i < len(buf); i += termEntrySize {
		f(binary.LittleEndian.Uint64(buf[i:]), int32(binary.LittleEndian.Uint32(buf[i+8:])))
	}
	return nil
}

// A pair×route count: a, b (a < b), route, shared keys (21 bytes).
const pairEntrySize = 8 + 8 + 1 + 4

type pairEntry struct {
	A, B  uint64
	Route byte
	N     int32
}

func (b *batcher) putPair(shards int, e pairEntry) {
	s := shardOfUint(e.A^mix(e.B), shards)
	b.add(s, shards)
	var buf [pairEntrySize]byte
	binary.LittleEndian.PutUint64(buf[0:], e.A)
	binary.LittleEndian.PutUint64(buf[8:], e.B)
	buf[16] = e.Route
	binary.LittleEndian.PutUint32(buf[17:], uint32(e.N))
	b.put(s, buf[:])
}

func unpackPairs(dst []pairEntry, buf []byte) ([]pairEntry, error) {
	if len(buf)%pairEntrySize != 0 {
		return dst, fmt.Errorf("pair batch of %d bytes", len(buf))
	}
	for i := 0; i < len(buf); i += pairEntrySize {
		dst = append(dst, pairEntry{
			A: binary.LittleEndian.Uint64(buf[i:]), B: binary.LittleEndian.Uint64(buf[i+8:]),
			Route: buf[i+16], N: int32(binary.LittleEndian.Uint32(buf[i+17:])),
		})
	}
	return dst, nil
}

// Texts travel zstd-compressed (about 2.5× smaller on news text).
var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
)

func compress(text string) []byte { return zenc.EncodeAll([]byte(text), nil) }

func decompress(z []byte) (string, error) {
	b, err := zdec.DecodeAll(z, nil)
	return string(b), err
}
