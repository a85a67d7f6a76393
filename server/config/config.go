// Package config lets every flag of a command also come from an environment
// variable and from a configuration file, so that an admin can run the same
// binary from a shell, a systemd unit or a container without a wrapper.
//
// It works on any *flag.FlagSet: for a flag named "turn-addr" the variable
// is PREFIX+"TURN_ADDR" (ERSATZRAUM_TURN_ADDR) and the file key is
// "turn-addr" (or "turn_addr"). Precedence is command line > environment >
// file > the flag's default. A file is plain "key = value" lines; "#" starts
// a comment, values may be double-quoted. Unknown keys and unknown prefixed
// variables are errors that name the key, because a misspelt setting that is
// silently ignored is worse than a server that does not start.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Source tells where a flag's effective value came from.
type Source string

// The sources, strongest first.
const (
	FromFlag    Source = "flag"
	FromEnv     Source = "env"
	FromFile    Source = "file"
	FromDefault Source = "default"
)

// Options configure Apply.
type Options struct {
	// Prefix of the environment variables, e.g. "ERSATZRAUM_".
	Prefix string
	// Environ is the environment as os.Environ returns it.
	Environ []string
	// File is the configuration file to read; empty for none.
	File string
	// Ignore lists prefixed variables that belong to something else (a
	// test harness, another subcommand); a name ending in "_" ignores every
	// variable that starts with it.
	Ignore []string
	// Skip names flags that neither the environment nor the file may set
	// (the flag that names the file itself).
	Skip []string
}

// Result records where every flag's value came from.
type Result struct {
	fs      *flag.FlagSet
	sources map[string]Source
}

// EnvName returns the variable that sets flag name.
func EnvName(prefix, name string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Apply sets every flag of fs that the command line did not set from the
// environment or, failing that, from the file. Call it after fs.Parse.
func Apply(fs *flag.FlagSet, o Options) (*Result, error) {
	res := &Result{fs: fs, sources: map[string]Source{}}
	fs.Visit(func(f *flag.Flag) { res.sources[f.Name] = FromFlag })
	skip := map[string]bool{}
	for _, s := range o.Skip {
		skip[s] = true
	}

	env := map[string]string{}
	byEnv := map[string]string{} // variable -> flag name
	fs.VisitAll(func(f *flag.Flag) {
		if !skip[f.Name] {
			byEnv[EnvName(o.Prefix, f.Name)] = f.Name
		}
	})
	if o.Prefix != "" {
		for _, kv := range o.Environ {
			k, v, _ := strings.Cut(kv, "=")
			if !strings.HasPrefix(k, o.Prefix) || ignored(k, o.Ignore) {
				continue
			}
			name, ok := byEnv[k]
			if !ok {
				if skip[strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, o.Prefix), "_", "-"))] {
					continue
				}
				return nil, fmt.Errorf("environment variable %s: no such setting (see --help)", k)
			}
			env[name] = v
		}
	}

	var file map[string]string
	if o.File != "" {
		var err error
		if file, err = ReadFile(o.File); err != nil {
			return nil, err
		}
		for key := range file {
			if fs.Lookup(key) == nil || skip[key] {
				return nil, fmt.Errorf("config file %s: unknown setting %q (see --help)", o.File, key)
			}
		}
	}

	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if res.sources[f.Name] == FromFlag || skip[f.Name] {
			return
		}
		if v, ok := env[f.Name]; ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", EnvName(o.Prefix, f.Name), v, err))
			}
			res.sources[f.Name] = FromEnv
			return
		}
		if v, ok := file[f.Name]; ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("config file %s: %s = %q: %v", o.File, f.Name, v, err))
			}
			res.sources[f.Name] = FromFile
		}
	})
	return res, errors.Join(errs...)
}

func ignored(name string, list []string) bool {
	for _, i := range list {
		if name == i || (strings.HasSuffix(i, "_") && strings.HasPrefix(name, i)) {
			return true
		}
	}
	return false
}

// ReadFile reads a configuration file: "key = value" lines, "#" comments,
// blank lines; values may be double-quoted (Go string syntax). Keys may use
// "_" for "-". A key given twice is an error.
func ReadFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("config file %s line %d: want key = value, got %q", path, n, line)
		}
		k = strings.ReplaceAll(strings.TrimSpace(k), "_", "-")
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, `"`) {
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				return nil, fmt.Errorf("config file %s line %d: unterminated quote in %s", path, n, k)
			}
			rest := strings.TrimSpace(v[len(q):])
			if rest != "" && rest[0] != '#' {
				return nil, fmt.Errorf("config file %s line %d: text after the quoted value of %s", path, n, k)
			}
			v, _ = strconv.Unquote(q)
		} else if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		if k == "" {
			return nil, fmt.Errorf("config file %s line %d: empty key", path, n)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("config file %s line %d: %s is set twice", path, n, k)
		}
		out[k] = v
	}
	return out, sc.Err()
}

// Source returns where flag name's value came from.
func (r *Result) Source(name string) Source {
	if s, ok := r.sources[name]; ok {
		return s
	}
	return FromDefault
}

// IsSet reports whether flag name was set anywhere (not left at its default).
func (r *Result) IsSet(name string) bool { return r.Source(name) != FromDefault }

// Setting is one line of the effective configuration.
type Setting struct {
	Name   string
	Value  string // "***" for secrets and for the password in a URL
	Source Source
}

// Effective lists every flag with its value, secrets masked, by name. A
// value that is a URL with a password (a database's) keeps everything
// but the password.
func (r *Result) Effective() []Setting {
	var out []Setting
	r.fs.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		if IsSecret(f.Name) && v != "" {
			v = "***"
		}
		v = MaskURLPassword(v)
		out = append(out, Setting{Name: f.Name, Value: v, Source: r.Source(f.Name)})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IsSecret reports whether a flag's value must not be printed: its name
// contains "secret", "password", "token" or "key", unless the flag names a
// file (ends in "-file", "-dir" or "-path", or is a TLS key file): paths
// are not secrets, their contents are.
func IsSecret(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"-file", "-dir", "-path"} {
		if strings.HasSuffix(n, s) {
			return false
		}
	}
	if n == "tls-key" {
		return false
	}
	for _, w := range []string{"secret", "password", "token", "key"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// MaskURLPassword replaces the password of a URL (in its user part, or as
// a password= parameter, as PostgreSQL's URLs may carry it) with "***";
// any other value comes back as it is.
func MaskURLPassword(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return v
	}
	changed := false
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
		changed = true
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "***")
		u.RawQuery = q.Encode()
		changed = true
	}
	if !changed {
		return v
	}
	// String would escape the stars.
	return strings.Replace(u.String(), "%2A%2A%2A", "***", -1)
}
