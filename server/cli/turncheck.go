package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ersatzraum/server/turn"
)

type turnCheckConfig struct {
	turn       string
	secret     string
	secretFile string
	user       string
	tcp        bool
	timeout    time.Duration
	json       bool
}

func turnCheckFlags(stderr io.Writer) (*flag.FlagSet, *turnCheckConfig) {
	cfg := &turnCheckConfig{}
	fs := flag.NewFlagSet("turn-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.turn, "turn", "", "`HOST:PORT` of the TURN server to test: Ersatzraum's own or a coturn (required)")
	fs.StringVar(&cfg.secret, "secret", "", "shared `SECRET` the credentials are derived from (visible in the process list; prefer --secret-file)")
	fs.StringVar(&cfg.secretFile, "secret-file", "", "`FILE` holding the shared secret, e.g. DATA/turn-secret")
	fs.StringVar(&cfg.user, "user", "turn-check", "`NAME` the credentials are issued for")
	fs.BoolVar(&cfg.tcp, "tcp", true, "also test TURN over TCP")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Second, "`DURATION` each URL may take")
	fs.BoolVar(&cfg.json, "json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: ersatzraum turn-check --turn HOST:PORT (--secret-file FILE | --secret SECRET) [flags]

Tests a TURN server the way two browsers that both need it use it: issues
short-lived credentials from the shared secret, opens two relay allocations
over UDP (and TCP), sends packets from one relay to the other and back and
measures the round trip; also asks the STUN binding. Run it from outside the
school network to see what a student at home gets.
Exits 0 if every transport passes, 1 if one fails.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs, cfg
}

func turnCheckCommand(args []string, stdout, stderr io.Writer) int {
	fs, cfg := turnCheckFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ersatzraum turn-check: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	host, portStr, err := net.SplitHostPort(cfg.turn)
	port, perr := strconv.Atoi(portStr)
	if err != nil || host == "" || perr != nil || port < 1 || port > 65535 {
		return fail("--turn %q is not HOST:PORT", cfg.turn)
	}
	secret, err := turnSecret(cfg.secret, cfg.secretFile)
	if err != nil {
		return fail("%v", err)
	}
	if strings.Contains(cfg.user, ":") || cfg.user == "" {
		return fail("--user must be a non-empty name without a colon")
	}

	servers := turn.NewProvider(host, port, cfg.tcp, turn.Credentials{Secret: secret, TTL: 10 * time.Minute}).For(cfg.user)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := turn.Check(ctx, servers, turn.CheckOptions{Timeout: cfg.timeout})
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum turn-check:", err)
		return 1
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "ersatzraum turn-check:", err)
			return 1
		}
	} else {
		printTurnReport(stdout, cfg, rep)
	}
	if !rep.OK {
		return 1
	}
	return 0
}

// turnSecret reads the shared secret from the flag or the file (surrounding
// white space removed, as a file written by an editor ends in a newline).
func turnSecret(secret, file string) ([]byte, error) {
	switch {
	case secret != "" && file != "":
		return nil, errors.New("give --secret or --secret-file, not both")
	case secret != "":
		return []byte(secret), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--secret-file: %w", err)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return nil, fmt.Errorf("--secret-file %s is empty", file)
		}
		return []byte(s), nil
	}
	return nil, errors.New("the shared secret is missing: give --secret-file or --secret")
}

func printTurnReport(w io.Writer, cfg *turnCheckConfig, rep turn.Report) {
	fmt.Fprintf(w, "TURN check of %s as %q\n\n", cfg.turn, cfg.user)
	for _, r := range rep.Results {
		status := "ok  "
		switch {
		case r.Skipped:
			status = "skip"
		case !r.OK:
			status = "FAIL"
		}
		fmt.Fprintf(w, "  %s  %s\n", status, r.URL)
		if r.OK {
			fmt.Fprintf(w, "        round trip %.2f ms", r.RTTMillis)
			if r.Relayed != "" {
				fmt.Fprintf(w, ", relayed address %s, %d of %d packets back", r.Relayed, r.Received, r.Sent)
			}
			if r.Mapped != "" {
				fmt.Fprintf(w, ", this machine seen as %s", r.Mapped)
			}
			fmt.Fprintln(w)
		} else if r.Error != "" {
			fmt.Fprintf(w, "        %s\n", r.Error)
		}
	}
	if rep.OK {
		fmt.Fprintln(w, "\nAll transports pass.")
	} else {
		fmt.Fprintln(w, "\nNot all transports pass.")
	}
}
