package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"ersatzraum/server/config"
)

// envPrefix starts the environment variables that set serve's flags.
const envPrefix = "ERSATZRAUM_"

// loadConfig fills the flags that the command line left unset from the
// environment and from --config (or ERSATZRAUM_CONFIG), and applies the
// defaults that depend on other settings.
func loadConfig(fs *flag.FlagSet, cfg *serveConfig) (*config.Result, error) {
	file := cfg.configFile
	if file == "" {
		file = os.Getenv(envPrefix + "CONFIG")
	}
	res, err := config.Apply(fs, config.Options{
		Prefix:  envPrefix,
		Environ: os.Environ(),
		File:    file,
		// ERSATZRAUM_BIN and ERSATZRAUM_E2E_* belong to the browser tests.
		Ignore: []string{envPrefix + "BIN", envPrefix + "E2E_"},
		Skip:   []string{"config"},
	})
	if err != nil {
		return nil, err
	}
	if cfg.tls.domain != "" {
		if !res.IsSet("addr") {
			fs.Set("addr", ":443")
		}
		if !res.IsSet("http-addr") {
			fs.Set("http-addr", ":80")
		}
	}
	return res, nil
}

// printConfig shows the effective configuration at start, secrets masked:
// as lines that could go into a config file (text logs) or as one record
// (JSON logs).
func printConfig(w io.Writer, log *slog.Logger, format string, res *config.Result) {
	settings := res.Effective()
	if format == "json" {
		attrs := make([]any, 0, len(settings))
		for _, s := range settings {
			attrs = append(attrs, slog.String(s.Name, s.Value))
		}
		log.Info("configuration", attrs...)
		return
	}
	fmt.Fprintln(w, "# ersatzraum serve: effective configuration (key = value  # source)")
	for _, s := range settings {
		fmt.Fprintf(w, "%s = %q  # %s\n", s.Name, s.Value, s.Source)
	}
}
