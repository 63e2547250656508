package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/url"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/serve"
)

func serveCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the index as a web app: search, article, story, outlet and check pages, and a JSON API",
		Description: `Serves the index (--index DB) on --addr, loopback by default: pages that
work without JavaScript and their JSON twins under /api (see the README).
The index is only read, unless --allow-add lets the Check page add what it
checked; an index of an older schema is upgraded first. Ctrl-C stops the
server after the requests under way.`,
		Flags: []cli.Flag{
			indexFlag(),
			&cli.StringFlag{Name: "addr", Value: serve.DefaultAddr, Usage: "listen on `HOST:PORT` (a non-loopback host publishes the index to the network)"},
			&cli.BoolFlag{Name: "allow-add", Usage: "let the Check page add the checked articles to the index"},
			&cli.StringFlag{Name: "max-size", Value: "8MiB", Usage: "largest request body (a pasted or uploaded text)"},
		},
		Action: func(c *cli.Context) error {
			f, err := parseServeFlags(c)
			if err != nil {
				return err
			}
			srv, err := serve.New(c.Context, serve.Config{DSN: f.Index, AllowAdd: f.AllowAdd, MaxBytes: f.MaxBytes,
				Log: log.New(e.stderr, "compare: ", 0)})
			if err != nil {
				return err
			}
			defer srv.Close()
			if !serve.IsLoopback(f.Addr) {
				fmt.Fprintf(e.stderr, "compare: serve: %s is not a loopback address: the index is reachable from the network\n", f.Addr)
			}
			return serve.Run(c.Context, f.Addr, srv.Handler(), func(a net.Addr) {
				fmt.Fprintf(e.stderr, "compare: serving %s on http://%s/ (Ctrl-C stops)\n", redacted(f.Index), a)
			})
		},
	}
}

// serveFlags are compare serve's flags.
type serveFlags struct {
	Index    string // --index DB
	Addr     string // --addr HOST:PORT
	AllowAdd bool   // --allow-add
	MaxBytes int64  // --max-size, parsed
}

// parseServeFlags reads compare serve's flags, refusing (a usage error),
// in this order, no --index, any PATH, a --max-size that is not a size,
// then an --addr that is not HOST:PORT.
func parseServeFlags(c *cli.Context) (serveFlags, error) {
	dsn, err := indexDSN(c)
	if err != nil {
		return serveFlags{}, err
	}
	if c.NArg() > 0 {
		return serveFlags{}, cmdline.Usage(errors.New("serve: takes no PATH"))
	}
	maxBytes, err := cmdline.ParseSize(c.String("max-size"))
	if err != nil {
		return serveFlags{}, cmdline.Usagef("--max-size: %w", err)
	}
	f := serveFlags{Index: dsn, Addr: c.String("addr"), AllowAdd: c.Bool("allow-add"), MaxBytes: maxBytes}
	if _, _, err := net.SplitHostPort(f.Addr); err != nil {
		return serveFlags{}, cmdline.Usage(fmt.Errorf("--addr: %q is not HOST:PORT", f.Addr))
	}
	return f, nil
}

// redacted is dsn without a password, for messages.
func redacted(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
