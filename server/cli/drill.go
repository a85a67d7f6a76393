package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"ersatzraum/server/drill"
)

func drillFlags(stderr io.Writer) (*flag.FlagSet, *drill.Config, *bool) {
	cfg := &drill.Config{}
	asJSON := new(bool)
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", "", "`URL` of the server to drill (default: the server of --login-link, else "+drill.DefaultURL+")")
	fs.Func("spread", "comma-separated base `URLS` of more nodes of the same service (serve --nats): lessons are started and connections go to --url and these in turn, as a load balancer would send them", func(v string) error {
		cfg.Spread = splitList(v)
		return nil
	})
	fs.StringVar(&cfg.LoginLink, "login-link", "", "one-time teacher login `LINK` the server printed at start (required; used up by the drill)")
	fs.IntVar(&cfg.Teachers, "teachers", drill.DefaultTeachers, "`N` simulated teachers, one lesson each")
	fs.IntVar(&cfg.Students, "students", drill.DefaultStudents, "`N` simulated students, spread evenly over the lessons")
	fs.DurationVar(&cfg.Within, "within", drill.DefaultWithin, "`DURATION` in which all students join, spread uniformly")
	fs.DurationVar(&cfg.Hold, "hold", drill.DefaultHold, "`DURATION` everyone stays connected after the joins")
	fs.Float64Var(&cfg.RelayRate, "relay-rate", 0, "candidate signals per second, across all students, sent to the teachers during the hold (`N`, at most 10 per student)")
	fs.IntVar(&cfg.SourceAddrs, "source-addrs", drill.DefaultSourceAddrs, "`N` loopback source addresses 127.0.0.2… to dial from when the server is on loopback (more ports; 0: default address)")
	fs.DurationVar(&cfg.Timeout, "timeout", drill.DefaultTimeout, "`DURATION` one join may take, from the dial to the welcome")
	fs.IntVar(&cfg.ChatClasses, "chat-classes", 0, "`N` more lessons of 30 students who, while the other students join, each write one chat message a second")
	fs.DurationVar(&cfg.ChatFor, "chat-for", drill.DefaultChatFor, "`DURATION` the chat classes write")
	fs.BoolVar(asJSON, "json", false, "print the report as one JSON object instead of a summary")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: ersatzraum drill --login-link LINK [flags]

Simulates a school's 08:00 against an Ersatzraum server: teachers start
lessons, students join them within --within and negotiate like browsers
(offer, answer, ICE candidates) through the signaling server, everyone
stays for --hold, then leaves. Reports joins attempted, succeeded and failed
(with reasons), join and relay latency, dropped connections and the server's
memory when it exposes /metrics to the drill. Progress goes to stderr.

Exit status: 0 when every join succeeded and nothing dropped, 1 otherwise,
2 on bad flags.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs, cfg, asJSON
}

func drillCommand(args []string, stdout, stderr io.Writer) int {
	fs, cfg, asJSON := drillFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ersatzraum drill: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if cfg.LoginLink == "" {
		fmt.Fprintln(stderr, "ersatzraum drill: --login-link is required: use the link the server prints at start")
		return 2
	}
	if cfg.URL == "" {
		cfg.URL = drill.DefaultURL
		if u, err := url.Parse(cfg.LoginLink); err == nil && u.Host != "" {
			cfg.URL = u.Scheme + "://" + u.Host
		}
	}
	cfg.Progress = stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := drill.Run(ctx, *cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum drill:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.WriteText(stdout)
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
