// Command compare-beam runs copydesk's pipeline on Apache Beam: locally on
// the in-process Prism runner, or unchanged on Flink, Spark or Google Cloud
// Dataflow. It writes the pairs and clusters `compare pairs --format jsonl`
// and `compare clusters --format jsonl` write for the same articles, in
// shards. It is a separate binary so that compare stays small.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/copydesk/copydesk/internal/cmdline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && ctx.Err() != nil {
		err = errors.Join(cmdline.ErrInterrupted, err)
		fmt.Fprintln(os.Stderr, "compare-beam: interrupted")
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "compare-beam:", err)
	}
	stop()
	os.Exit(cmdline.ExitCode(err))
}
