package article

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// sameResult fails t unless the two parses gave the same article, field
// for field, and the same error.
func sameResult(t *testing.T, what string, got Article, gotErr error, want Article, wantErr error) {
	t.Helper()
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %#v, %v\n want %#v, %v", what, got, gotErr, want, wantErr)
	}
}

// sameLines checks the line-level helpers against their reference forms
// on every line of text, raw and folded.
func sameLines(t *testing.T, text string) {
	t.Helper()
	lines := splitLines(text)
	if want := refSplitLines(text); !reflect.DeepEqual(lines, want) && (len(lines) > 0 || len(want) > 0) {
		t.Fatalf("splitLines(%q) = %q, want %q", text, lines, want)
	}
	for raw := range strings.Lines(text) {
		for _, line := range []string{raw, strings.Join(strings.Fields(raw), " ")} {
			if got, want := isUILine(line), refIsUILine(line); got != want {
				t.Fatalf("isUILine(%q) = %v, want %v", line, got, want)
			}
			if got, want := wordCount(line), refWordCount(line); got != want {
				t.Fatalf("wordCount(%q) = %d, want %d", line, got, want)
			}
			if got, want := string(appendLower(nil, line)), strings.ToLower(line); got != want {
				t.Fatalf("appendLower(%q) = %q, want %q", line, got, want)
			}
			gotC, gotOK := creditLine(line)
			wantC, wantOK := refCreditLine(line)
			if gotC != wantC || gotOK != wantOK {
				t.Fatalf("creditLine(%q) = %q, %v, want %q, %v", line, gotC, gotOK, wantC, wantOK)
			}
		}
	}
}

// jsonEdgeLines are JSONL lines at the edges of JSON and of the record's
// rules: escapes, surrogates, invalid UTF-8, repeated and escaped keys,
// nesting, numbers, white space, nulls and wrong types.
var jsonEdgeLines = []string{
	`{"id":"a","text":"Plain words of a story."}`,
	` 	{ "id" : "a" , "text" : "Spaced out." } ` + "\r",
	`{"id":"a","text":"Tab\tand\u0000nul and \"quotes\" \\ \/ \b\f\r\n\n\nNext paragraph."}`,
	`{"id":"\u00e9t\u00C9","text":"Caf\u00e9 \u2014 na\u00efve words."}`,
	`{"id":"a","text":"Pair \ud83d\ude00 lone \ud83d and \ude00 and \ud83d\u0041 and \ud83d\\u0041 end."}`,
	`{"id":"a","text":"Lone at end \ud83d"}`,
	"{\"id\":\"a\",\"text\":\"Invalid \xff\xfe bytes and \xe2\x82 cut rune and \xef\xbf\xbd here.\"}",
	"{\"id\":\"a\xff\",\"te\xffxt\":\"x\",\"text\":\"Words \xc3\xa9t\xc3\xa9.\"}",
	"{\"id\":\"a\",\"title\":\"T\xff\",\"outlet\":\"O\xc3\",\"html\":\"<p>\xff ignored</p>\",\"text\":\"Words \xe2\x82.\"}",
	"{\"id\":\"a\",\"html\":\"<html><body><article><p>Invalid \xff byte in a page of words long enough to be an article's main text.</p></article></body></html>\"}",
	"{\"id\":\"a\",\"text\":\"Bad \xff byte.\",\"deep\":" + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "}",
	"{\"id\":\"a\",\"text\":\"\xff\"}",
	`{"id":"a","text":"First text.","text":"Second text wins."}`,
	`{"id":"a","text":"Kept.","text":null}`,
	`{"\u0069d":"esc","t\u0065xt":"Escaped keys."}`,
	`{"ID":"a","Text":"Case matters in keys.","id":"b","text":"Lower."}`,
	`{"id":"a","text":"Nested.","extra":{"a":[1,-2.5e+3,0,1E9,-0.0,true,false,null,{"b":[[]]},{}],"c":"\u0041"}}`,
	`{"id":"a","text":"Deep.","extra":` + strings.Repeat("[", 150) + strings.Repeat("]", 150) + `}`,
	`{"id":"a","text":"Too deep.","extra":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
	`{"id":"a","text":"Number.","n":01}`,
	`{"id":"a","text":"Number.","n":-}`,
	`{"id":"a","text":"Number.","n":1.}`,
	`{"id":"a","text":"Number.","n":1e}`,
	`{"id":"a","text":"Number.","n":.5}`,
	`{"id":"a","text":"Number.","n":+1}`,
	`{"id":"a","text":"Literal.","t":tru}`,
	`{"id":"a","text":"Literal.","t":truex}`,
	`{"id":"a","text":"Literal.","t":nul}`,
	`{"id":"a","text":"Trailing comma.",}`,
	`{"id":"a","text":"Two objects."}{}`,
	`{"id":"a","text":"After."} x`,
	`{"id":"a","text":"Bad escape \x."}`,
	`{"id":"a","text":"Short escape \u12."}`,
	"{\"id\":\"a\",\"text\":\"Control \x01 char.\"}",
	`{"id":"a","text":"Unterminated.`,
	`{"id":"a","text":"Missing colon" "x"}`,
	`{"id":"a" "text":"Missing comma."}`,
	`{"id":"a","text":"Bracket mismatch.","x":[}`,
	`{'id':'a'}`,
	`{}`,
	`{ }`,
	`[]`,
	`[{"id":"a","text":"In an array."}]`,
	`"a string"`,
	`null`,
	`true`,
	`12`,
	"\xef\xbb\xbf{\"id\":\"bom\",\"text\":\"With a byte order mark.\"}",
	`{"id":null,"text":"Null id."}`,
	`{"id":"a","text":null}`,
	`{"id":"a","text":null,"html":"<p>Only HTML here, with enough words to be an article of news.</p>"}`,
	`{"id":"a","text":"  ","html":"<p>Blank text, HTML used.</p>"}`,
	`{"id":"a","text":""}`,
	`{"id":"a","text":"  \n "}`,
	`{"id":7,"text":"Number id."}`,
	`{"id":"a","text":7.5}`,
	`{"id":"a","text":true}`,
	`{"id":"a","text":{"x":1}}`,
	`{"id":"a","text":["x"]}`,
	`{"id":"a","text":"Fine.","outlet":false}`,
	`{"id":"a","text":"Fine.","published":[1]}`,
	`{"id":"a","text":"Fine.","url":{}}`,
	`{"id":"a","html":5}`,
	`{"id":"","text":"Empty id."}`,
	`{"id":"a","title":"Only a title"}`,
	`{"id":"a","text":"Share\n\nAdvertisement\n\n100% Font Size"}`,
}

// cleanEdgeTexts are texts at the edges of the cleaning rules: UI lines
// of six and seven words, numbers, case and white space beyond ASCII,
// repeats that differ only in case, lines that look like bylines, credits
// and rights lines.
var cleanEdgeTexts = []string{
	"Headline\n\nShare this article on Facebook now\nShare this article on Facebook Twitter now\nThe story, in one sentence.",
	"Title\n\n100% Font Size\n2024 12 31 10 45 00 99\n12345678901234567890123456789 min\nE-mail Print\ne--mail\nAdvertisementAdvertisement\n- - -\n|\nThe story.",
	"Title\n\nSHARE ON TWITTER\nŞhare\nİSTANBUL\nPaylaş\n١٢٣ ٤٥٦\nⅫ Ⅻ\nThe story.",
	"Title\n\nThe caption of a photo here.\nThe story goes on.\nTHE CAPTION OF A PHOTO HERE.\nThe  caption of a\tphoto here.\nİstanbul İs a City.\ni̇stanbul i̇s a city.\nStraße Ist Lang.\nSTRASSE IST LANG.\nK Kelvin Sign Words.\nk kelvin sign words.",
	"  Title with\u00a0no-break\u2003em space  \r\n\r\n\tBody\v line\f with odd spaces.\u0085\n\u3000Ideographic space line.\u2028Line separator inside.\n",
	"Title\n\nBy Fatih Erel\nby lower case\nPar Jean-Luc de la Fontaine\nÁlvaro by someone\nDi Maria scored twice.\nAv Ola Nordmann\nThe story.",
	"Title\n\n© 2026 Example Daily. All rights reserved.\n(c) AFP\nCOPYRIGHT 2016 Reuters\nCopyrighted material is everywhere in this long sentence of the story.\nThe story.",
	"Title\n\nSource: TRTWorld and agencies\nſource: long s\nKaynak: AA\nKAYNAK: AA\n(With Reuters)\n( with AFP )\nReporting by Tom Perry; Editing by Alison Williams\nPhoto: Getty Images\nImage credit: Jane Doe\nQuelle: dpa\nFuente: EFE\nPicture: x\nCredits: a, b\nThe story.",
	"GENEVA (AA) – U.S. Secretary of State John Kerry arrived.\n\nThe story.",
	"Title\n\nWASHINGTON, April 10 (Reuters) - Officials said so.\n\nOther story one\nOther story two",
	"Only one line",
	"Only one line that ends.",
	"Title\n\nOne body line only.",
	"\n\n\n",
	"Title\n\nThe story.\n\nLink one\nLink two\nLink three",
	"Title\n\nInvalid \xff byte line one.\nINVALID \xff BYTE LINE ONE.\n\xc3 cut \xe2\x82 runes.",
}

// TestParseJSONLineMatchesReference parses the synthetic corpus, the JSONL
// test inputs and jsonEdgeLines with ParseJSONLine and with the reference
// (encoding/json and the rule-by-rule cleaning): every article and every
// error must be the same.
func TestParseJSONLineMatchesReference(t *testing.T) {
	lines := synthCorpus(t)
	if len(lines) > synthArticles {
		lines = lines[:synthArticles]
	}
	for _, s := range jsonEdgeLines {
		lines = append(lines, []byte(s))
	}
	for _, g := range []string{"testdata/fuzz/jsonl/*", "testdata/bad/*.jsonl"} {
		for _, data := range seedFiles(t, g) {
			for line := range bytes.Lines(data) {
				lines = append(lines, bytes.TrimRight(line, "\r\n"))
			}
		}
	}
	fast := 0
	for i, line := range lines {
		a, warn, err := ParseJSONRecord(line)
		want, wantWarn, wantErr := refParseJSONRecord(line)
		sameResult(t, fmt.Sprintf("line %d %q", i, line), a, err, want, wantErr)
		if fmt.Sprint(warn) != fmt.Sprint(wantWarn) {
			t.Fatalf("line %d %q: warning %v, want %v", i, line, warn, wantWarn)
		}
		var vals [len(recordFields)][]byte
		if scanRecord(line, &vals) {
			fast++
			var rec map[string]json.RawMessage
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatalf("scanRecord accepts %q, encoding/json does not: %v", line, err)
			}
			for k, f := range recordFields {
				if !bytes.Equal(vals[k], rec[f]) {
					t.Fatalf("%q: field %s is %q, encoding/json says %q", line, f, vals[k], rec[f])
				}
			}
		}
	}
	// The synthetic corpus is plain JSON objects: all of it takes the fast
	// path.
	if fast < synthArticles {
		t.Errorf("only %d of %d lines took the scanner's path", fast, len(lines))
	}
}

// TestCleanMatchesReference reads every text and HTML test input of the
// repository with the package's parsers and with the reference cleaning.
func TestCleanMatchesReference(t *testing.T) {
	globs := []string{"testdata/seeds/*.txt", "testdata/crafted/*.txt", "testdata/index/*.txt",
		"testdata/fuzz/text/*", "testdata/bad/*.txt", "testdata/fuzz/html/*", "testdata/bad/*.html"}
	for _, text := range cleanEdgeTexts {
		sameLines(t, text)
		a, err := ParseText("x.txt", text)
		want, wantErr := refParseText("x.txt", text)
		sameResult(t, fmt.Sprintf("text %q", text), a, err, want, wantErr)
		q, _ := json.Marshal(text)
		line := []byte(`{"id":"x","text":` + string(q) + `}`)
		a, err = ParseJSONLine(line)
		want, wantErr = refParseJSONLine(line)
		sameResult(t, fmt.Sprintf("line %s", line), a, err, want, wantErr)
	}
	n := 0
	for _, g := range globs {
		for _, data := range seedFiles(t, g) {
			text := string(data)
			if dec, err := decode(data); err == nil {
				text = dec
			}
			sameLines(t, text)
			if strings.HasSuffix(g, ".html") || strings.Contains(g, "html") {
				a, err := ParseHTML("x.html", text)
				want, wantErr := refParseHTML("x.html", text)
				sameResult(t, g, a, err, want, wantErr)
			} else {
				a, err := ParseText("x.txt", text)
				want, wantErr := refParseText("x.txt", text)
				sameResult(t, g, a, err, want, wantErr)
			}
			n++
		}
	}
	// The synthetic articles' texts, as plain-text files.
	for _, line := range synthCorpus(t)[:200] {
		var rec struct{ Text string }
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		sameLines(t, rec.Text)
		a, err := ParseText("x.txt", rec.Text)
		want, wantErr := refParseText("x.txt", rec.Text)
		sameResult(t, "synthetic text", a, err, want, wantErr)
	}
	if n < 30 {
		t.Fatalf("only %d test inputs found", n)
	}
}

// FuzzSameAsReference fuzzes the fast parsers against the reference: a
// text read as a text file, as HTML, and as a JSONL line.
func FuzzSameAsReference(f *testing.F) {
	for _, g := range []string{"testdata/fuzz/text/*", "testdata/seeds/*.txt", "testdata/crafted/*.txt", "testdata/fuzz/jsonl/*", "testdata/fuzz/html/*"} {
		for _, s := range fuzzSeeds(f, g) {
			f.Add(string(s))
		}
	}
	for _, s := range jsonEdgeLines {
		f.Add(s)
	}
	for _, s := range cleanEdgeTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameLines(t, s)
		a, err := ParseText("x.txt", s)
		want, wantErr := refParseText("x.txt", s)
		sameResult(t, "text", a, err, want, wantErr)
		a, warn, err := ParseJSONRecord([]byte(s))
		want, wantWarn, wantErr := refParseJSONRecord([]byte(s))
		sameResult(t, "JSONL line", a, err, want, wantErr)
		if fmt.Sprint(warn) != fmt.Sprint(wantWarn) {
			t.Fatalf("JSONL line %q: warning %v, want %v", s, warn, wantWarn)
		}
		if utf8.ValidString(s) && len(s) < 1<<12 {
			// The text as a JSON string, so the fuzzer reaches the
			// cleaning through ParseJSONLine too.
			q, _ := json.Marshal(s)
			line := []byte(`{"id":"x","text":` + string(q) + `}`)
			a, err = ParseJSONLine(line)
			want, wantErr = refParseJSONLine(line)
			sameResult(t, "JSONL text", a, err, want, wantErr)
		}
	})
}

// TestRepeatHashCollision checks rule 2 when two different lines have one
// hash: neither is taken for a repeat of the other, and each repeat of
// either is one.
func TestRepeatHashCollision(t *testing.T) {
	c := &cleaner{seen: make(map[uint64]string)}
	x, y := "The first line of the story.", "A different line, same hash."
	// Plant y under x's hash, as if the two had collided.
	c.seen[maphash.Bytes(lineSeed, appendLower(nil, x))] = y
	for i, tc := range []struct {
		line   string
		repeat bool
	}{{x, false}, {strings.ToUpper(x), true}, {x, true}, {y, false}, {y, true}} {
		if got := c.repeat(tc.line); got != tc.repeat {
			t.Errorf("%d: repeat(%q) = %v, want %v", i, tc.line, got, tc.repeat)
		}
	}
}
