// Command check is the pre-deploy check of the configuration file and the
// rules file, with the parsers the functions start with: make build runs
// it before packaging, so a file a function would refuse at start-up on
// AWS (every function, for the configuration file; score, push, feedback,
// sweep and admin for the rules) stops the build instead.
//
//	go run ./infra/check -config infra/baton.yaml -rules infra/rules.yaml
//
// Each problem is printed as file:line: field: message. The rules parser
// (internal/rulebook) reports the first problem of the file with its
// position; the configuration's YAML errors are each reported, and a
// setting the file parses but the functions refuse (the timezone, the
// calendar, form_fields, admin_tokens ...) by the line of its key.
// Settings that need the secrets (an SFA connector's, the webhook's key)
// are checked by the functions only. Exit status: 0 when both files are
// good, 1 when either is not, 2 for a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the configuration file (BATON_CONFIG), e.g. infra/baton.yaml")
	rulesPath := fs.String("rules", "", "the rules file (BATON_RULES), e.g. infra/rules.yaml")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *cfgPath == "" && *rulesPath == "" {
		fmt.Fprintln(stderr, "usage: check -config baton.yaml -rules rules.yaml (either or both)")
		return 2
	}
	var problems, warnings []Problem
	if *cfgPath != "" {
		problems = append(problems, Config(*cfgPath)...)
	}
	if *rulesPath != "" {
		problems = append(problems, Rules(*rulesPath)...)
		warnings = RulesWarnings(*rulesPath)
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	// What the rules file likely got wrong but may mean: said, never a
	// failure (the functions start with it).
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning: "+w.String())
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "check: %d problem(s): fix them before deploying (the functions would refuse to start)\n", len(problems))
		return 1
	}
	fmt.Fprintf(stdout, "check: %s ok\n", strings.Join(nonEmpty(*cfgPath, *rulesPath), " and "))
	return 0
}

// Problem is one thing wrong in a file, where it is.
type Problem struct {
	File  string
	Line  int    // 0: not known
	Field string // the setting, dotted (sla.accept_within, behaviour[0].points)
	Msg   string
}

func (p Problem) String() string {
	at := p.File
	if p.Line > 0 {
		at += ":" + strconv.Itoa(p.Line)
	}
	if p.Field == "" {
		return at + ": " + p.Msg
	}
	return at + ": " + p.Field + ": " + p.Msg
}

// Rules checks a rules file with the functions' parser (rulebook.Parse,
// which rulebook.Load reads the file for), its position and field as the
// parser reports them.
func Rules(path string) []Problem {
	data, err := os.ReadFile(path)
	if err != nil {
		return []Problem{{File: path, Msg: err.Error()}}
	}
	_, err = rulebook.Parse(path, data)
	var pe *rulebook.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return []Problem{{File: path, Line: pe.Line, Field: pe.Field, Msg: pe.Msg}}
	default:
		return []Problem{{File: path, Msg: err.Error()}}
	}
}

// RulesWarnings are the rules file's warnings (rulebook.Rules.Warnings:
// a fit rule's attribute most likely misspelt), none when it is refused.
func RulesWarnings(path string) []Problem {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	r, err := rulebook.Parse(path, data)
	if err != nil {
		return nil
	}
	var out []Problem
	for _, w := range r.Warnings {
		out = append(out, Problem{File: path, Line: w.Line, Field: w.Field, Msg: w.Msg})
	}
	return out
}

// Config checks a configuration file as the functions read it at start-up:
// config.FromEnv's parse (config.ParseFile) and calendar, then what the
// core and admin refuse (form_fields, admin_tokens).
func Config(path string) []Problem {
	data, err := os.ReadFile(path)
	if err != nil {
		return []Problem{{File: path, Msg: err.Error()}}
	}
	lines := fieldLines(data)
	var f config.File
	if err := config.ParseFile(data, &f); err != nil {
		return configProblems(path, err, lines)
	}
	var errs []error
	if _, err := f.Cal(); err != nil {
		errs = append(errs, err)
	}
	if err := identity.CheckFormFields(f.FormFields); err != nil {
		errs = append(errs, err)
	}
	for i, t := range f.AdminTokens {
		if _, err := admin.NewCredential(t.Name, t.SHA256, t.Scopes); err != nil {
			errs = append(errs, fmt.Errorf("admin_tokens[%d]: %w", i, err))
		}
	}
	var out []Problem
	for _, err := range errs {
		out = append(out, configProblems(path, err, lines)...)
	}
	return out
}

var (
	// yaml.v3 names the line: "yaml: line 3: ..." (syntax), and each of
	// a TypeError's "line 4: field x not found in type config.File".
	yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	// The configuration's own errors begin with the setting's path.
	fieldRE = regexp.MustCompile(`^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.*)$`)
)

// configProblems places a configuration error: each line of a YAML error
// by the line it names (the field, the key on that line), a setting's
// error by its key's line.
func configProblems(path string, err error, lines fieldIndex) []Problem {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []Problem
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			field := lines.byLine[n]
			if field == "" {
				field = "(file)" // a syntax error: as the rules parser says it
			}
			out = append(out, Problem{File: path, Line: n, Field: field, Msg: g[2]})
			continue
		}
		if g := fieldRE.FindStringSubmatch(m); g != nil {
			out = append(out, Problem{File: path, Line: lines.line(g[1]), Field: g[1], Msg: g[2]})
			continue
		}
		out = append(out, Problem{File: path, Msg: m})
	}
	return out
}

// fieldIndex is where each setting of a YAML file is: its path's line, and
// the (innermost) path of each line's key.
type fieldIndex struct {
	byPath map[string]int
	byLine map[int]string
}

// line is the line of path, else of the nearest setting above it (0: none).
func (x fieldIndex) line(path string) int {
	for path != "" {
		if n, ok := x.byPath[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func fieldLines(data []byte) fieldIndex {
	x := fieldIndex{byPath: map[string]int{}, byLine: map[int]string{}}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return x // a syntax error names its line itself
	}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				x.byPath[p], x.byLine[k.Line] = k.Line, p
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				x.byPath[p] = c.Line
				if _, ok := x.byLine[c.Line]; !ok {
					x.byLine[c.Line] = p
				}
				walk(c, p)
			}
		}
	}
	walk(&doc, "")
	return x
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
