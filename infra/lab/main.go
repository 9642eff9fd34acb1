// Command lab is the MQL definition lab for pull-request CI: it simulates a
// candidate rules file against stored history (nothing is written), prints
// what would change against the rules in force, and exits 1 when the MQL
// count moves by more than -max-change.
//
//	go run ./infra/lab -rules candidate.yaml -data .baton -max-change 10%
//	BATON_STORE=dynamodb BATON_TABLE=baton go run ./infra/lab -rules candidate.yaml -max-change 10%
//
// The rules in force are -current (default $BATON_RULES, else
// infra/rules.yaml); days, months and weeks are -timezone's (default the
// timezone of the configuration file $BATON_CONFIG, else UTC). The embedded store (-data, the local stack's data
// directory) must not be open elsewhere: stop the stack or copy the
// directory. Without -data, the DynamoDB table of BATON_TABLE is read with
// the environment's AWS credentials (BATON_DYNAMODB_ENDPOINT for a local
// one); read access is enough. Exit status: 0 within the bound, 1 beyond
// it, 2 for a bad rules file or a usage or storage error. -limit (default
// 50; 0: all) bounds each list of people who would become or stop being
// MQLs to its earliest; the counts are of them all.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, clock.Now, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rules := fs.String("rules", "", "the candidate rules file (required)")
	current := fs.String("current", "", "the rules file in force (default $BATON_RULES, else infra/rules.yaml)")
	data := fs.String("data", "", "the embedded store's data directory (default: DynamoDB, BATON_TABLE)")
	maxChange := fs.String("max-change", "10%", "largest accepted change of the MQL count, e.g. 10% or 0.1")
	tz := fs.String("timezone", "", "IANA zone of days (daily caps), months and weeks (default: BATON_CONFIG's timezone, else UTC)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	limit := fs.Int("limit", 50, "list at most this many people of each group that would become or stop being MQLs, the earliest (0: all); the counts are of them all")
	allowUnmatched := fs.Bool("allow-unmatched", false, "accept a candidate whose new or changed behaviour rule matches no event of the history, or fit rule nobody")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	}
	if *rules == "" {
		return fail(errors.New("-rules is required"))
	}
	if *limit < 0 {
		return fail(fmt.Errorf("-limit %d: want 0 (list all) or more", *limit))
	}
	bound, err := lab.ParseShare(*maxChange)
	if err != nil {
		return fail(fmt.Errorf("-max-change: %w", err))
	}
	zone, retention, err := configured(getenv)
	if err != nil {
		return fail(err)
	}
	if *tz == "" {
		// The configured zone, as live scoring and the workspace's lab
		// count days in: in UTC a Japanese team's daily caps and months
		// were cut at 09:00 Tokyo time, and the check disagreed with both.
		*tz = zone
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fail(fmt.Errorf("-timezone: %w", err))
	}
	if *current == "" {
		*current = getenv("BATON_RULES")
	}
	if *current == "" {
		*current = filepath.Join("infra", "rules.yaml")
	}
	inForce, text, err := load(*current)
	if err != nil {
		return fail(err)
	}
	cand, _, err := load(*rules)
	if err != nil {
		return fail(err) // rulebook's file:line: field: problem
	}
	// What the candidate likely got wrong but may mean (a fit rule's
	// attribute a typo away from one Baton names): said, never a failure.
	for _, w := range cand.Warnings {
		fmt.Fprintln(stderr, "lab: warning: "+w.String())
	}
	t, err := open(ctx, *data, getenv, now)
	if err != nil {
		return fail(err)
	}
	defer t.Close()
	l := lab.New(t, inForce, text, filepath.Base(*current), loc, now)
	l.Retention = retention // a window reaching back past it is said (completeFrom)
	rep, err := l.Simulate(ctx, cand, lab.Options{List: *limit})
	if err != nil {
		return fail(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	code := 0
	if rep.Exceeds(bound) {
		fmt.Fprintf(stderr, "lab: the MQL count moves %s (%d -> %d), beyond the %.1f%% allowed (-max-change)\n", rep.ChangeText(), rep.Current.MQLs, rep.Candidate.MQLs, bound*100)
		code = 1
	} else {
		fmt.Fprintf(stderr, "lab: the MQL count moves %s (%d -> %d), within %.1f%%\n", rep.ChangeText(), rep.Current.MQLs, rep.Candidate.MQLs, bound*100)
	}
	if dead := unmatched(rep.Matches()); len(dead) > 0 && !*allowUnmatched {
		// A URL glob with a typo (/pricng) moves no MQL count, so the bound
		// alone let it through: its points were simply never given.
		fmt.Fprintf(stderr, "lab: %s matched no event of the history where the rules in force match some or do not have it (a typo in a URL or name?); -allow-unmatched accepts it (a page not yet published)\n", strings.Join(dead, ", "))
		code = 1
	}
	if dead := unmatchedFit(rep.FitMatches()); len(dead) > 0 && !*allowUnmatched {
		// A fit rule on an attribute no form fills, or with values no one
		// gave, moves no MQL count either.
		fmt.Fprintf(stderr, "lab: fit rule %s matched nobody of the people replayed where the rules in force match some or do not have it (an attribute no form fills, or values no one gave?); -allow-unmatched accepts it\n", strings.Join(dead, ", "))
		code = 1
	}
	return code
}

// unmatchedFit is unmatched for the fit rules: the candidate's that match
// nobody where the rules in force have no such rule or theirs matched
// someone.
func unmatchedFit(ms []lab.FitMatch) []string {
	var out []string
	for _, m := range ms {
		if m.InCandidate && m.Candidate == 0 && (!m.InForce || m.Current > 0) {
			out = append(out, m.Rule)
		}
	}
	return out
}

// unmatched names the candidate's behaviour rules that match no event
// where the rules in force have no such rule or theirs matched some: what
// the candidate adds or changes that would never give a point. A rule
// matching nothing in both is printed, not refused: the change did not
// make it so.
func unmatched(ms []lab.RuleMatch) []string {
	var out []string
	for _, m := range ms {
		if m.InCandidate && m.Candidate == 0 && (!m.InForce || m.Current > 0) {
			out = append(out, m.Rule)
		}
	}
	return out
}

// defaultRetention is config's default event_retention.
const defaultRetention = 400 * 24 * time.Hour

// configured is the timezone and event_retention of the configuration
// file BATON_CONFIG names (UTC and 400 days without one),
// BATON_EVENT_RETENTION overriding the retention as it does the server's.
func configured(getenv func(string) string) (string, time.Duration, error) {
	zone, retention := "UTC", defaultRetention
	if path := getenv("BATON_CONFIG"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", 0, fmt.Errorf("BATON_CONFIG: %w", err)
		}
		var f config.File
		if err := config.ParseFile(data, &f); err != nil {
			return "", 0, fmt.Errorf("BATON_CONFIG: %s: %w", path, err)
		}
		zone = cmp.Or(f.Timezone, "UTC")
		if f.EventRetention > 0 {
			retention = time.Duration(f.EventRetention)
		}
	}
	if v := getenv("BATON_EVENT_RETENTION"); v != "" {
		d, err := config.ParseDuration(v)
		if err != nil || d < time.Hour {
			return "", 0, fmt.Errorf("BATON_EVENT_RETENTION: %q: want a duration of at least 1h, e.g. 400d", v)
		}
		retention = d
	}
	return zone, retention, nil
}

func load(p string) (*rulebook.Rules, []byte, error) {
	text, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, err
	}
	r, err := lab.Parse(filepath.Base(p), text)
	return r, text, err
}

// open opens the store read for the simulation: the embedded store of a
// data directory (it must exist), or the DynamoDB table.
func open(ctx context.Context, dir string, getenv func(string) string, now func() time.Time) (table.Table, error) {
	if dir != "" {
		p := filepath.Join(dir, "baton.db")
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("-data: no store at %s: %w", p, err)
		}
		t, err := bolttable.Open(p, bolttable.WithClock(now)) // expiry judged by the run's clock
		if err != nil {
			return nil, fmt.Errorf("-data: %w (is the local stack running on it? stop it or copy the directory)", err)
		}
		return t, nil
	}
	if getenv("BATON_STORE") != "dynamodb" || getenv("BATON_TABLE") == "" {
		return nil, errors.New("give -data <the local stack's data directory>, or BATON_STORE=dynamodb and BATON_TABLE")
	}
	return dynamotable.NewFromEnv(ctx, getenv("BATON_TABLE"), getenv("BATON_DYNAMODB_ENDPOINT"), now)
}
