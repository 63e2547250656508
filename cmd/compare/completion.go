package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/cmdline"
)

// bashCompletion asks compare itself for the words that can follow (the
// CLI library's --generate-bash-completion) and falls back to file names.
const bashCompletion = `# bash completion for compare: eval "$(compare completion bash)"
_compare_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words
  words=$("${COMP_WORDS[0]}" "${COMP_WORDS[@]:1:COMP_CWORD-1}" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -o bashdefault -F _compare_complete compare
`

// zshCompletion does the same for zsh.
const zshCompletion = `#compdef compare
# zsh completion for compare: eval "$(compare completion zsh)"
_compare_complete() {
  local -a words_
  words_=("${(@f)$(${words[1]} ${words[@]:1:$((CURRENT-2))} --generate-bash-completion 2>/dev/null)}")
  compadd -a words_
  _files
}
compdef _compare_complete compare
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: `Prints the script; load it with
  eval "$(compare completion bash)"     # in ~/.bashrc
  eval "$(compare completion zsh)"      # in ~/.zshrc, after compinit
  compare completion fish | source      # in ~/.config/fish/config.fish`,
		Action: func(c *cli.Context) error {
			var script string
			switch c.Args().First() {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				// Without the library's help commands: they are shared
				// between runs in one process and can nest into themselves.
				app := *c.App
				app.Commands = withoutHelp(c.App.Commands)
				s, err := app.ToFishCompletion()
				if err != nil {
					return err
				}
				script = s
			default:
				return cmdline.Usage(errors.New("completion: give bash, zsh or fish"))
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

// withoutHelp copies cmds, and their subcommands, leaving out "help".
func withoutHelp(cmds []*cli.Command) []*cli.Command {
	var out []*cli.Command
	for _, c := range cmds {
		if c.Name == "help" {
			continue
		}
		cc := *c
		cc.Subcommands = withoutHelp(c.Subcommands)
		out = append(out, &cc)
	}
	return out
}
