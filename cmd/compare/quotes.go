package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/quote"
)

func quotesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "quotes",
		Usage:     "list who the articles quote, by speaker, with each outlet's wording",
		ArgsUsage: "PATH...",
		Description: `Finds direct quotations (straight and curly marks, partial quotations,
quotations split by "he said" or running over paragraphs) and their speakers
("Toner said", "said Toner", "the spokesman said", "according to Kirby"; role
nouns and pronouns resolved to the named speaker). The same statement quoted
by several outlets is one entry, also when one outlet quotes only fragments
of it; each outlet's exact wording and its word differences from the fullest
wording are shown.

JSON: an array of {"speaker", "named", "statements": [{"speaker", "named",
"text", "outlets": [{"article", "label", "as", "wording", "fragment",
"changes"}]}]}.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json"},
			outputFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseQuotesFlags(c)
			if err != nil {
				return err
			}
			arts, err := e.loadInputs(c.Context, &f.inputs)
			if err != nil {
				return err
			}
			groups := quote.BySpeaker(quote.Merge(quoteSources(arts)))
			return e.writeOutput(f.Output, func(w io.Writer) error {
				if f.Format == "json" {
					if groups == nil {
						groups = []quote.Group{}
					}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(groups)
				}
				return writeQuotes(w, groups)
			})
		},
	}
}

// quotesFlags are compare quotes' flags.
type quotesFlags struct {
	inputs
	Format string // --format: text or json
	Output string // --output ("" or - is standard output)
}

// parseQuotes reads compare quotes' flags, refusing (a usage error) a
// --format other than text or json, then the input group's errors
// (inputs.check).
func parseQuotesFlags(c *cli.Context) (quotesFlags, error) {
	f := quotesFlags{inputs: readInputs(c), Format: c.String("format"), Output: c.String("output")}
	if f.Format != "text" && f.Format != "json" {
		return quotesFlags{}, cmdline.Usage(fmt.Errorf("--format: %q is not text or json", f.Format))
	}
	if err := f.check(); err != nil {
		return quotesFlags{}, err
	}
	return f, nil
}

// quoteSources extracts the quotations of each article's compared text.
func quoteSources(arts []article.Article) []quote.Source {
	srcs := make([]quote.Source, len(arts))
	for i := range arts {
		srcs[i] = quote.Source{ID: arts[i].ID, Label: arts[i].Label(), Quotes: quote.Extract(pipeline.Text(&arts[i]))}
	}
	return srcs
}

// writeQuotes prints statements by speaker: the fullest wording, then each
// outlet with how it attributes the statement and its own wording.
func writeQuotes(w io.Writer, groups []quote.Group) error {
	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteByte('\n')
		}
		name := g.Speaker
		if name == "" {
			name = "(no speaker found)"
		}
		b.WriteString(name + "\n")
		for _, st := range g.Statements {
			fmt.Fprintf(&b, "  %s\n", quote.Quoted(st.Marks, st.Text))
			for _, o := range st.Outlets {
				fmt.Fprintf(&b, "    %s", o.Label)
				if len(o.As) > 0 {
					fmt.Fprintf(&b, " (%s)", strings.Join(o.As, ", "))
				}
				if o.Fragment {
					b.WriteString(" fragment")
				}
				b.WriteByte('\n')
				if len(st.Outlets) == 1 && len(o.Wording) == 1 {
					continue
				}
				for k, wd := range o.Wording {
					fmt.Fprintf(&b, "      %s", quote.QuotedAt(o.Marks, k, wd))
					for _, ch := range o.Changes[k] {
						fmt.Fprintf(&b, " [%s%s]", ch.Op, ch.Words)
					}
					b.WriteByte('\n')
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
