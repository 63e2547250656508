// Package shingle turns an article's text into the features every later
// stage compares: word tokens with byte offsets, hashed word n-grams
// (shingles), a MinHash signature, LSH band keys, anchor fingerprints and a
// TF-IDF term vector. It knows nothing about files or HTML.
//
// # Words
//
// Words are found by Unicode word segmentation (UAX #29, via
// github.com/clipperhouse/uax29), so Arabic, Russian or Turkish copy is cut
// into words the same way English is, and Chinese or Japanese text, which has
// no spaces, falls into one token per ideograph. A segment is a word when it
// holds a letter or a digit; punctuation, spaces and emoji are skipped.
//
// Each word is normalised before it is hashed, so that the spellings outlets
// use for the same word compare equal:
//
//	“U.S.”   → us          dots inside an abbreviation dropped
//	Syria’s  → syria's     curly apostrophes and primes → '
//	ＡＦＰ   → afp         Unicode NFKC, then lower case
//	270,000  → 270000      digit group separators dropped
//	قـــال   → قال          Arabic tatweel and short-vowel marks dropped
//
// Hyphens and dashes split words (UAX #29), so "cease-fire" and "cease–fire"
// give the same two tokens. A Token keeps the byte offsets of the word in the
// original text, so passages found on normalised hashes can be shown in the
// words the outlet printed.
//
// # Shingles
//
// A shingle is a run of N consecutive words (N = 5), hashed from the word
// hashes. Five words is the usual choice for text reuse: long enough that two
// independent reports almost never share one by chance (the five seed
// articles, one story told by five outlets, share at most 1.5% of their
// 5-word shingles), short enough that copy with an edit every dozen words
// still shares most of them.
//
// # MinHash by one-permutation hashing
//
// A signature has K = 128 slots. Instead of K hash functions per shingle
// (K·n hashes), one-permutation hashing (Li, Owen & Zhang 2012) hashes each
// shingle once: the top 7 bits of the mixed hash pick one of the 128 bins and
// the bin keeps the smallest hash it sees. Bins left empty by short texts are
// filled by optimal densification (Shrivastava 2017): an empty bin borrows
// the value of a bin chosen by a hash of (bin, attempt), which keeps the
// estimator unbiased. The fraction of equal slots estimates the Jaccard
// similarity J of the two shingle sets with standard error about
// sqrt(J(1-J)/K): ±0.044 at J = 0.5, ±0.027 at J = 0.9.
//
// # LSH bands
//
// The 128 slots are cut into B = 32 bands of R = 4 rows. Two articles become
// candidates when any band matches, which happens with probability
// 1-(1-J^4)^32: 0.23 at J = 0.3, 0.87 at J = 0.5, 0.999 at J = 0.7. The
// threshold (1/B)^(1/R) ≈ 0.42 sits below the Jaccard of syndicated copies
// (above 0.6 in practice) and of light rewrites. Copy with a low Jaccard, a
// short brief cut from a long wire story or two paragraphs reused inside an
// outlet's own writing, is found by anchors instead.
//
// # Anchors
//
// Anchors are the shingles winnowing selects (Schleimer, Wilkerson & Aiken
// 2003): in every window of AnchorWindow = 8 consecutive shingles, the one
// with the smallest hash (the rightmost on a tie). The choice depends only
// on the window's own shingles, so a passage two texts share gives both
// the same anchors inside it, whatever surrounds it; and it is guaranteed:
//
//	A passage of 20 words that two texts share word for word (16
//	shingles of 5 words, cluster.PartialLongest) holds two windows of 8
//	that do not overlap, so at least two anchors both texts carry: the
//	two the candidate route needs.
//
// For example, in "…the bridge over the river Tessel was closed on
// Thursday after inspectors found cracks in two of its steel supports…"
// the 16 shingles from "the bridge over the river" to "in two of its steel
// supports" hold two anchors in any text that carries those 20 words.
// Winnowing keeps about 2/(w+1) of the shingles, 0.22 for w = 8. The
// one-in-eight sample by hash used before (SampledAnchors, kept for indexes
// written with it) gave a 20-word passage two anchors with probability
// 0.62 only: on `compare synth -n 100000 --seed 1` the copy routes missed
// 139 of the 6,803 planted partial reuses (found only by the story route);
// with winnowing they miss 6.
//
// # Terms
//
// For the story route, Terms counts each article's words minus a small list
// of function words (stopwords.txt, several languages), and Vector weighs
// them by sublinear TF-IDF into a unit vector whose dot product with another
// is their cosine similarity.
package shingle

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
	"golang.org/x/text/unicode/norm"
)

// Parameters of the features. Changing any of them changes every signature,
// band key and anchor, so an index written with other values must be rebuilt.
const (
	// N is the number of words in a shingle (see the package comment).
	N = 5
	// K is the number of MinHash slots; a power of two, for OPH binning.
	K = 128
	// Bands and Rows split the signature for LSH; Bands*Rows == K.
	Bands = 32
	Rows  = 4
	// AnchorWindow: winnowing selects an anchor in every window of this
	// many consecutive shingles (see Anchors).
	AnchorWindow = 8
	// AnchorMask selects the anchors of indexes written before winnowing:
	// shingles with hash&AnchorMask == 0, 1 in 8 (SampledAnchors).
	AnchorMask = 7

	kBits = 7 // log2(K)
)

// Token is one word of a text: its byte offsets in the original text and the
// hash of its normalised form.
type Token struct {
	Start, End int32
	Hash       uint64
}

// Normalize returns the normalised form of word, the one Tokens hashes.
func Normalize(word string) string { return string(appendNormal(nil, word)) }

// HashWord returns the hash Tokens gives to word.
func HashWord(word string) uint64 { return xxh3.Hash(appendNormal(nil, word)) }

func isWord(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c < utf8.RuneSelf {
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
		i += size - 1
	}
	return false
}

// appendNormal appends the normalised form of word to dst.
func appendNormal(dst []byte, w string) []byte {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		w = norm.NFKC.String(w)
	}
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'A' && c <= 'Z':
				dst = append(dst, c+'a'-'A')
			case c == '.' || c == ',':
				// "U.S." → us, "270,000" → 270000; a decimal point between
				// digits stays, so 3.5 and 35 differ.
				if c == '.' && i > 0 && i+1 < len(w) && isDigit(w[i-1]) && isDigit(w[i+1]) {
					dst = append(dst, c)
				}
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		i += size
		switch {
		case r == '\u2019' || r == '\u2018' || r == '\u02bc' || r == '\u2032' || r == '\uff07':
			dst = append(dst, '\'')
		case r == '\u0640' || r >= '\u064b' && r <= '\u065f' || r == '\u0670':
			// Arabic tatweel and harakat: spelling variants of one word.
		case r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			// soft hyphen and zero-width characters
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mix is the 64-bit finaliser of MurmurHash3: a bijection that spreads every
// input bit over the output.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// Shingles returns the hash of every run of N consecutive tokens, in order:
// shingle i covers tokens[i:i+N]. A text shorter than N words gives one
// shingle over all its words; an empty text gives none.
func Shingles(toks []Token) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	n := min(N, len(toks))
	out := make([]uint64, len(toks)-n+1)
	for i := range out {
		out[i] = shingleHash(toks[i : i+n])
	}
	return out
}

func shingleHash(toks []Token) uint64 {
	var h uint64 = 0x9e3779b97f4a7c15
	for _, t := range toks {
		h = bits.RotateLeft64(h^t.Hash, 27)*0x94d049bb133111eb + 0x2545f4914f6cdd1d
	}
	return mix(h)
}

// Set returns the shingles sorted and without repeats: the set whose Jaccard
// similarity MinHash estimates.
func Set(shingles []uint64) []uint64 {
	s := slices.Clone(shingles)
	SortKeys(s)
	return slices.Compact(s)
}

// Signature is a MinHash signature of K slots.
type Signature [K]uint64

const empty = ^uint64(0)

// Sign computes the one-permutation MinHash signature of a shingle list
// (repeats do not matter). An empty list gives the all-empty signature,
// which Bands skips.
func Sign(shingles []uint64) Signature {
	var sig Signature
	for i := range sig {
		sig[i] = empty
	}
	for _, s := range shingles {
		v := mix(s ^ 0x5851f42d4c957f2d)
		b := v >> (64 - kBits)
		if v < sig[b] {
			sig[b] = v
		}
	}
	if len(shingles) == 0 {
		return sig
	}
	// Optimal densification: an empty bin takes the value of the first
	// non-empty bin on its own pseudo-random probe sequence.
	var filled Signature
	copy(filled[:], sig[:])
	for i := range sig {
		if sig[i] != empty {
			continue
		}
		for attempt := uint64(1); ; attempt++ {
			j := mix(uint64(i)<<32|attempt) >> (64 - kBits)
			if sig[j] != empty {
				filled[i] = sig[j]
				break
			}
		}
	}
	return filled
}

// Similarity is the fraction of equal slots: the MinHash estimate of the
// Jaccard similarity of the two shingle sets.
func (s *Signature) Similarity(o *Signature) float64 {
	eq := 0
	for i := range s {
		if s[i] == o[i] && s[i] != empty {
			eq++
		}
	}
	return float64(eq) / K
}

// BandKeys returns the Bands LSH keys of a signature: key b hashes band
// number b with its Rows slots, so equal keys mean an equal band. An empty
// signature has no keys.
func BandKeys(sig *Signature) []uint64 {
	if sig[0] == empty {
		return nil
	}
	keys := make([]uint64, Bands)
	for b := range keys {
		h := uint64(b) * 0x9e3779b97f4a7c15
		for _, v := range sig[b*Rows : (b+1)*Rows] {
			h = mix(h ^ v)
		}
		keys[b] = h
	}
	return keys
}

// Anchors returns the distinct anchor shingles of a text, sorted: the
// smallest hash of every AnchorWindow consecutive shingles, the rightmost
// on a tie (winnowing; see the package comment for its guarantee).
func Anchors(shingles []uint64) []uint64 {
	out := winnow(shingles, AnchorWindow)
	SortKeys(out)
	return slices.Compact(out)
}

// SampledAnchors returns the anchors of indexes written before winnowing
// (index schema 8 and earlier): the distinct shingles with
// hash&AnchorMask == 0, sorted.
func SampledAnchors(shingles []uint64) []uint64 {
	var out []uint64
	for _, s := range shingles {
		if s&AnchorMask == 0 {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// winnow returns the shingle each window of w consecutive shingles selects:
// its smallest hash, the rightmost on a tie, each selected position once
// (Schleimer, Wilkerson & Aiken 2003). A text shorter than w selects its
// minimum.
func winnow(shingles []uint64, w int) []uint64 {
	w = min(w, len(shingles)) // a shorter text is one window
	var out []uint64
	last := -1
	for start := 0; w > 0 && start+w <= len(shingles); start++ {
		at := start
		for i := start + 1; i < start+w; i++ {
			if shingles[i] <= shingles[at] {
				at = i
			}
		}
		if at != last {
			out = append(out, shingles[at])
			last = at
		}
	}
	return out
}

// Contains reports whether the sorted set holds h.
func Contains(set []uint64, h uint64) bool {
	_, ok := slices.BinarySearch(set, h)
	return ok
}

// Meet reports whether two sorted lists have an element in common: the
// first test of verification (two texts that share no shingle share no
// passage), stopping at the first match.
func Meet[T cmp.Ordered](a, b []T) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// Intersect returns how many elements two sorted sets share; of two sorted
// multisets, how many they share, a repeated element as often as both hold it.
func Intersect(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Jaccard is |a∩b| / |a∪b| for two sorted sets; 0 when both are empty.
func Jaccard(a, b []uint64) float64 {
	return JaccardOf(Intersect(a, b), len(a), len(b))
}

// JaccardOf is the Jaccard similarity of two sets of na and nb elements
// that share inter: for callers that counted the intersection already.
func JaccardOf(inter, na, nb int) float64 {
	union := na + nb - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// Text joins the words of toks back as their normalised forms: for tests and
// debugging.
func Text(text string, toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Normalize(text[t.Start:t.End]))
	}
	return b.String()
}

// Grams returns the positional hashes of the n-word sequences of toks
// (gram i covers tokens i..i+n-1), hashed as shingles are; Shingles is
// Grams at N.
func Grams(toks []Token, n int) []uint64 {
	if len(toks) < n || n <= 0 {
		return nil
	}
	out := make([]uint64, len(toks)-n+1)
	for i := range out {
		out[i] = shingleHash(toks[i : i+n])
	}
	return out
}
