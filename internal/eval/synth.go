package eval

// # The calibration set
//
// The relation thresholds need pairs whose relation is known. Synthesize
// builds them from real article text (ECB+ in the README's figures), each
// pair by one documented operation on one "wire" article W, with a seeded
// generator, so that the set is the same on every machine and can be
// rebuilt at test time instead of being stored:
//
//	duplicate  W lightly edited: a word dropped, swapped or added in about
//	           half the sentences, an outlet's credit line at the end
//	derived    W trimmed: its first 40-70% of sentences, lightly edited,
//	           plus one or two sentences of the outlet's own (from another
//	           report of the same story)
//	derived    W rewritten: a third of its sentences dropped, a third
//	           rephrased (clauses swapped, words dropped, "said" moved), the
//	           rest kept with light edits: the wire's facts and many of its
//	           phrases, as newspapers rewrite wire copy (METER's "wholly
//	           derived")
//	partial    another report R of a different story, with a run of W's
//	           sentences (25 words or more) spliced into its middle
//	story      two real reports of the same story (same gold subtopic or,
//	           without labels, not built here), sharing no 8-word run
//	unrelated  two real reports of different stories
//
// Every source article serves one pair only, so pairs do not leak into each
// other. Story and unrelated pairs need a story label per article
// (Source.Story); without labels only the four copy classes are built.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/copydesk/copydesk/internal/article"
)

// Source is an article the calibration set is built from, with its story
// label ("" when unknown).
type Source struct {
	Article article.Article
	Story   string
}

// Set is a calibration set: articles and the labelled pairs among them.
type Set struct {
	Articles []article.Article
	Pairs    []GoldPair
}

// PerClass is how many pairs of each kind Synthesize builds at most (the
// two derived kinds count apart): 6 × 40 = 240 pairs, under a second to
// verify.
const PerClass = 40

// minWireWords is the shortest article used as wire copy: shorter ones
// cannot be trimmed and keep a copy passage.
const minWireWords = 120

// Synthesize builds the calibration set from sources with a generator
// seeded by seed.
func Synthesize(sources []Source, seed int64) *Set {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636f707964657363))
	order := rng.Perm(len(sources))
	used := make([]bool, len(sources))
	byStory := make(map[string][]int)
	for _, i := range order {
		if s := sources[i].Story; s != "" {
			byStory[s] = append(byStory[s], i)
		}
	}
	set := &Set{}
	take := func(ok func(int) bool) int {
		for _, i := range order {
			if !used[i] && ok(i) {
				used[i] = true
				return i
			}
		}
		return -1
	}
	long := func(i int) bool { return len(strings.Fields(sources[i].Article.Body)) >= minWireWords }
	// sibling finds an unused report of the same story as i.
	sibling := func(i int) int {
		for _, j := range byStory[sources[i].Story] {
			if !used[j] && j != i {
				return j
			}
		}
		return -1
	}
	add := func(kind string, n int, relation string, a, b string) {
		id := fmt.Sprintf("cal-%s-%02d", kind, n)
		set.Articles = append(set.Articles,
			article.Article{ID: id + "-a", Body: a},
			article.Article{ID: id + "-b", Body: b})
		set.Pairs = append(set.Pairs, GoldPair{A: id + "-a", B: id + "-b", Relation: relation})
	}
	sentences := func(i int) []string { return split(sources[i].Article.Body) }
	for n := range PerClass {
		if w := take(long); w >= 0 {
			s := sentences(w)
			add("duplicate", n, "duplicate", join(s), join(lightly(rng, s, 0.5, true)))
		}
		if w := take(long); w >= 0 {
			s := sentences(w)
			keep := max(2, len(s)*(40+rng.IntN(31))/100)
			out := lightly(rng, s[:min(keep, len(s))], 0.3, false)
			out = append(out, ownSentences(rng, sources, sibling, take, w)...)
			add("trimmed", n, "derived", join(s), join(out))
		}
		if w := take(long); w >= 0 {
			s := sentences(w)
			add("rewrite", n, "derived", join(s), join(rewrite(rng, s)))
		}
		if w := take(long); w >= 0 {
			r := take(func(i int) bool { return long(i) && sources[i].Story != sources[w].Story })
			if r < 0 {
				continue
			}
			s, own := sentences(w), sentences(r)
			start := rng.IntN(max(1, len(s)-3))
			end := start
			for words := 0; end < len(s) && words < 25; end++ {
				words += len(strings.Fields(s[end]))
			}
			at := len(own) / 2
			mixed := slices.Concat(own[:at], s[start:end], own[at:])
			add("partial", n, "partial", join(s), join(mixed))
		}
	}
	// Story and unrelated pairs from real reports.
	for n := 0; n < PerClass; {
		a := take(func(i int) bool { return sources[i].Story != "" && sibling(i) >= 0 })
		if a < 0 {
			break
		}
		b := sibling(a)
		used[b] = true
		if sharesRun(sources[a].Article.Body, sources[b].Article.Body, 8) {
			continue // the two reports share copy: not an independent pair
		}
		add("story", n, "story", sources[a].Article.Body, sources[b].Article.Body)
		n++
	}
	for n := range PerClass {
		a := take(func(i int) bool { return sources[i].Story != "" })
		if a < 0 {
			break
		}
		b := take(func(i int) bool {
			return sources[i].Story != "" && topicOf(sources[i].Story) != topicOf(sources[a].Story)
		})
		if b < 0 {
			break
		}
		add("unrelated", n, "unrelated", sources[a].Article.Body, sources[b].Article.Body)
	}
	return set
}

// topicOf is the leading digits of a story label ("12ecbplus" → "12"), so
// that unrelated pairs avoid look-alike stories of one ECB+ topic; a label
// without leading digits is its own topic.
func topicOf(story string) string {
	i := 0
	for i < len(story) && story[i] >= '0' && story[i] <= '9' {
		i++
	}
	if i == 0 {
		return story
	}
	return story[:i]
}

// ownSentences gives one or two sentences an outlet adds of its own: from
// another report of the same story when there is one, else from any unused
// article.
func ownSentences(rng *rand.Rand, sources []Source, sibling func(int) int, take func(func(int) bool) int, w int) []string {
	o := sibling(w)
	if o < 0 {
		o = take(func(int) bool { return true })
		if o < 0 {
			return nil
		}
	}
	s := split(sources[o].Article.Body)
	k := min(len(s), 1+rng.IntN(2))
	return s[len(s)-k:]
}

// split cuts a body into sentences: at line ends, and after ". " inside a
// line.
func split(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		for _, s := range strings.SplitAfter(line, ". ") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// join makes a body of sentences, one paragraph each, as article bodies
// are kept (paragraphs apart by a blank line).
func join(s []string) string { return strings.Join(s, "\n\n") }

// fillers are words an editor inserts.
var fillers = []string{"also", "reportedly", "now", "however", "further", "officially"}

// lightly edits a share p of the sentences by one small change each (a word
// dropped, two adjacent words swapped, a word inserted), and with credit
// adds an outlet's credit line.
func lightly(rng *rand.Rand, s []string, p float64, credit bool) []string {
	out := make([]string, 0, len(s)+1)
	for _, sent := range s {
		w := strings.Fields(sent)
		if len(w) > 4 && rng.Float64() < p {
			k := 1 + rng.IntN(len(w)-2)
			switch rng.IntN(3) {
			case 0:
				w = slices.Delete(w, k, k+1)
			case 1:
				w[k], w[k+1] = w[k+1], w[k]
			default:
				w = slices.Insert(w, k, fillers[rng.IntN(len(fillers))])
			}
		}
		out = append(out, strings.Join(w, " "))
	}
	if credit {
		out = append(out, "Reporting by staff writers; editing by the news desk.")
	}
	return out
}

// rewrite drops about a third of the sentences, rephrases a third and
// keeps the rest with light edits, in order.
func rewrite(rng *rand.Rand, s []string) []string {
	var out []string
	for _, sent := range s {
		switch r := rng.Float64(); {
		case r < 0.3:
			// dropped
		case r < 0.65:
			out = append(out, rephrase(rng, sent))
		default:
			out = append(out, lightly(rng, []string{sent}, 0.5, false)...)
		}
	}
	if len(out) == 0 {
		out = append(out, rephrase(rng, s[0]))
	}
	return out
}

// rephrase rewrites a sentence the way a subeditor does: the clauses after
// and before a cut point swapped, and one word in five dropped, so that only
// short runs of the original words survive.
func rephrase(rng *rand.Rand, sent string) string {
	w := strings.Fields(sent)
	if len(w) < 6 {
		return sent
	}
	cut := len(w)/3 + rng.IntN(len(w)/3)
	w = slices.Concat(w[cut:], []string{"-"}, w[:cut])
	kept := w[:0:0]
	for _, x := range w {
		if rng.IntN(5) != 0 {
			kept = append(kept, x)
		}
	}
	return strings.Join(kept, " ")
}

// sharesRun reports whether two texts share a run of n whitespace-separated
// words (compared in lower case): a check independent of copydesk's own
// alignment, used to keep copy out of the story class.
func sharesRun(a, b string, n int) bool {
	grams := func(t string) map[string]bool {
		w := strings.Fields(strings.ToLower(t))
		m := make(map[string]bool)
		for i := 0; i+n <= len(w); i++ {
			m[strings.Join(w[i:i+n], " ")] = true
		}
		return m
	}
	ga := grams(a)
	for g := range grams(b) {
		if ga[g] {
			return true
		}
	}
	return false
}

// WriteDir writes the set as dir/articles.jsonl ({"id","text"}) and
// dir/pairs.jsonl ({"a","b","relation"}), inputs for compare pairs and
// compare eval --pairs.
func (s *Set) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, each func(*json.Encoder) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		enc.SetEscapeHTML(false)
		if err := each(enc); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	err := write("articles.jsonl", func(enc *json.Encoder) error {
		for _, a := range s.Articles {
			if err := enc.Encode(struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			}{a.ID, a.Body}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return write("pairs.jsonl", func(enc *json.Encoder) error {
		for _, p := range s.Pairs {
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
		return nil
	})
}
