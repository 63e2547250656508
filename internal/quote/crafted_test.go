package quote

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCrafted(t *testing.T) {
	type want struct{ text, name, as string }
	for _, c := range []struct {
		name string
		text string
		want []want
	}{
		{
			name: "nested quotes are part of the outer one",
			text: "“They told us ‘leave now’ and we left,” Amal Haddad said.",
			want: []want{{"They told us ‘leave now’ and we left", "Amal Haddad", "Amal Haddad"}},
		},
		{
			name: "unbalanced quote stops at its sentence",
			text: "The minister said “we will not negotiate. Talks were then postponed until May.\n\nAnother paragraph follows with no quotes at all.",
			want: []want{{"we will not negotiate.", "", "The minister"}},
		},
		{
			name: "a stray closing mark quotes nothing",
			text: "Prices rose” by ten percent, officials said.",
			want: nil,
		},
		{
			name: "quote with no speaker",
			text: "Residents described the night as “hell on earth”.\n\n“Nothing works,” read a sign outside the hospital.",
			want: []want{{"hell on earth", "", ""}, {"Nothing works", "", ""}},
		},
		{
			name: "two speakers in one paragraph",
			text: "Foreign Minister Anna Berg met envoy Piotr Nowak on Tuesday. “We agreed on a plan,” Berg said, while Nowak said the plan was “only a first step”.",
			want: []want{{"We agreed on a plan", "Anna Berg", "Berg"}, {"only a first step", "Piotr Nowak", "Nowak"}},
		},
		{
			name: "quote split by said",
			text: "“We are ready,” said Omar Saleh, “but we need guarantees.”",
			want: []want{{"We are ready", "Omar Saleh", "Omar Saleh"}, {"but we need guarantees.", "Omar Saleh", "Omar Saleh"}},
		},
		{
			name: "He said: and a pronoun to the last person",
			text: "Prime Minister Lena Ortiz arrived in Lima.\n\nShe said: \"The budget is final.\"",
			want: []want{{"The budget is final.", "Lena Ortiz", "She"}},
		},
		{
			name: "role noun to the named holder of the office",
			text: "The ministry spokeswoman, Dana Kell, spoke on Monday. Rami Tal also attended.\n\n\"No comment,\" the spokeswoman said.",
			want: []want{{"No comment", "Dana Kell", "the spokeswoman"}},
		},
		{
			name: "told reporters and according to",
			text: "\"The road is closed,\" police chief Ivan Petrov told reporters. The town was \"completely cut off\", according to Petrov.",
			want: []want{{"The road is closed", "Ivan Petrov", "Ivan Petrov"}, {"completely cut off", "Ivan Petrov", "Petrov"}},
		},
		{
			name: "quote over paragraphs",
			text: "Mayor Jon Dahl said: “The river rose overnight.\n\n“We moved everyone out by dawn.”\n\nRain continued.",
			want: []want{{"The river rose overnight. We moved everyone out by dawn.", "Jon Dahl", "Jon Dahl"}},
		},
		{
			name: "guillemets and non-Latin names",
			text: "«Мы готовы», сказал Сергей Лавров.",
			want: []want{{"Мы готовы", "Сергей Лавров", "Сергей Лавров"}},
		},
		{
			name: "office then name after said",
			text: "\"The river rose in an hour,\" said the mayor of Vellano, Marco Ferri.",
			want: []want{{"The river rose in an hour", "Marco Ferri", "Marco Ferri"}},
		},
		{
			name: "name then of an institution after said",
			text: "\"Soils were saturated,\" said Dr Lucia Brandi of the University of Arvena.",
			want: []want{{"Soils were saturated", "Lucia Brandi", "Lucia Brandi"}},
		},
		{
			name: "second quoted sentence continues the attributed one",
			text: "\"We opened the shelters,\" Mayor Paolo Sarti said. \"Nobody should sleep outside tonight.\"",
			want: []want{{"We opened the shelters", "Paolo Sarti", "Paolo Sarti"}, {"Nobody should sleep outside tonight.", "Paolo Sarti", "Paolo Sarti"}},
		},
		{
			name: "Russian dash attribution after the quote",
			text: "«Мы откроем новые станции в этом году», — сказал Петров на церемонии открытия.",
			want: []want{{"Мы откроем новые станции в этом году", "Петров", "Петров"}},
		},
		{
			name: "Russian office and place before the name; names in guillemets are no quotations",
			text: "Мэр города Иван Петров открыл станции «Лесная» и «Новые Сады». «Это важный день для города», — заявил Петров.",
			want: []want{{"Это важный день для города", "Иван Петров", "Петров"}},
		},
		{
			name: "Russian office alone",
			text: "«Работы завершены досрочно», — сказал мэр.",
			want: []want{{"Работы завершены досрочно", "", "мэр"}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			qs := Extract(c.text)
			if len(qs) != len(c.want) {
				t.Fatalf("got %d quotations %+v, want %d", len(qs), qs, len(c.want))
			}
			for i, w := range c.want {
				q := qs[i]
				if q.Text != w.text || q.Speaker.Name != w.name || q.Speaker.As != w.as {
					t.Errorf("quotation %d: %q by %q as %q, want %q by %q as %q", i, q.Text, q.Speaker.Name, q.Speaker.As, w.text, w.name, w.as)
				}
			}
			checkSpans(t, c.text, qs)
		})
	}
}

func TestMergeCrafted(t *testing.T) {
	a := Source{ID: "a", Quotes: Extract(`"The ceasefire must hold because lives depend on it every single day," envoy Lars Moe said. "It is fragile," Moe added.`)}
	b := Source{ID: "b", Quotes: Extract(`Moe said the truce "must hold because lives depend on it" and called it "fragile".`)}
	c := Source{ID: "c", Quotes: Extract(`"It is fragile," opposition leader Sami Nour said.`)}
	sts := Merge([]Source{a, b, c})
	var texts []string
	for _, st := range sts {
		var ids []string
		for _, o := range st.Outlets {
			ids = append(ids, o.Article)
		}
		texts = append(texts, st.Speaker+": "+st.Text+" ["+strings.Join(ids, " ")+"]")
	}
	want := []string{
		"Lars Moe: The ceasefire must hold because lives depend on it every single day [a b]",
		"Lars Moe: It is fragile [a]",
		"Lars Moe: fragile [b]",
		"Sami Nour: It is fragile [c]",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("statements:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	// The fragment differs from the full wording by nothing but its ends.
	if o := sts[0].Outlets[1]; !o.Fragment || len(o.Changes[0]) != 0 {
		t.Errorf("b's fragment: %+v", o)
	}
}

func TestChanges(t *testing.T) {
	ref, refRaw := quoteWords("we need to make sure that it continues to be sustained")
	b, bRaw := quoteWords("we must make sure it continues to be sustained")
	got := changes(ref, b, refRaw, bRaw)
	want := []Change{{"+", "must"}, {"-", "need to"}, {"-", "that"}}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("changes %v, want %v", got, want)
		}
	}
}

// checkSpans checks what every quotation must satisfy: spans inside the
// text and in order, parts inside the outer span, text made of the parts.
func checkSpans(t *testing.T, text string, qs []Quote) {
	t.Helper()
	prev := 0
	for _, q := range qs {
		if q.Span.Start < prev || q.Span.End > len(text) || q.Span.Start >= q.Span.End {
			t.Fatalf("bad span %v in text of %d bytes (previous end %d)", q.Span, len(text), prev)
		}
		prev = q.Span.End
		for _, p := range q.Parts {
			if p.Start < q.Span.Start || p.End > q.Span.End || p.Start > p.End {
				t.Fatalf("part %v outside %v", p, q.Span)
			}
		}
		if !utf8.ValidString(text) {
			continue
		}
		if !utf8.ValidString(q.Text) || strings.TrimSpace(q.Text) == "" {
			t.Fatalf("quotation text %q", q.Text)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		`"We are ready," Toner said, adding that "we will not stop."`,
		"“Unbalanced quote, the spokesman said.\n\n“Reopened” he added.",
		"‘single’ and «guillemets» and „German“ and 「CJK」",
		"He said: “First.\n\n“Second.\n\nNot reopened",
		"”stray closers” ” \"",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		qs := Extract(text)
		checkSpans(t, text, qs)
		Merge([]Source{{ID: "x", Quotes: qs}, {ID: "y", Quotes: qs}})
	})
}
