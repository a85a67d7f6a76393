package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"ersatzraum/server/accounts"
	"ersatzraum/server/datadir"
	"ersatzraum/server/storage"
)

const teacherUsage = `Usage:
  ersatzraum teacher add NAME [--admin] [--qr]   create a teacher account and print a one-time login link
  ersatzraum teacher list                        list the teacher accounts
  ersatzraum teacher remove NAME                 delete a teacher with their sessions, classes and lessons
  ersatzraum teacher reset NAME [--qr]           remove the password, end all sessions and links, print a new link

The link signs the teacher in once (valid 7 days); then they set a password
for later logins. Works while the server runs. A server on PostgreSQL
needs the same --postgres URL here (or ERSATZRAUM_POSTGRES).

Flags (all subcommands):
`

type teacherConfig struct {
	data      string
	postgres  string
	publicURL string
	admin     bool
	qr        bool
}

func teacherFlags(sub string, stderr io.Writer) (*flag.FlagSet, *teacherConfig) {
	cfg := &teacherConfig{}
	fs := flag.NewFlagSet("teacher "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.data, "data", "./data", "`DIR` of the server's database")
	// The environment's URL is applied after parsing, not as the
	// default: --help would print it, password and all.
	fs.StringVar(&cfg.postgres, "postgres", "", "`URL` of the server's PostgreSQL database, as given to serve (default $"+postgresEnv+")")
	fs.StringVar(&cfg.publicURL, "public-url", "http://localhost:8080", "`URL` under which teachers reach the server, for the printed link")
	if sub == "add" || sub == "reset" || sub == "" {
		fs.BoolVar(&cfg.qr, "qr", false, "also print the link as a QR code")
	}
	if sub == "add" || sub == "" {
		fs.BoolVar(&cfg.admin, "admin", false, "make the teacher an admin")
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, teacherUsage)
		fs.PrintDefaults()
	}
	return fs, cfg
}

// parseInterspersed parses flags before and after the positional
// arguments ("add 'Frau Müller' --qr" as well as "add --qr 'Frau Müller'").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func teacherCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fs, _ := teacherFlags("", stderr)
		if len(args) == 0 {
			fs.Usage()
			return 2
		}
		fs.SetOutput(stdout)
		fmt.Fprint(stdout, teacherUsage)
		fs.PrintDefaults()
		return 0
	}
	sub := args[0]
	wantNames := map[string]int{"add": 1, "list": 0, "remove": 1, "reset": 1}
	n, ok := wantNames[sub]
	if !ok {
		fmt.Fprintf(stderr, "ersatzraum teacher: unknown subcommand %q\n\n", sub)
		fs, _ := teacherFlags("", stderr)
		fs.Usage()
		return 2
	}
	fs, cfg := teacherFlags(sub, stderr)
	pos, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) != n {
		if n == 1 {
			fmt.Fprintf(stderr, "ersatzraum teacher %s: give exactly one NAME (in quotes if it has spaces)\n", sub)
		} else {
			fmt.Fprintf(stderr, "ersatzraum teacher %s: takes no arguments\n", sub)
		}
		return 2
	}
	if u, err := url.Parse(cfg.publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "ersatzraum teacher: --public-url %q is not a URL like https://ersatzraum.schule.example\n", cfg.publicURL)
		return 2
	}
	if cfg.postgres == "" {
		cfg.postgres = postgresFromEnv()
	}
	if err := checkPostgresURL(cfg.postgres); err != nil {
		fmt.Fprintln(stderr, "ersatzraum teacher:", err)
		return 2
	}
	if sub != "add" && cfg.postgres == "" && !datadir.UsesPostgres(cfg.data) {
		// Do not create an empty database by mistyping --data.
		if _, err := os.Stat(filepath.Join(cfg.data, "ersatzraum.db")); err != nil {
			fmt.Fprintf(stderr, "ersatzraum teacher %s: no database in %s (give the server's --data DIR)\n", sub, cfg.data)
			return 1
		}
	}
	ctx := context.Background()
	db, err := openStore(ctx, cfg.data, cfg.postgres)
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum teacher:", err)
		return 1
	}
	defer db.Close()
	svc := &accounts.Service{Store: db}
	t := &teacherCLI{svc: svc, db: db, cfg: cfg, out: stdout}
	switch sub {
	case "add":
		err = t.add(ctx, pos[0])
	case "list":
		err = t.list(ctx)
	case "remove":
		err = t.remove(ctx, pos[0])
	case "reset":
		err = t.reset(ctx, pos[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "ersatzraum teacher %s: %s\n", sub, teacherErrorText(err))
		return 1
	}
	return 0
}

func teacherErrorText(err error) string {
	switch {
	case errors.Is(err, accounts.ErrTeacherExists):
		return "Es gibt schon eine Lehrkraft mit diesem Namen."
	case errors.Is(err, accounts.ErrNoTeacher):
		return "Keine Lehrkraft mit diesem Namen (ersatzraum teacher list zeigt alle)."
	case errors.Is(err, accounts.ErrBadName):
		return "Der Name braucht 1 bis 60 druckbare Zeichen."
	}
	return err.Error()
}

type teacherCLI struct {
	svc *accounts.Service
	db  *storage.DB
	cfg *teacherConfig
	out io.Writer
}

func (t *teacherCLI) add(ctx context.Context, name string) error {
	tch, token, err := t.svc.CreateTeacher(ctx, name, t.cfg.admin)
	if err != nil {
		return err
	}
	role := "Lehrkraft"
	if tch.Admin {
		role = "Lehrkraft mit Admin-Rechten"
	}
	fmt.Fprintf(t.out, "%s %q angelegt.\n", role, tch.Name)
	return t.printLink(tch.Name, token)
}

func (t *teacherCLI) reset(ctx context.Context, name string) error {
	tch, token, err := t.svc.ResetTeacher(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(t.out, "%q zurückgesetzt: Passwort gelöscht, alle Anmeldungen und alten Links ungültig.\n", tch.Name)
	return t.printLink(tch.Name, token)
}

func (t *teacherCLI) remove(ctx context.Context, name string) error {
	tch, err := t.svc.RemoveTeacher(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(t.out, "%q entfernt, mit allen Anmeldungen, Anmeldelinks, Klassen und Stunden.\n", tch.Name)
	return nil
}

func (t *teacherCLI) list(ctx context.Context) error {
	all, err := t.db.Teachers(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintln(t.out, "Noch keine Lehrkräfte. Anlegen mit: ersatzraum teacher add NAME")
		return nil
	}
	sessions, err := t.db.ActiveSessions(ctx, time.Now())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(t.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tADMIN\tPASSWORT\tANGELEGT\tSITZUNGEN")
	for _, tch := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", tch.Name, yesNo(tch.Admin), yesNo(tch.HasPassword),
			tch.CreatedAt.Local().Format("02.01.2006 15:04"), sessions[tch.ID])
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "ja"
	}
	return "nein"
}

func (t *teacherCLI) printLink(name, token string) error {
	link := loginLink(t.cfg.publicURL, token)
	fmt.Fprintf(t.out, "Anmeldelink für %s (einmalig, 7 Tage gültig):\n  %s\n", name, link)
	if t.cfg.qr {
		q, err := qrcode.New(link, qrcode.Medium)
		if err != nil {
			return err
		}
		fmt.Fprintln(t.out)
		fmt.Fprint(t.out, q.ToSmallString(false))
	}
	return nil
}

// loginLink is the one-time link a teacher opens.
func loginLink(public, token string) string {
	return strings.TrimRight(public, "/") + "/login?token=" + token
}

// passwordNote is the line serve adds under the demo teacher's link once
// that teacher has a password.
func passwordNote(t storage.Teacher) string {
	if !t.HasPassword {
		return ""
	}
	return fmt.Sprintf("%s hat ein Passwort und kann sich auch auf der Startseite mit Name und Passwort anmelden.\n", t.Name)
}
