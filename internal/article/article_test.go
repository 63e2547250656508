package article

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func seed(t *testing.T, name string) (Article, string) {
	t.Helper()
	matches, _ := filepath.Glob("../../testdata/seeds/" + name + "_*.txt")
	if len(matches) != 1 {
		t.Fatalf("seed %s not found", name)
	}
	raw, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseText(matches[0], string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return a, string(raw)
}

func TestSeedFields(t *testing.T) {
	tests := []struct {
		seed                    string
		title, byline, dateline string
		credits                 []string
	}{
		{"000", "US accuses Syrian regime forces for increasing violence, including actions that are in contravention of cessation of hostilities that is crucial for Geneva peace negotiations", "", "", []string{"TRTWorld and agencies"}},
		{"001", "Kerry urges restored Syrian truce especially in Aleppo", "Fatih Erel", "GENEVA (AA)", []string{"AA"}},
		{"002", "Syrian government launches offensive south of Aleppo", "", "", nil},
		{"003", "", "", "", nil},
		{"004", "Kerry demands Russia rein in Syrian forces", "", "", []string{"Reuters"}},
	}
	for _, tc := range tests {
		a, _ := seed(t, tc.seed)
		if a.Title != tc.title || a.Byline != tc.byline || a.Dateline != tc.dateline || !slices.Equal(a.Credits, tc.credits) {
			t.Errorf("seed %s: title %q byline %q dateline %q credits %q; want %q %q %q %q",
				tc.seed, a.Title, a.Byline, a.Dateline, a.Credits, tc.title, tc.byline, tc.dateline, tc.credits)
		}
	}
}

// TestSeedBoilerplateStripped checks that page furniture is gone, and that
// every sentence of each seed survives in the title or body.
func TestSeedBoilerplateStripped(t *testing.T) {
	furniture := []string{"Share", "Advertisement", "Published: Updated:", "Enable Read mode", "100% Font Size", "Top Content Trending", "(With Reuters)", "Source: TRTWorld", "By Fatih Erel", "Islamic State group retakes Syrian town"}
	for _, s := range []string{"000", "001", "002", "003", "004"} {
		a, raw := seed(t, s)
		for _, p := range a.Paragraphs() {
			for _, f := range furniture {
				if strings.HasPrefix(p, f) {
					t.Errorf("seed %s: furniture %q left in body", s, f)
				}
			}
		}
		kept := a.Title + "\n" + a.Dateline + " " + a.Body
		for _, line := range splitLines(raw) {
			if !endsSentence(line) || wordCount(line) < 6 {
				continue // not a sentence of the story
			}
			// A sentence may lose a dateline prefix, never its words.
			if _, _, rest, ok := dateline(line); ok {
				line = rest
			}
			if !strings.Contains(kept, line) {
				t.Errorf("seed %s: sentence lost: %q", s, line)
			}
		}
	}
	a, _ := seed(t, "000")
	if n := strings.Count(a.Body, "Mark Toner speaks at a press conference"); n != 1 {
		t.Errorf("seed 000: repeated caption kept %d times, want 1", n)
	}
}

func TestCleanBeyondSeeds(t *testing.T) {
	tests := []struct {
		name, raw           string
		byline, dateline    string
		credits             []string
		bodyHas, bodyHasNot []string
	}{
		{
			name:     "reuters style",
			raw:      "Headline here\n\nWASHINGTON, April 10 (Reuters) - The Federal Reserve held rates steady on Wednesday.\n\nOfficials said inflation was easing.\n\nReporting by Ann Saphir; Editing by Paul Simao",
			dateline: "WASHINGTON, April 10 (Reuters)", credits: []string{"Reuters", "Ann Saphir; Editing by Paul Simao"},
			bodyHas: []string{"The Federal Reserve held rates steady"}, bodyHasNot: []string{"Reporting by"},
		},
		{
			name:    "contributed to this report",
			raw:     "Headline here\n\nThe river burst its banks near the town on Sunday night.\n\nMarta Leone in Vellano contributed to this report.",
			credits: []string{"Marta Leone in Vellano"},
			bodyHas: []string{"The river burst"}, bodyHasNot: []string{"contributed"},
		},
		{
			name:    "credit line of furniture words",
			raw:     "Headline here\n\nThe ministry extended the ban for another month on Tuesday.\n\n(With AA)",
			credits: []string{"AA"},
			bodyHas: []string{"The ministry extended"}, bodyHasNot: []string{"(With AA)"},
		},
		{
			name:   "spanish byline, AFP dateline",
			raw:    "Titular\n\nPor Juan Pérez García\n\nMADRID (AFP) — El Gobierno aprobó el presupuesto el martes.\n\nLa oposición votó en contra.",
			byline: "Juan Pérez García", dateline: "MADRID (AFP)", credits: []string{"AFP"},
			bodyHas: []string{"El Gobierno aprobó"},
		},
		{
			name:    "ui vocabulary and photo credit",
			raw:     "Title\n\nShare this article\nAdvertisement\nA A A\nPhoto: Jane Doe/AFP\nThe minister resigned on Friday after a week of protests.\nRead more\n© 2024 Example Times. All rights reserved.",
			credits: []string{"Jane Doe/AFP"},
			bodyHas: []string{"The minister resigned"}, bodyHasNot: []string{"Share", "Advertisement", "Read more", "rights reserved"},
		},
		{
			name:       "short real sentence is kept",
			raw:        "Title\n\nShare prices fell 3 percent on Monday after the results.\n\nTrading was halted.",
			bodyHas:    []string{"Share prices fell 3 percent", "Trading was halted."},
			bodyHasNot: nil,
		},
		{
			name:    "not a dateline",
			raw:     "Title\n\nUS officials - who asked not to be named - said the talks failed.",
			bodyHas: []string{"US officials - who asked not to be named - said the talks failed."},
		},
		{
			name:    "arabic body kept",
			raw:     "عنوان الخبر\n\nقال المبعوث الأممي إن الهدنة في حلب هشة لكنها قائمة.\n\nشارك",
			bodyHas: []string{"قال المبعوث الأممي"},
		},
		{
			name:       "trailing related links dropped, subheading kept",
			raw:        "Title\n\nThe first paragraph ends here.\n\nA subheading in the story\n\nThe story goes on after it.\n\nOther story headline one\nOther story headline two",
			bodyHas:    []string{"A subheading in the story", "The story goes on after it."},
			bodyHasNot: []string{"Other story headline"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseText("x.txt", tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if a.Byline != tc.byline || a.Dateline != tc.dateline || !slices.Equal(a.Credits, tc.credits) {
				t.Errorf("byline %q dateline %q credits %q; want %q %q %q", a.Byline, a.Dateline, a.Credits, tc.byline, tc.dateline, tc.credits)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(a.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, a.Body)
				}
			}
			for _, s := range tc.bodyHasNot {
				if strings.Contains(a.Body, s) {
					t.Errorf("body keeps %q:\n%s", s, a.Body)
				}
			}
		})
	}
}

func TestParseHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>Kerry urges truce | Example News</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="share">Share</div>
<article><h1>Kerry urges truce</h1><p class="byline">By Fatih Erel</p>
<p>GENEVA (AA) – U.S. Secretary of State John Kerry has called for Syria's floundering cessation of hostilities to be restored, particularly in Aleppo where violence has escalated in recent days.</p>
<p>Kerry made the remarks after meeting with UN Envoy on Syria Staffan de Mistura in Geneva on Monday, at a joint news conference, where both men spoke at length about the ceasefire.</p>
<p>Kerry said the cessation of hostilities had been put to the test in the last few weeks and had collapsed in some areas, including around the northern city.</p>
</article>
<footer>Copyright Example News. <a href="/privacy">Privacy</a></footer><script>var x = "tracking";</script></body></html>`
	a, err := ParseHTML("page.html", page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Body, "Kerry made the remarks") || !strings.Contains(a.Body, "has called for Syria") {
		t.Errorf("main text missing:\n%s", a.Body)
	}
	for _, junk := range []string{"Home", "Privacy", "tracking", "Share"} {
		if strings.Contains(a.Body, junk) {
			t.Errorf("page furniture %q in body:\n%s", junk, a.Body)
		}
	}
	if a.Dateline != "GENEVA (AA)" {
		t.Errorf("dateline %q", a.Dateline)
	}
	if _, err := ParseHTML("empty.html", "<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>"); err == nil {
		t.Error("HTML with no text accepted")
	}
}

func TestParseJSONLine(t *testing.T) {
	a, err := ParseJSONLine([]byte(`{"id":"x1","text":"Body text here.","outlet":"AA","title":"T","url":"https://e.x/1","published":"2016-04-11","extra":[1,2]}`))
	if err != nil || a.ID != "x1" || a.Outlet != "AA" || a.Title != "T" || a.Body != "Body text here." || a.URL != "https://e.x/1" {
		t.Fatalf("got %+v, %v", a, err)
	}
	bad := map[string]string{
		`{"id":"x","text":`:          "invalid JSON",
		`{"id":"x"}`:                 `missing "text"`,
		`{"text":"hello"}`:           `missing "id"`,
		`{"id":7,"text":"hello"}`:    `field "id" is a number, want a string`,
		`{"id":"x","text":["a"]}`:    `field "text" is an array, want a string`,
		`{"id":"x","text":"   "}`:    `"text" is empty`,
		`{"id":"x","text":"... !!"}`: "no text",
	}
	for line, want := range bad {
		if _, err := ParseJSONLine([]byte(line)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", line, err, want)
		}
	}
}

func TestReaderReportsBadInputsAndGoesOn(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("a_good.txt", "Headline\n\nA real sentence of news copy.")
	write("b_binary.txt", "abc\x00def")
	write("c_latin1.txt", "Caf\xe9 au lait")
	write("d_empty.txt", "  \n\n ")
	write("e_feed.jsonl", `{"id":"j1","text":"First article text."}
{"id":"j2","text":
{"id":"j1","text":"Same id again."}

{"id":"j3","text":"Third article text."}
`)
	write(".hidden.txt", "Hidden\n\nShould not be read.")
	write("notes.md", "not an article")
	write("f_utf16.txt", "\xff\xfeH\x00i\x00\n\x00\n\x00W\x00o\x00r\x00d\x00s\x00.\x00")
	var bad []string
	r := Reader{Bad: func(err error) { bad = append(bad, err.Error()) }, MaxBytes: 1 << 20}
	arts, err := r.Load(context.Background(), []string{dir, filepath.Join(dir, "missing.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range arts {
		ids = append(ids, filepath.Base(a.ID))
	}
	want := []string{filepath.Base(good), "j1", "j3", "f_utf16.txt"}
	if !slices.Equal(ids, want) {
		t.Errorf("read %v, want %v", ids, want)
	}
	wantBad := []string{
		"b_binary.txt: binary file",
		"c_latin1.txt: invalid UTF-8 at byte 3",
		"d_empty.txt: empty file",
		"e_feed.jsonl: line 2: invalid JSON",
		`e_feed.jsonl: line 3: duplicate id "j1"`,
		"missing.txt: no such file or directory",
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad inputs:\n%s", strings.Join(bad, "\n"))
	}
	for i, w := range wantBad {
		if !strings.Contains(bad[i], w) {
			t.Errorf("bad[%d] = %q, want it to contain %q", i, bad[i], w)
		}
	}
}

func TestReaderSizeLimitAndStdin(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte("Head\n\n"+strings.Repeat("word ", 1000)), 0o644)
	var bad []string
	r := Reader{MaxBytes: 1000, Bad: func(err error) { bad = append(bad, err.Error()) },
		Stdin: strings.NewReader(`{"id":"s1","text":"From standard input."}` + "\n" + `{"id":"s2","text":"` + strings.Repeat("x", 2000) + `"}` + "\n")}
	arts, _ := r.Load(context.Background(), []string{big, "-"})
	if len(arts) != 1 || arts[0].ID != "s1" {
		t.Errorf("read %+v", arts)
	}
	if len(bad) != 2 || !strings.Contains(bad[0], "over the 1000 bytes article limit") || !strings.Contains(bad[1], "-: line 2: longer than") {
		t.Errorf("bad: %q", bad)
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		a    Article
		want string
	}{
		{Article{ID: "testdata/seeds/000_abc.txt"}, "000_abc"},
		{Article{ID: "x", Outlet: "Al Arabiya"}, "Al Arabiya"},
		{Article{ID: "1_1ecb"}, "1_1ecb"},
	} {
		if got := tc.a.Label(); got != tc.want {
			t.Errorf("Label(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

// TestInvalidUTF8ID: two ids that differ only in raw bytes that are not
// UTF-8 would both read as U+FFFD and collide; such an id is an error.
func TestInvalidUTF8ID(t *testing.T) {
	for _, line := range []string{
		"{\"id\":\"a\xff\",\"text\":\"Some text of an article.\"}",
		"{\"id\":\"a\xfe\", \"text\":\"Some text.\", \"extra\": {\"nested\": 1}}",
	} {
		if _, err := ParseJSONLine([]byte(line)); err == nil || !strings.Contains(err.Error(), `"id" is not valid UTF-8`) {
			t.Errorf("%q: err = %v, want the id named as not UTF-8", line, err)
		}
	}
	if a, err := ParseJSONLine([]byte(`{"id":"a\ufffd","text":"Some text."}`)); err != nil || a.ID != "a\ufffd" {
		t.Errorf("an escaped U+FFFD in an id: %q, %v", a.ID, err)
	}
}

// TestInvalidUTF8TextWarns: a record whose text (or title, outlet, ...)
// holds raw bytes that are not UTF-8 is read, with those bytes as U+FFFD,
// and one line naming the file, the record and the fields goes to Bad: from
// a .jsonl file on one worker and on several, and from a .json file.
func TestInvalidUTF8TextWarns(t *testing.T) {
	dir := t.TempDir()
	lines := "{\"id\":\"ok\",\"text\":\"A clean article.\"}\n" +
		"{\"id\":\"t\",\"text\":\"Bad \xff byte in the text.\"}\n" +
		"{\"id\":\"two\",\"title\":\"T\xfe\",\"text\":\"Cut \xe2\x82 rune.\"}\n" +
		"{\"id\":\"esc\",\"text\":\"An escaped \\ufffd is fine.\"}\n"
	jsonl := filepath.Join(dir, "feed.jsonl")
	jsonFile := filepath.Join(dir, "feed.json")
	if err := os.WriteFile(jsonl, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jsonFile, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, unit string
		workers    int
	}{{jsonl, "line", 1}, {jsonl, "line", 4}, {jsonFile, "article", 1}} {
		var bad []string
		r := Reader{Workers: tc.workers, Bad: func(err error) { bad = append(bad, err.Error()) }}
		arts, err := r.Load(context.Background(), []string{tc.path})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range arts {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, []string{"ok", "t", "two", "esc"}) {
			t.Fatalf("%s, %d workers: read %q, want every article", tc.path, tc.workers, ids)
		}
		if !strings.Contains(arts[1].Body, "Bad \ufffd byte") || arts[2].Title != "T\ufffd" {
			t.Errorf("bytes not read as U+FFFD: %q, %q", arts[1].Body, arts[2].Title)
		}
		want := []string{
			tc.path + ": " + tc.unit + ` 2: "text" holds bytes that are not valid UTF-8, each read as U+FFFD`,
			tc.path + ": " + tc.unit + ` 3: "text", "title" hold bytes that are not valid UTF-8, each read as U+FFFD`,
		}
		if !slices.Equal(bad, want) {
			t.Errorf("%s, %d workers: warnings\n%q\nwant\n%q", tc.path, tc.workers, bad, want)
		}
	}
}

// TestParseHTMLSiteAndCanonical: a saved page's outlet is its og:site_name
// and its URL its rel=canonical (else og:url).
func TestParseHTMLSiteAndCanonical(t *testing.T) {
	body := `<article><h1>Levee breaks</h1><p>The river broke through the levee north of the town late on Sunday, flooding two districts and cutting the main road.</p>
<p>Rescue teams worked through the night to move residents from the lowest streets to the sports hall on the hill, officials said.</p>
<p>The regional council said repairs would begin once the water had fallen below the level of the old embankment.</p></article>`
	for _, c := range []struct{ head, outlet, url string }{
		{`<meta property="og:site_name" content="Valley Courier"><link rel="canonical" href="https://courier.example/2026/levee"><meta property="og:url" content="https://courier.example/amp/levee">`, "Valley Courier", "https://courier.example/2026/levee"},
		{`<meta property="og:url" content="https://courier.example/amp/levee"><link rel="canonical" href="/relative">`, "", "https://courier.example/amp/levee"},
		{``, "", ""},
	} {
		a, err := ParseHTML("page.html", `<!doctype html><html><head><title>Levee breaks</title>`+c.head+`</head><body>`+body+`</body></html>`)
		if err != nil {
			t.Fatal(err)
		}
		if a.Outlet != c.outlet || a.URL != c.url {
			t.Errorf("head %q: outlet %q, URL %q; want %q, %q", c.head, a.Outlet, a.URL, c.outlet, c.url)
		}
	}
}

// PublishedTime reads the loaders' RFC 3339 and the common feed forms, in
// UTC, with the span each names.
func TestPublishedTime(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   string
		within time.Duration
	}{
		{"2026-05-03T21:40:00+02:00", "2026-05-03T19:40:00Z", 0},
		{" 2026-05-03T18:05:00Z ", "2026-05-03T18:05:00Z", 0},
		{"2026-05-03 18:05:00", "2026-05-03T18:05:00Z", 0},
		{"2026-05-03T18:05", "2026-05-03T18:05:00Z", time.Minute},
		{"2026-05-03", "2026-05-03T00:00:00Z", 24 * time.Hour},
		{"Sun, 03 May 2026 18:05:00 +0000", "2026-05-03T18:05:00Z", 0},
	} {
		at, within, ok := PublishedTime(c.in)
		if !ok || at.Format(time.RFC3339) != c.want || at.Location() != time.UTC || within != c.within {
			t.Errorf("PublishedTime(%q) = %v, %v, %v; want %s, %v", c.in, at, within, ok, c.want, c.within)
		}
	}
	for _, in := range []string{"", "  ", "yesterday", "03/05/2026"} {
		if _, _, ok := PublishedTime(in); ok {
			t.Errorf("PublishedTime(%q) read a time", in)
		}
	}
}
