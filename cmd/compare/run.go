package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/pipeline"
)

// The exit statuses and errors of internal/cmdline, under the names this
// package's code and tests use.
const (
	exitOK          = cmdline.ExitOK
	exitBadInput    = cmdline.ExitBadInput
	exitUsage       = cmdline.ExitUsage
	exitInterrupted = cmdline.ExitInterrupted
)

var (
	errInterrupted = cmdline.ErrInterrupted
	errBadInput    = cmdline.ErrBadInput
	exitCode       = cmdline.ExitCode
)

// env is what a command needs from outside: its streams and the shared
// loading of articles.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	bad            int          // bad inputs reported
	unknown        string       // a command name that does not exist
	unknownIn      *cli.Command // the command it was looked for under (nil: the program's)
}

// run is the whole program: main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	app := &cli.App{
		Name:  "compare",
		Usage: "find reused copy between news articles and compare how outlets tell one story",
		Description: `PATH is a file (.txt, .html, .json, .jsonl, .jsonl.gz), a directory (walked
in sorted order, hidden files and pages copydesk wrote skipped), or - for
standard input. A .jsonl file holds one article per line: {"id", "text"}
required; "outlet", "title", "url", "published", "html" optional; a .json
file a JSON array of such objects. A text read from - gets the id
stdin-<8 hex digits of its SHA-256>, or --stdin-id ID.

Exit status: 0 ok, 1 some inputs were bad (each named on stderr) but the rest
was processed, 2 usage error, 130 interrupted (Ctrl-C).

compare help COMMAND shows a command's help; compare completion bash|zsh|fish
prints a shell completion script.`,
		Version:              version(),
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: true,
		Commands: []*cli.Command{
			pairsCommand(e),
			clustersCommand(e),
			diffCommand(e),
			reportCommand(e),
			synthCommand(e),
			evalCommand(e),
			indexCommand(e),
			quotesCommand(e),
			serveCommand(e),
			completionCommand(),
			provenanceCommand(e),
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return cmdline.Usage(err) },

		CommandNotFound: func(c *cli.Context, name string) {
			e.unknown = name
			if c.Command != nil && c.Command.Name != c.App.Name && len(c.Command.Subcommands) > 0 {
				e.unknownIn = c.Command
			}
		},
		ExitErrHandler: func(*cli.Context, error) {}, // errors are returned, not exited on
	}
	usage := func(_ *cli.Context, err error, _ bool) error { return cmdline.Usage(err) }
	var setUsage func([]*cli.Command)
	setUsage = func(cmds []*cli.Command) {
		for _, c := range cmds {
			if c.OnUsageError == nil {
				c.OnUsageError = usage
			}
			setUsage(c.Subcommands)
		}
	}
	setUsage(app.Commands)
	err := app.RunContext(ctx, flagsFirst(app.Commands, args))
	if err != nil {
		var ue cmdline.UsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "compare: %s\n", escapeControls(cmdline.DashDash(ue.Err.Error())))
		} else if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			fmt.Fprintln(stderr, "compare: interrupted")
			return errors.Join(errInterrupted, err)
		} else if !errors.Is(err, errBadInput) {
			fmt.Fprintf(stderr, "compare: %s\n", escapeControls(err.Error()))
		}
		return err
	}
	if e.unknown != "" {
		return unknownCommand(stderr, e.unknown, app.Commands, e.unknownIn)
	}
	if e.bad > 0 {
		return errBadInput
	}
	return nil
}

// unknownCommand says that name is no command of the program (parent nil)
// or of parent, suggesting the nearest of theirs, and returns the usage
// error.
func unknownCommand(stderr io.Writer, name string, top []*cli.Command, parent *cli.Command) error {
	where, cmds := "compare", top
	if parent != nil {
		where, cmds = "compare "+parent.Name, parent.Subcommands
	}
	if near := nearest(name, cmds); near != "" {
		fmt.Fprintf(stderr, "compare: no command %q; did you mean %q? (see %s --help)\n", name, near, where)
	} else {
		fmt.Fprintf(stderr, "compare: no command %q (see %s --help)\n", name, where)
	}
	return cmdline.Usage(fmt.Errorf("no command %q", name))
}

// maxSuggestDistance is the largest edit distance at which a mistyped
// command gets a "did you mean" (git suggests within about the same).
const maxSuggestDistance = 2

// nearest returns the command name closest to name, if within
// maxSuggestDistance edits.
func nearest(name string, cmds []*cli.Command) string {
	best, bestD := "", maxSuggestDistance+1
	for _, c := range cmds {
		for _, n := range c.Names() {
			if d := editDistance(name, n); d < bestD {
				best, bestD = n, d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// version is the module version and VCS commit the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " commit " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += " (modified)"
			}
		}
	}
	return v
}

// Flags shared by the commands that read articles.
func inputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "max-size", Value: "16MiB", Usage: "largest article read (a file or a JSONL line); larger ones are reported and skipped"},
		&cli.IntFlag{Name: "workers", Usage: "goroutines for the parallel stages", DefaultText: "one per core"},
		&cli.StringFlag{Name: "stdin-id", Usage: "the `ID` of a text or HTML article read from - (default: stdin- and 8 hex digits of its SHA-256)"},
	}
}

func formatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text, json, jsonl or csv"}
}

func outputFlag() cli.Flag {
	return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of standard output (- is standard output): a regular file (or a symlink's target) is replaced atomically, the old file or the whole new one, never half; a device or FIFO is written through"}
}

// windowFlag is --window, for the commands that cluster stories over
// PATHs.
func windowFlag() cli.Flag {
	return &cli.StringFlag{Name: "window", Usage: "story route: pair only articles published within `SPAN` of each other (3d, 36h), or, given a number (5000), within that many articles in input order; an article without a time takes that of the dated article before it (default: the whole corpus)"}
}

// options builds pipeline options with a progress bar on a terminal, from
// in's --workers as given (inputs.check refuses it below 0 on the paths
// that read PATHs; elsewhere it is passed on as it is) and its --window
// as check parsed it.
func (e *env) options(in *inputs, story bool) pipeline.Options {
	return pipeline.Options{Story: story, Workers: in.Workers, Window: in.window, Progress: e.progress()}
}

// warnWindow says on stderr when in's --window, a span of time, bounded
// nothing because no article had a time.
func (e *env) warnWindow(in *inputs, st pipeline.Stats) {
	if st.Unwindowed {
		fmt.Fprintf(e.stderr, "compare: --window %s: no article has a publication time, so it bounds nothing (a number of articles, --window 5000, bounds by input order)\n", in.Window)
	}
}

// progress returns a progress callback that draws a bar on stderr when it
// is a terminal and the work has run for more than a second; nil otherwise.
func (e *env) progress() func(stage string, done, total int) {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	start := time.Now()
	var mu sync.Mutex
	var bar *progressbar.ProgressBar
	var current string
	return func(stage string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(start) < time.Second {
			return
		}
		if stage != current || bar == nil {
			if bar != nil {
				bar.Finish()
			}
			current = stage
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(f),
				progressbar.OptionSetDescription(stage),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		bar.Set(done)
	}
}

// writeOutput runs write against stdout or, when path is not empty, an
// atomically replaced file (output.WriteOutput: - is stdout too).
func (e *env) writeOutput(path string, write func(io.Writer) error) error {
	if path != "" {
		return output.WriteOutput(path, e.stdout, write)
	}
	return write(e.stdout)
}

// colorFlag is --color, as ripgrep and git spell it.
func colorFlag() cli.Flag {
	return &cli.StringFlag{Name: "color", Aliases: []string{"colour"}, Value: "auto", Usage: "colour the output: auto (on a terminal, unless NO_COLOR is set), always or never"}
}

// colorFor says whether to colour what goes to w under --color mode:
// always or never, else (auto) when w is a terminal and NO_COLOR is unset
// or empty (no-color.org).
func colorFor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// checkColor rejects a --color value other than auto, always or never.
func checkColor(mode string) error {
	switch mode {
	case "auto", "always", "never":
		return nil
	}
	return cmdline.Usage(fmt.Errorf("--color: %q is not auto, always or never", mode))
}

// flagsFirst lets flags follow paths ("compare report testdata/seeds -o
// report"), which the CLI library does not: it stops reading flags at the
// first argument. It finds the command (and subcommand) named in args and
// moves every flag after it, with its value, ahead of the other arguments.
// "--" ends the flags, as usual.
func flagsFirst(cmds []*cli.Command, args []string) []string {
	i := 1
	var cmd *cli.Command
	for i < len(args) {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(args[i]) {
				next = c
			}
		}
		if next == nil {
			break
		}
		cmd, cmds = next, next.Subcommands
		i++
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	out := append([]string(nil), args[:i]...)
	var rest []string
	for k := i; k < len(args); k++ {
		a := args[k]
		switch {
		case a == "--":
			rest = append(rest, args[k:]...)
			k = len(args)
		case len(a) > 1 && a[0] == '-':
			out = append(out, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && k+1 < len(args) {
				k++
				out = append(out, args[k])
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(out, rest...)
}

// escapeControls writes the control and bidi-formatting characters of an
// error line (a file name holding a newline or U+202E, say) as %q writes
// them, so that a name cannot forge or reorder lines on a terminal.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, isFormatting) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isFormatting(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isFormatting: control characters, and the bidi and zero-width
// formatting characters (Unicode category Cf).
func isFormatting(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
