// Package cli owns the ersatzraum command line: the subcommands an admin
// runs and their flags. Each subcommand lives in its own file.
package cli

import (
	"fmt"
	"io"
	"os"
)

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		usage(stderr)
		return 2
	}
	switch args[1] {
	case "serve":
		return serve(args[2:], stdout, stderr)
	case "drill":
		return drillCommand(args[2:], stdout, stderr)
	case "static":
		return staticCommand(args[2:], stdout, stderr)
	case "teacher":
		return teacherCommand(args[2:], stdout, stderr)
	case "turn-check":
		return turnCheckCommand(args[2:], stdout, stderr)
	case "backup":
		return backupCommand(args[2:], stdout, stderr)
	case "restore":
		return restoreCommand(args[2:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "ersatzraum: unknown command %q\n\n", args[1])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Ersatzraum – the fallback classroom a school hosts itself.

Usage:
  ersatzraum serve [flags]   start the server (ersatzraum serve --help lists the flags)
  ersatzraum drill [flags]   load drill: a school's 08:00 against a server (ersatzraum drill --help)
  ersatzraum static [flags]  export the app as plain files for another web server (ersatzraum static --help)
  ersatzraum teacher ...     teacher accounts: add, list, remove, reset (ersatzraum teacher --help)
  ersatzraum turn-check      test a TURN relay with credentials from its secret (ersatzraum turn-check --help)
  ersatzraum backup FILE     back up the data directory while the server runs (ersatzraum backup --help)
  ersatzraum restore FILE    restore a backup into the data directory, server stopped (ersatzraum restore --help)
  ersatzraum help            show this text
`)
}

// Run is Main for the real process.
func Run() { os.Exit(Main(os.Args, os.Stdout, os.Stderr)) }
