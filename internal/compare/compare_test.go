package compare

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

func sentenceTexts(text string) []string {
	d := align.NewDoc(text)
	var out []string
	for _, s := range Sentences(d.Text, d.Tokens, d.Quoted) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"abbreviation", "U.S. Secretary of State John Kerry arrived. He spoke.",
			[]string{"U.S. Secretary of State John Kerry arrived.", "He spoke."}},
		{"initial", "John F. Kennedy spoke. Then Mr. Smith left.",
			[]string{"John F. Kennedy spoke.", "Then Mr. Smith left."}},
		{"ellipsis in quote", "“We plan to seize ... Aleppo when ready,” he said. Done here.",
			[]string{"“We plan to seize ... Aleppo when ready,” he said.", "Done here."}},
		{"ellipsis outside quote", "They waited... Nothing came.",
			[]string{"They waited...", "Nothing came."}},
		{"paragraphs", "A headline without stop\n\nThe body starts here. It goes on.",
			[]string{"A headline without stop", "The body starts here.", "It goes on."}},
		{"line break after abbreviation", "Talks with the U.S.\nNext line here.",
			[]string{"Talks with the U.S.", "Next line here."}},
		{"no words", "— \n\nOne sentence.", []string{"One sentence."}},
		{"arabic", "قال المتحدث إن المحادثات ستستأنف. وأضاف أن الهدنة هشة؟ نعم.",
			[]string{"قال المتحدث إن المحادثات ستستأنف.", "وأضاف أن الهدنة هشة؟", "نعم."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sentenceTexts(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	f.Add("U.S. Secretary Kerry. He said “a ... B” then. Done")
	f.Add("one\n\ntwo. three? «quatre ... Cinq» six.")
	f.Fuzz(func(t *testing.T, text string) {
		d := align.NewDoc(text)
		ss := Sentences(d.Text, d.Tokens, d.Quoted)
		prevEnd, prevLast := 0, 0
		for _, s := range ss {
			if s.Start < prevEnd || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad byte range %+v after %d in %q", s, prevEnd, text)
			}
			if s.First != prevLast && s.First < prevLast || s.Last <= s.First || s.Last > len(d.Tokens) {
				t.Fatalf("bad token range %+v after %d in %q", s, prevLast, text)
			}
			for _, tok := range d.Tokens[s.First:s.Last] {
				if int(tok.Start) < s.Start || int(tok.End) > s.End {
					t.Fatalf("token %v outside sentence %+v in %q", tok, s, text)
				}
			}
			prevEnd, prevLast = s.End, s.Last
		}
		if len(d.Tokens) > 0 && (len(ss) == 0 || ss[len(ss)-1].Last != len(d.Tokens)) {
			t.Fatalf("words left out of every sentence in %q: %+v", text, ss)
		}
	})
}

// load runs the pipeline over paths.
func load(t *testing.T, paths ...string) *pipeline.Result {
	t.Helper()
	var bad []error
	r := article.Reader{Bad: func(err error) { bad = append(bad, err) }}
	arts, err := r.Load(context.Background(), paths)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	res, err := pipeline.Run(context.Background(), arts, pipeline.Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// find returns member m's sentence index holding substr, or fails.
func find(t *testing.T, v *View, docs []*align.Doc, m int, substr string) int {
	t.Helper()
	for k, s := range v.Sentences[m] {
		if strings.Contains(docs[m].Text[s.Start:s.End], substr) {
			return k
		}
	}
	t.Fatalf("member %d has no sentence with %q", m, substr)
	return -1
}

// pieceOf returns the index of the piece holding member m's sentence s.
func pieceOf(v *View, m, s int) int {
	for k, p := range v.Pieces {
		for _, c := range p.Carriers {
			if c.Member == m && c.Sentence == s {
				return k
			}
		}
	}
	return -1
}

func TestSeeds(t *testing.T) {
	res := load(t, "../../testdata/seeds")
	v, err := New(context.Background(), res.Docs)
	if err != nil {
		t.Fatal(err)
	}
	// The Kerry–Lavrov call is one piece carried by 000, 002 and 004, in
	// other words each time.
	call := pieceOf(v, 2, find(t, v, res.Docs, 2, "called Russian Foreign Minister Sergei Lavrov"))
	if call < 0 || call >= v.Core {
		t.Fatalf("Kerry–Lavrov call is piece %d, not in the core (%d pieces)", call, v.Core)
	}
	p := v.Pieces[call]
	for _, m := range []int{0, 2, 4} {
		if !p.Carries(m) {
			t.Errorf("Kerry–Lavrov call: member %d does not carry it (members %v)", m, p.Members)
		}
	}
	for _, c := range p.Carriers {
		if c.Best.Kind != Reworded || c.Best.Score < RewordedScore {
			t.Errorf("Kerry–Lavrov call: carrier %+v, want a reworded link", c)
		}
	}
	// Seed 001 does not carry it and so left it out.
	if !p.Carries(1) && !contains(v.Outlets[1].LeftOut, call) {
		t.Errorf("001 left out %v, want the Kerry–Lavrov call (piece %d)", v.Outlets[1].LeftOut, call)
	}
	// 004's "210 combatants" sentence is its own.
	k := pieceOf(v, 4, find(t, v, res.Docs, 4, "at least 210 combatants"))
	if !contains(v.Outlets[4].Added, k) {
		t.Errorf("004 added %v, want the 210 combatants sentence (piece %d)", v.Outlets[4].Added, k)
	}
	// Seed 000's photo caption reads like a sentence of Toner's briefing
	// (one-way, 0.445) but carries nothing another outlet does: 000 added it.
	k = pieceOf(v, 0, find(t, v, res.Docs, 0, "Mark Toner speaks at a press conference"))
	if !contains(v.Outlets[0].Added, k) {
		t.Errorf("000 added %v, want its photo caption (piece %d, carried by %v)", v.Outlets[0].Added, k, v.Pieces[k].Members)
	}
	// De Mistura's "protecting and maintaining" is a quote 000 and 002 share.
	q := v.Pieces[pieceOf(v, 0, find(t, v, res.Docs, 0, "protecting and maintaining"))]
	if !q.Carries(2) || q.Carriers[0].Best.Kind != Quote {
		t.Errorf("de Mistura quote piece %+v, want a quote shared by 000 and 002", q)
	}
	for m, o := range v.Outlets {
		if len(o.Added) == 0 || len(o.LeftOut) == 0 {
			t.Errorf("seed %d: %d added, %d left out; every seed has both", m, len(o.Added), len(o.LeftOut))
		}
		if o.Churn > 0.1 {
			t.Errorf("seed %d: churn %.3f; the seeds share almost no copy", m, o.Churn)
		}
	}
	checkInvariants(t, v)
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// checkInvariants checks what holds for every view: every sentence is in
// exactly one piece, core pieces come first, added and left out follow the
// definitions.
func checkInvariants(t *testing.T, v *View) {
	t.Helper()
	n := len(v.Sentences)
	seen := make(map[[2]int]bool)
	for k, p := range v.Pieces {
		if (k < v.Core) != (len(p.Members) >= 2) {
			t.Errorf("piece %d has %d members, core is the first %d", k, len(p.Members), v.Core)
		}
		for _, c := range p.Carriers {
			if seen[[2]int{c.Member, c.Sentence}] {
				t.Errorf("sentence %d/%d in two pieces", c.Member, c.Sentence)
			}
			seen[[2]int{c.Member, c.Sentence}] = true
		}
	}
	total := 0
	for _, ss := range v.Sentences {
		total += len(ss)
	}
	if len(seen) != total {
		t.Errorf("%d sentences in pieces, %d in all", len(seen), total)
	}
	for m, o := range v.Outlets {
		for _, k := range o.Added {
			if p := v.Pieces[k]; len(p.Members) != 1 || p.Members[0] != m {
				t.Errorf("member %d added piece %d carried by %v", m, k, p.Members)
			}
		}
		for _, k := range o.LeftOut {
			if p := v.Pieces[k]; p.Carries(m) || 2*len(p.Members) < n-1 {
				t.Errorf("member %d left out piece %d carried by %v of %d", m, k, p.Members, n)
			}
		}
	}
}

func TestCrafted(t *testing.T) {
	// wire, syndicated (a duplicate of it), trimmed (derived), partial.
	res := load(t, "../../testdata/crafted/wire.txt", "../../testdata/crafted/syndicated.txt",
		"../../testdata/crafted/trimmed.txt", "../../testdata/crafted/partial.txt")
	v, err := New(context.Background(), res.Docs)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, v)
	// The syndicated copy is almost all reused copy; the wire and syndicated
	// texts share their lead sentence verbatim.
	if c := v.Outlets[1].Churn; c < 0.8 {
		t.Errorf("syndicated churn %.3f, want at least 0.8", c)
	}
	const leadWords = "extended their strike for a third week"
	lead := v.Pieces[pieceOf(v, 0, find(t, v, res.Docs, 0, leadWords))]
	if !lead.Carries(1) || !lead.Carries(2) {
		t.Errorf("wire lead carried by %v, want syndicated and trimmed too", lead.Members)
	}
	// The piece may hold other sentences too (a headline reworded from the
	// lead); the lead sentence itself is carried verbatim by all three.
	for _, c := range lead.Carriers {
		sent := v.Sentences[c.Member][c.Sentence]
		if strings.Contains(res.Docs[c.Member].Text[sent.Start:sent.End], leadWords) && c.Best.Kind != Verbatim {
			t.Errorf("wire lead carrier %+v, want verbatim", c)
		}
	}
	// The trimmed version's local opening is its own.
	own := pieceOf(v, 2, find(t, v, res.Docs, 2, "ring road ground to a halt"))
	if !contains(v.Outlets[2].Added, own) {
		t.Errorf("trimmed added %v, want its local opening (piece %d)", v.Outlets[2].Added, own)
	}
}

func TestTwoOutlets(t *testing.T) {
	// With two outlets each left out exactly what the other added.
	res := load(t, "../../testdata/seeds/002_c2773ce956bb0ff3.txt", "../../testdata/seeds/004_8a9ac7a1983d502c.txt")
	v, err := New(context.Background(), res.Docs)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, v)
	if !reflect.DeepEqual(v.Outlets[0].LeftOut, v.Outlets[1].Added) || !reflect.DeepEqual(v.Outlets[1].LeftOut, v.Outlets[0].Added) {
		t.Errorf("left out %v / %v, added %v / %v", v.Outlets[0].LeftOut, v.Outlets[1].LeftOut, v.Outlets[1].Added, v.Outlets[0].Added)
	}
	if v.Core == 0 {
		t.Error("002 and 004 share the Kerry–Lavrov call, core is empty")
	}
}

func TestEmptyAndCancelled(t *testing.T) {
	docs := []*align.Doc{align.NewDoc(""), align.NewDoc("Short. Words only here now.")}
	v, err := New(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, v)
	if v.Outlets[0].Words != 0 || len(v.Sentences[0]) != 0 || len(v.Sentences[1]) != 1 {
		t.Errorf("view of an empty text: %+v", v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(ctx, docs); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	res := load(t, "../../testdata/seeds")
	a, _ := New(context.Background(), res.Docs)
	// Fresh docs, so no state is shared between the two runs.
	docs := make([]*align.Doc, len(res.Docs))
	for i, d := range res.Docs {
		docs[i] = align.NewDoc(d.Text)
		docs[i].Vector = shingle.Vector(nil)
	}
	b, _ := New(context.Background(), docs)
	if !reflect.DeepEqual(a, b) {
		t.Error("two views of the same texts differ")
	}
}
