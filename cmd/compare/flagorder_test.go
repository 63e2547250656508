package main

import (
	"strings"
	"testing"
)

// TestFlagCheckOrder pins which error a command gives first when several
// of its flags are wrong, and that the input flags (--max-size, --workers)
// are not checked on the paths that read no PATH (--index, eval --meter):
// each command's flags are parsed in one function, and these are the
// orders its checks ran in before. @TMP is a fresh directory.
func TestFlagCheckOrder(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		code  int
		first string // the first line on stderr
	}{
		{[]string{"synth", "x", "--n", "0"}, exitUsage, `compare: synth: unexpected argument "x"`},
		{[]string{"synth", "--n", "0", "-o", ""}, exitUsage, `compare: --n must be positive`},
		{[]string{"synth", "-o", ""}, exitUsage, `compare: synth: --output must not be empty (- for standard output)`},
		{[]string{"synth", "--n", "5", "-o", "@TMP/c.jsonl", "--truth", "@TMP/c.jsonl"}, exitUsage, `compare: --truth and --output name the same file`},
		{[]string{"synth", "score", "--truth", "t.jsonl"}, exitUsage, `compare: synth score: give one PAIRS.jsonl file (- for standard input), --provenance PROV.json, or both`},
		{[]string{"quotes", "--format", "csv", "--max-size", "zz"}, exitUsage, `compare: --format: "csv" is not text or json`},
		{[]string{"quotes", "--max-size", "zz", "--workers", "-1", "x"}, exitUsage, `compare: --max-size: "zz" is not a size (try 16MiB)`},
		{[]string{"quotes", "--workers", "-1", "x"}, exitUsage, `compare: --workers: -1 is negative (0 or unset: one per core)`},
		{[]string{"pairs", "-f", "xml", "--min-relation", "zz"}, exitUsage, `compare: unknown format "xml" (want text, json, jsonl or csv)`},
		{[]string{"pairs", "--min-relation", "zz"}, exitUsage, `compare: --min-relation: unknown relation "zz" (want duplicate, derived, partial, story or unrelated)`},
		{[]string{"pairs", "--max-size", "zz", "--workers", "-1"}, exitUsage, `compare: pairs: no PATH given (a file, a directory, or - for standard input)`},
		{[]string{"clusters", "-f", "xml", "--level", "zz"}, exitUsage, `compare: unknown format "xml" (want text, json, jsonl or csv)`},
		{[]string{"clusters", "--level", "zz", "--index", "x.db"}, exitUsage, `compare: --level: "zz" is not copy or story`},
		{[]string{"clusters", "--index", "x.db", "some/path"}, exitUsage, `compare: clusters: give --index or PATHs, not both`},
		{[]string{"clusters", "--index", "@TMP/none/x.db", "--max-size", "zz", "--workers", "-1"}, exitBadInput, `compare: @TMP/none/x.db: no such index`},
		{[]string{"clusters", "--max-size", "zz"}, exitUsage, `compare: clusters: no PATH given (a file, a directory, or - for standard input)`},
		{[]string{"clusters", "--workers", "-1", "--window", "3x", "x"}, exitUsage, `compare: --workers: -1 is negative (0 or unset: one per core)`},
		{[]string{"clusters", "--window", "3x", "x"}, exitUsage, `compare: --window: window "3x": give a duration (3d, 36h, 90m) or a number of articles`},
		{[]string{"clusters", "--index", "x.db", "--window", "3d"}, exitUsage, `compare: clusters: --window clusters PATHs; an index keeps its own story relations`},
		{[]string{"pairs", "--window", "-2", "x"}, exitUsage, `compare: --window: window "-2": a number of articles is at least 1`},
		{[]string{"eval", "--gold", "story", "--window", "week", "x"}, exitUsage, `compare: --window: window "week": give a duration (3d, 36h, 90m) or a number of articles`},
		{[]string{"report", "--index", "x.db", "--id", "x", "--window", "3d"}, exitUsage, `compare: report: --window clusters PATHs; an index keeps its own story relations`},
		{[]string{"diff", "a", "--color", "zz"}, exitUsage, `compare: diff: give exactly two articles, A and B (FILE or FILE#ID)`},
		{[]string{"diff", "a", "b", "--color", "zz", "--format", "zz"}, exitUsage, `compare: --color: "zz" is not auto, always or never`},
		{[]string{"diff", "a", "b", "--format", "zz", "--max-size", "zz"}, exitUsage, `compare: --format: "zz" is not text, html or json`},
		{[]string{"diff", "a", "b", "--html", "--max-size", "zz"}, exitUsage, `compare: --max-size: "zz" is not a size (try 16MiB)`},
		{[]string{"provenance", "-f", "xml", "--table", "zz"}, exitUsage, `compare: unknown format "xml" (want text, json, jsonl or csv)`},
		{[]string{"provenance", "--table", "zz", "--since", "x"}, exitUsage, `compare: --table: "zz" is not a table (want articles, links or outlets)`},
		{[]string{"provenance", "--since", "2020-01-01", "--max-size", "zz"}, exitUsage, `compare: provenance: --since needs --index`},
		{[]string{"provenance", "--index", "x.db", "some/path", "--since", "zz"}, exitUsage, `compare: provenance: give --index or PATHs, not both`},
		{[]string{"provenance", "--index", "x.db", "--since", "zz", "--max-size", "zz"}, exitUsage, `compare: --since: "zz" is not a date (YYYY-MM-DD or RFC 3339)`},
		{[]string{"provenance", "--index", "@TMP/none/x.db", "--since", "2020-01-01", "--max-size", "zz", "--workers", "-1"}, exitBadInput, `compare: @TMP/none/x.db: no such index`},
		{[]string{"eval", "-f", "csv", "--meter", "x"}, exitUsage, `compare: --format: "csv" is not text or json`},
		{[]string{"eval", "--meter", "@TMP", "--max-size", "zz", "--workers", "-1"}, exitBadInput, `compare: @TMP: no METER corpus here (want t/meter-corpus/file_index or file_index)`},
		{[]string{"eval", "--max-size", "zz"}, exitUsage, `compare: eval: say what to score: --gold FIELD, --pairs FILE, --synth or --meter DIR`},
		{[]string{"eval", "--gold", "story", "--max-size", "zz"}, exitUsage, `compare: eval: no PATH given (a file, a directory, or - for standard input)`},
		{[]string{"eval", "--pairs", "x", "--workers", "-1", "p"}, exitUsage, `compare: --workers: -1 is negative (0 or unset: one per core)`},
		{[]string{"index", "add", "-f", "xml"}, exitUsage, `compare: add: --index DB is required (a SQLite file or a postgres:// URL)`},
		{[]string{"index", "add", "--index", "x.db", "-f", "xml", "--min-relation", "zz"}, exitUsage, `compare: unknown format "xml" (want text, json, jsonl or csv)`},
		{[]string{"index", "add", "--index", "x.db", "--min-relation", "zz", "--batch-size", "-1"}, exitUsage, `compare: --min-relation: unknown relation "zz" (want duplicate, derived, partial, story or unrelated)`},
		{[]string{"index", "add", "--index", "x.db", "--batch-size", "-1", "--max-size", "zz"}, exitUsage, `compare: --batch-size: -1 is not a number of articles`},
		{[]string{"index", "add", "--index", "x.db", "--max-size", "zz"}, exitUsage, `compare: add: no PATH given (a file, a directory, or - for standard input)`},
		{[]string{"index", "check", "--index", "x.db", "--batch-size", "-1", "x"}, exitUsage, `compare: flag provided but not defined: --batch-size`},
		{[]string{"index", "relations", "--index", "x.db", "--batch-size", "-1", "--max-size", "zz"}, exitUsage, `compare: --batch-size: -1 is not a number of articles`},
		{[]string{"index", "relations", "--index", "x.db", "--workers", "-1", "x"}, exitUsage, `compare: --workers: -1 is negative (0 or unset: one per core)`},
		{[]string{"index", "stats", "-f", "xml"}, exitUsage, `compare: stats: --index DB is required (a SQLite file or a postgres:// URL)`},
		{[]string{"index", "stats", "--index", "x.db", "-f", "xml"}, exitUsage, `compare: --format: "xml" is not text or json`},
		{[]string{"index", "rm"}, exitUsage, `compare: rm: --index DB is required (a SQLite file or a postgres:// URL)`},
		{[]string{"index", "rm", "--index", "x.db"}, exitUsage, `compare: rm: no ID given`},
		{[]string{"report", "--inline-words", "0", "-o", ""}, exitUsage, `compare: --inline-words, --max-diffs and --overview-rows take a number of 1 or more`},
		{[]string{"report", "-o", "-", "--names", "@TMP/none.txt"}, exitUsage, `compare: report: --output DIR must name a directory (the report is several files)`},
		{[]string{"report", "--names", "@TMP/none.txt", "--index", "x.db", "some/path"}, exitUsage, `compare: --names: open @TMP/none.txt: no such file or directory`},
		{[]string{"report", "--index", "x.db", "some/path", "--id", "x", "--since", "zz"}, exitUsage, `compare: report: give --index or PATHs, not both`},
		{[]string{"report", "--index", "x.db", "--id", "x", "--since", "zz"}, exitUsage, `compare: report: give --id or --since, not both`},
		{[]string{"report", "--index", "x.db", "--since", "zz", "--max-size", "zz"}, exitUsage, `compare: --since: "zz" is not a date (YYYY-MM-DD or RFC 3339)`},
		{[]string{"report", "--index", "@TMP/none/x.db", "--since", "2020-01-01", "--max-size", "zz", "--workers", "-1"}, exitBadInput, `compare: @TMP/none/x.db: no such index`},
		{[]string{"report", "--since", "zz", "--max-size", "zz"}, exitUsage, `compare: report: --id and --since need --index`},
		{[]string{"report", "--id", "x", "--workers", "-1"}, exitUsage, `compare: report: --id and --since need --index`},
		{[]string{"report", "--max-size", "zz", "--workers", "-1"}, exitUsage, `compare: report: no PATH given (a file, a directory, or - for standard input)`},
		{[]string{"report", "--max-size", "zz", "--workers", "-1", "x"}, exitUsage, `compare: --max-size: "zz" is not a size (try 16MiB)`},
		{[]string{"report", "--workers", "-1", "x"}, exitUsage, `compare: --workers: -1 is negative (0 or unset: one per core)`},
		{[]string{"serve", "--max-size", "zz", "--addr", "nonsense"}, exitUsage, `compare: serve: --index DB is required (a SQLite file or a postgres:// URL)`},
		{[]string{"serve", "--index", "x.db", "extra", "--max-size", "zz"}, exitUsage, `compare: serve: takes no PATH`},
		{[]string{"serve", "--index", "x.db", "--max-size", "zz", "--addr", "nonsense"}, exitUsage, `compare: --max-size: "zz" is not a size (try 16MiB)`},
		{[]string{"serve", "--index", "@TMP/none/x.db", "--addr", "nonsense"}, exitUsage, `compare: --addr: "nonsense" is not HOST:PORT`},
		{[]string{"serve", "--index", "@TMP/none/x.db"}, exitBadInput, `compare: @TMP/none/x.db: no such index`},
	} {
		dir := t.TempDir()
		args := make([]string, len(tc.args))
		for i, a := range tc.args {
			args[i] = strings.ReplaceAll(a, "@TMP", dir)
		}
		_, stderr, code := compare(t, "", args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if want := strings.ReplaceAll(tc.first, "@TMP", dir); code != tc.code || first != want {
			t.Errorf("%q: exit %d, %q; want exit %d, %q", tc.args, code, first, tc.code, want)
		}
	}
}
