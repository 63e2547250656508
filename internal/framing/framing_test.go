package framing

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
)

func seedDocs(t *testing.T) []Doc {
	t.Helper()
	r := article.Reader{Bad: func(err error) { t.Errorf("seed: %v", err) }}
	as, err := r.Load(context.Background(), []string{"../../testdata/seeds"})
	if err != nil || len(as) != 5 {
		t.Fatalf("seeds: %d, %v", len(as), err)
	}
	var ds []Doc
	for _, a := range as {
		ds = append(ds, Doc{ID: a.ID, Label: a.Label(), Text: pipeline.Text(&a)})
	}
	return ds
}

func TestSeedNumbers(t *testing.T) {
	ds := seedDocs(t)
	facts := Numbers(ds)
	var toll *Fact
	for i := range facts {
		for _, n := range facts[i].Numbers {
			if n.Value == 270000 {
				toll = &facts[i]
			}
		}
	}
	if toll == nil || !toll.Deaths || !toll.Disagree {
		t.Fatalf("the war's death toll: %+v, want a disagreeing death toll", toll)
	}
	var got []string
	for _, n := range toll.Numbers {
		got = append(got, n.Label[:3]+" "+n.Wording)
	}
	if want := []string{"001 more than 250,000 people", "003 more than 270,000 dead"}; !slices.Equal(got, want) {
		t.Errorf("death toll: %q, want %q", got, want)
	}
	// 004's figures are all death counts of their own.
	var of004 []string
	for _, f := range facts {
		for _, n := range f.Numbers {
			if strings.HasPrefix(n.Label, "004") && f.Deaths {
				of004 = append(of004, n.Wording)
			}
		}
	}
	for _, w := range []string{"at least 210 combatants", "82 army troops", "94 members", "34 ISIS militants", "20 rebels"} {
		if !slices.ContainsFunc(of004, func(s string) bool { return strings.EqualFold(s, w) }) {
			t.Errorf("004's casualty figures %q lack %q", of004, w)
		}
	}
	// February 27 agrees between 000 and 003.
	for _, f := range facts {
		if f.What == "date february" && (f.Disagree || outlets(f.Numbers) != 2) {
			t.Errorf("February 27: %+v", f)
		}
	}
}

func TestNumbersNormalised(t *testing.T) {
	docs := []Doc{
		{ID: "a", Text: "The war has left 270,000 people dead."},
		{ID: "b", Text: "The war has killed 270 000 people."},
		{ID: "c", Text: "Some four people were killed, and twenty thousand people died in the war."},
	}
	facts := Numbers(docs)
	var vals []float64
	for _, f := range facts {
		if f.What == "killed: people" {
			for _, n := range f.Numbers {
				vals = append(vals, n.Value)
			}
			if len(f.Numbers) == 2 && f.Disagree {
				t.Errorf("270,000 and 270 000 disagree: %+v", f)
			}
		}
	}
	slices.Sort(vals)
	if want := []float64{4, 20000, 270000, 270000}; !slices.Equal(vals, want) {
		t.Errorf("values %v, want %v (facts %+v)", vals, want, facts)
	}
}

func TestSeedNames(t *testing.T) {
	rows := Names(seedDocs(t), Referents)
	uses := func(ref, outlet, variant string) int {
		for _, r := range rows {
			if r.Referent != ref {
				continue
			}
			for _, o := range r.Outlets {
				if strings.HasPrefix(o.Label, outlet) {
					for _, u := range o.Uses {
						if u.Variant == variant {
							return u.Count
						}
					}
				}
			}
		}
		return 0
	}
	for _, c := range []struct {
		ref, outlet, variant string
		min                  int
	}{
		{"Syrian government side", "000", "regime", 5},
		{"Syrian government side", "003", "government", 1},
		{"Syrian government side", "003", "pro-government", 1},
		{"Islamic State group", "000", "DAESH", 1},
		{"Islamic State group", "004", "ISIS", 5},
		{"Islamic State group", "002", "Islamic State", 1},
		{"Islamic State group", "003", "Islamic State", 1},
		{"ceasefire", "001", "cease-fire", 1},
	} {
		if n := uses(c.ref, c.outlet, c.variant); n < c.min {
			t.Errorf("%s says %q %d times, want at least %d", c.outlet, c.variant, n, c.min)
		}
	}
	// "is" the verb is never the group IS; "government" inside
	// "pro-government" is not counted twice.
	for _, c := range []struct{ outlet, variant string }{{"004", "IS"}, {"000", "IS"}, {"004", "Islamic State"}, {"000", "pro-government"}} {
		if n := uses("Islamic State group", c.outlet, c.variant) + uses("Syrian government side", c.outlet, c.variant); n != 0 {
			t.Errorf("%s: %q counted %d times", c.outlet, c.variant, n)
		}
	}
	one := Names([]Doc{{ID: "x", Text: "The pro-government forces and the Syrian government."}}, Referents)
	if got := one[0].Outlets[0].Uses; len(got) != 2 || got[0].Count != 1 || got[1].Count != 1 {
		t.Errorf("pro-government and government once each: %+v", got)
	}
}

func TestDistinctive(t *testing.T) {
	terms := Distinctive(seedDocs(t))
	has := func(i int, term string) bool {
		return slices.ContainsFunc(terms[i].Terms, func(x Term) bool { return x.Term == term })
	}
	if !has(4, "ISIS") || !has(3, "rebel") || !has(0, "Toner") {
		t.Errorf("distinctive terms: %+v", terms)
	}
	// A word spread evenly over the cluster is nobody's.
	for _, o := range terms {
		for _, x := range o.Terms {
			if x.Term == "Aleppo" || x.Z < MinZ || x.Uses < MinUses {
				t.Errorf("%s: %+v should not be distinctive", o.Label, x)
			}
		}
	}
	// The score: more uses against the same rest is more distinctive, and
	// a word used as often as the rest (per word) scores near zero.
	if !(logOdds(10, 2, 500, 2000, 5) > logOdds(5, 2, 500, 2000, 5)) {
		t.Error("log-odds not increasing in the outlet's uses")
	}
	// (prior weight a = Alpha0 × the word's share of the cluster, 25/2500).
	if z := logOdds(5, 20, 500, 2000, Alpha0*25/2500); z > 0.1 || z < -0.1 {
		t.Errorf("even use scores %.2f, want about 0", z)
	}
	if got := Distinctive(nil); len(got) != 0 {
		t.Errorf("no docs: %+v", got)
	}
	if got := Distinctive([]Doc{{ID: "one", Text: "alone alone alone"}}); len(got[0].Terms) != 0 {
		t.Errorf("one doc has nothing to differ from: %+v", got)
	}
}

func FuzzNumbers(f *testing.F) {
	f.Add("At least 210 combatants were killed; 270 000 dead, four members, February 27.")
	f.Add("1.5e9 99999999999999999999 people 0.0.0 ‐ 3")
	f.Fuzz(func(t *testing.T, text string) {
		for _, fact := range Numbers([]Doc{{ID: "x", Text: text}}) {
			for _, n := range fact.Numbers {
				if !strings.Contains(text, n.Wording) {
					t.Fatalf("wording %q not in text", n.Wording)
				}
			}
		}
		Names([]Doc{{ID: "x", Text: text}}, Referents)
	})
}

// TestNumbersOwnPhrase: a count is filed under deaths only when its own
// phrase speaks of deaths, not when another count of its sentence does.
func TestNumbersOwnPhrase(t *testing.T) {
	text := "The floods killed 14 people, forced 10,000 residents from their homes and swelled twenty rivers. " +
		"The storm killed three children and two adults, and 300 homes were damaged. At least 40 people died while 12 bridges collapsed. Shelling killed 6 soldiers and wounded 25 civilians."
	deaths := map[float64]bool{}
	for _, f := range numbersIn(text) {
		deaths[f.value] = f.deaths
	}
	for v, want := range map[float64]bool{14: true, 10000: false, 20: false, 3: true, 2: true, 300: false, 40: true, 12: false, 6: true, 25: false} {
		got, ok := deaths[v]
		if !ok || got != want {
			t.Errorf("%v: deaths %v (found %v), want %v; all %v", v, got, ok, want, deaths)
		}
	}
}

// TestNamesOnlyForItsStory: the Syria table stays out of a floods story,
// and a table a user supplies is read and applied.
func TestNamesOnlyForItsStory(t *testing.T) {
	floods := []Doc{{ID: "a", Text: "The government sent troops as the levee broke."}, {ID: "b", Text: "Rescuers reached the embankment; the government declared an emergency."}}
	if rows := Names(floods, Referents); len(rows) != 0 {
		t.Errorf("floods story: %+v, want no rows of the Syria table", rows)
	}
	table, err := ReadReferents(strings.NewReader("# flood words\n\nflood defences: levee, embankment, dyke\n"))
	if err != nil || len(table) != 1 || len(table[0].Variants) != 3 {
		t.Fatalf("ReadReferents: %+v, %v", table, err)
	}
	rows := Names(floods, table)
	if len(rows) != 1 || rows[0].Outlets[0].Uses[0].Variant != "levee" || rows[0].Outlets[1].Uses[0].Variant != "embankment" {
		t.Errorf("user table: %+v", rows)
	}
	for _, bad := range []string{"no colon here\n", "name:\n", "# only a comment\n"} {
		if _, err := ReadReferents(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadReferents(%q) accepted", bad)
		}
	}
}

// TestNumberWordsLanguages: number words of each table read as counts,
// with their scale words ("40 миллиардов" is 4e10); words that look like
// one but are not (a name, "per cent", "due to", "Sept.") are not.
func TestNumberWordsLanguages(t *testing.T) {
	for _, c := range []struct {
		text  string
		value float64
		noun  string // in the wording
	}{
		{"В Москве закрыты четыре станции метро.", 4, "станции"},
		{"Ущерб оценили в 40 миллиардов рублей.", 40e9, "рублей"},
		{"Эвакуированы две тысячи жителей.", 2000, "жителей"},
		{"Бюджет составит 3 млрд рублей.", 3e9, "рублей"},
		{"Из-за паводка пострадали пять посёлков.", 5, "посёлков"},
		{"Vier Menschen wurden verletzt.", 4, "menschen"},
		{"Der Schaden beträgt 3 Millionen Euro.", 3e6, "euro"},
		{"Trois ponts ont été fermés.", 3, "ponts"},
		{"Quattro fiumi sono esondati.", 4, "fiumi"},
		{"Cinco carreteras fueron cortadas.", 5, "carreteras"},
		{"Floods cut forty roads.", 40, "roads"},
	} {
		fs := numbersIn(c.text)
		if len(fs) != 1 || fs[0].value != c.value || !strings.Contains(strings.ToLower(fs[0].wording), c.noun) {
			t.Errorf("%q: %+v, want %v counting %s", c.text, fs, c.value, c.noun)
		}
	}
	for _, text := range []string{
		"Otto Schmidt said the river rose.",
		"Turnout was 40 per cent; cent coins are rare.",
		"The payment was due yesterday.",
		"The hall opened in Sept. after repairs.",
	} {
		if fs := numbersIn(text); len(fs) != 0 {
			t.Errorf("%q: %+v, want no count", text, fs)
		}
	}
	if fs := numbersIn("Работы завершены на три месяца раньше срока."); len(fs) != 1 || fs[0].what != "месяца" {
		t.Errorf("a unit ends the counted words: %+v", fs)
	}
	both := []Doc{{ID: "a", Text: "Открыты две новые станции. Откроют ещё четыре станции."}, {ID: "b", Text: "Две новые станции открыты. Позже откроют четыре станции."}}
	for _, f := range Numbers(both) {
		if f.Disagree {
			t.Errorf("outlets giving the same values disagree: %+v", f)
		}
	}
	if f := Numbers([]Doc{{ID: "a", Text: "Открыты две станции."}, {ID: "b", Text: "Открыты три станции."}}); len(f) != 1 || !f[0].Disagree {
		t.Errorf("2 and 3 stations: %+v, want one fact in disagreement", f)
	}
	// A word two tables list means one value in both.
	for lang, tbl := range numberTables {
		for _, s := range []string{tbl.words, tbl.scales} {
			m := map[string]float64{}
			readPairs(s, m)
			if len(m)*2 != len(strings.Fields(s)) {
				t.Errorf("%s: a word listed twice or a value missing in %q", lang, s)
			}
			for w, v := range m {
				if numberWords[w] != v && scales[w] != v {
					t.Errorf("%s: %q is %v here, but %v/%v merged", lang, w, v, numberWords[w], scales[w])
				}
			}
		}
	}
}

// TestRussianCases: a Russian counted noun is one fact whatever its case
// and number, named as first written.
func TestRussianCases(t *testing.T) {
	fs := Numbers([]Doc{
		{ID: "a", Text: "Закрыты 4 станции метро."},
		{ID: "b", Text: "Закрыты 5 станций метро."},
		{ID: "c", Text: "Движение остановлено на 4 станциях."},
	})
	if len(fs) != 1 || fs[0].What != "станции" || len(fs[0].Numbers) != 3 || !fs[0].Disagree {
		t.Errorf("%+v, want one fact, станции, of 3 numbers in disagreement", fs)
	}
}
