// Command compare finds reused copy between news articles and compares how
// outlets tell the same story. Run "compare --help" for its commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	if path := os.Getenv("COPYDESK_CPUPROFILE"); path != "" {
		// For measuring where a run's time goes (BENCHMARKS.md).
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
			defer pprof.StopCPUProfile()
		} else {
			fmt.Fprintf(os.Stderr, "compare: COPYDESK_CPUPROFILE %s: cannot profile\n", path)
		}
	}
	err := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	code := exitCode(err)
	if code != 0 {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}
