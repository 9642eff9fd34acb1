// Package ownership checks who owns what in the one table: every kind of
// item's keys are built and decoded by exactly one package (its owner),
// which exposes what others need. The owner table below is the single
// source of truth; README's storage table must say the same.
package ownership

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

// kind is one kind of item: its partition-key prefix, its sort-key prefix
// ("" when the partition holds one kind) and the package that owns it.
type kind struct {
	pk, sk, owner string
}

const (
	eventlog = "internal/eventlog"
	identity = "internal/identity"
	qualify  = "internal/qualify"
	push     = "internal/push"
	click    = "internal/click"
	links    = "internal/links"
	privacy  = "internal/privacy"
	session  = "internal/session"
	queue    = "internal/queue"
	account  = "internal/account"
	sla      = "internal/sla"
	audit    = "internal/audit"
	dlq      = "internal/deadletter"
	feedback = "internal/feedback"
	repnames = "internal/repnames"
	reports  = "internal/reports"
)

// kinds is who owns what.
var kinds = []kind{
	{"V#", "E#", eventlog},     // events
	{"V#", "A#", eventlog},     // aliases
	{"V#", "LINK", identity},   // the visitor's link to people (in eventlog's partition, via eventlog.VisitorPK)
	{"P#", "PERSON", identity}, // the person
	{"P#", "V#", identity},     // the person's visitors (the SK is eventlog.VisitorPK)
	{"P#", "SCORE", qualify},   // score record
	{"P#", "L#", qualify},      // ledger
	{"P#", "H#", qualify},      // stage history
	{"P#", "MQL#", qualify},    // MQLs
	{"P#", "FB#", qualify},     // sales outcomes applied
	{"P#", "SLA#", sla},        // SLA breaches announced
	{"P#", "DEAL#", qualify},   // deals sales reported (amount, currency, close date)
	{"P#", "ATT#", qualify},    // the attendance last told to the SFAs of an MQL's touch (a no-show)
	{"P#", "DLV#", push},       // deliveries
	{"P#", "KTCHG#", feedback}, // when kintone first showed a status other than Baton's write of an MQL left
	{"P#", "C#", click},        // recent clicks
	{"P#", "CE#", click},       // where a click or open naming the person is stored
	{"EMAIL#", "EMAIL", identity},
	{"EMAIL#", "SEEN#", identity}, // where an event that named the email and identified nobody is (erasure)
	{"TOMB#", "TOMB", privacy},
	{"SESS#", "SESS", session},
	{"JOB#", "", qualify},   // rescore jobs and their lists of people
	{"CLICKDUE", "", click}, // clicks waiting for their visit's verdict
	{"CAMPEV#", "", click},  // a campaign's clicks and opens (its report)
	{"NOTOKEN#", "", click}, // a campaign's clicks that came without a recipient token (counts, no one's)
	{"MQLS", "", qualify},
	{"AGG#", "", qualify},
	{"SCORED#", "", qualify},   // the index of scored people (reports)
	{"RANKING", "", qualify},   // the people list's order, kept by the sweep
	{"DASHBOARD", "", reports}, // the dashboard's figures, kept by the sweep
	{"LINK#", "LINK", links},
	{"CAMP#", "CAMP", links},
	{"CAMP#", "L#", links},
	{"CAMP#", "RCPT#", links},   // a send's recipient, by a keyed hash of the address (counted once)
	{"CAMP#", "RCPTKEY", links}, // the campaign's key of those hashes
	{"CAMPS", "", links},        // the campaigns' list (a copy of each)
	{"EXT#", "EXT", push},
	{"INBOX", "", push},
	{"INBOX", "#MOVED#", push},     // where a form moved an MQL's lead (item kind inboxmoved)
	{"Q#", "", queue},              // ready index, dead letters
	{"Q#", "M#", queue},            // messages
	{"ACCTS", "", account},         // accounts
	{"ACCTKEY#", "KEY", account},   // grouping keys
	{"ACCTKEY#", "ALSO#", account}, // a domain's account a names-only account's name turned away
	{"P#", "ACCTOF", account},      // the person's account
	{"ACCT#", "MQA#", account},     // MQAs
	{"ACCT#", "DLV#", push},        // MQA deliveries (the SK is push's, the partition account.PK)
	{"ACCTGONE#", "GONE", account}, // an erased browser: late changes of its events are no account visits
	{"AUDIT", "", audit},           // the admin API's audit trail
	{"DLQLEASE", "", dlq},          // the SQS dead-letter queues' readers take turns by it
	{"SFAFORGET#", "", push},       // connectors that took a lead during its person's erasure and have not heard TellForget
	{"MQLDELIVERED", "", push},     // MQLs by their first delivery's time (the SLA sweep and report)
	{"REPNAME", "", repnames},      // the names learned for the SFAs' owner ids (reports)
	{"CONNSINCE", "", push},        // when each connector was first seen configured (lost relays)
	{"SLAOWNER", "", sla},          // the owner each SLA breach named (the SLA and reps reports)
}

// itemKinds are item kinds (table.Item.Kind) that share keys with another
// kind of their owner's, told apart by the kind alone: every reader must
// ask the owner what an item is (eventlog.Tombstone), so the kind's
// literal is spelled by its owner only, and README's storage table names
// it (in its row's item cell, backquoted).
var itemKinds = map[string]string{
	"eventtomb": eventlog, // an erased event's or alias's tombstone, at the event's or alias's key
}

// partitionOwner is the owner of each partition-key prefix: the package
// that builds and decodes the partition's key (others use its function).
var partitionOwner = map[string]string{
	"V#": eventlog, "P#": identity, "EMAIL#": identity, "TOMB#": privacy, "SESS#": session, "JOB#": qualify, "CLICKDUE": click, "CAMPEV#": click, "NOTOKEN#": click,
	"MQLS": qualify, "AGG#": qualify, "SCORED#": qualify, "RANKING": qualify, "DASHBOARD": reports, "LINK#": links, "CAMP#": links, "CAMPS": links, "EXT#": push, "INBOX": push, "Q#": queue,
	"ACCTS": account, "ACCTKEY#": account, "ACCT#": account, "ACCTGONE#": account, "AUDIT": audit, "DLQLEASE": dlq, "SFAFORGET#": push,
	"REPNAME": repnames, "MQLDELIVERED": push, "CONNSINCE": push, "SLAOWNER": sla,
}

// plainSK are sort keys that are whole words shared with ordinary text
// (LINK, PERSON, ...): too common to find by literal, checked through
// README only.
var plainSK = map[string]bool{"LINK": true, "PERSON": true, "EMAIL": true, "TOMB": true, "SESS": true, "CAMP": true, "EXT": true, "KEY": true}

// allowed maps each key prefix searched for in literals to the packages
// that may spell it.
func allowed() map[string][]string {
	out := map[string][]string{}
	add := func(p, owner string) {
		if !slices.Contains(out[p], owner) {
			out[p] = append(out[p], owner)
		}
	}
	for p, o := range partitionOwner {
		add(p, o)
	}
	for _, k := range kinds {
		if k.sk != "" && !plainSK[k.sk] && partitionOwner[k.sk] == "" {
			add(k.sk, k.owner)
		}
	}
	return out
}

// matches reports whether the literal s spells prefix p: it starts with it,
// and a prefix that is a word (SCORE, MQLS, INBOX) is not part of a longer one.
func matches(s, p string) bool {
	if !strings.HasPrefix(s, p) {
		return false
	}
	if strings.HasSuffix(p, "#") || len(s) == len(p) {
		return true
	}
	c := s[len(p)]
	return !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_')
}

// keyLike is what a key prefix looks like: capitals then '#'.
var keyLike = regexp.MustCompile(`^[A-Z]{1,8}#`)

// sources lists the non-test Go files under internal/, functions/ and
// infra/, and the package directory of each. Test-support packages (files
// importing "testing", such as the store conformance suite with its
// made-up keys) are tests and are left out.
func sources(t *testing.T, fset *token.FileSet, root string) map[string]*ast.File {
	t.Helper()
	out := map[string]*ast.File{}
	for _, dir := range []string{"internal", "functions", "infra"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, im := range f.Imports {
				if im.Path.Value == `"testing"` {
					return nil
				}
			}
			rel, _ := filepath.Rel(root, path)
			out[filepath.ToSlash(rel)] = f
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestKeysOnlyInTheirOwner fails naming file:line where a literal of a key
// prefix appears outside the package that owns it, and on a literal that
// looks like a key prefix no owner is known for.
func TestKeysOnlyInTheirOwner(t *testing.T) {
	root := repo.Root(t)
	perm := allowed()
	prefixes := make([]string, 0, len(perm))
	for p := range perm {
		prefixes = append(prefixes, p)
	}
	// Longest first: "CE#" is not "C#", "MQL#" not "MQLS".
	slices.SortFunc(prefixes, func(a, b string) int { return len(b) - len(a) })
	fset := token.NewFileSet()
	files := sources(t, fset, root)
	if len(files) < 50 {
		t.Fatalf("only %d source files found under %s", len(files), root)
	}
	for _, rel := range slices.Sorted(mapKeys(files)) {
		pkg := filepath.ToSlash(filepath.Dir(rel))
		ast.Inspect(files[rel], func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			pos := fset.Position(lit.Pos())
			where := fmt.Sprintf("%s:%d", rel, pos.Line)
			if owner, ok := itemKinds[s]; ok && owner != pkg {
				t.Errorf("%s: %q spells the item kind owned by %s: use the owner's API", where, s, owner)
			}
			for _, p := range prefixes {
				if matches(s, p) {
					if !slices.Contains(perm[p], pkg) {
						t.Errorf("%s: %q spells the key prefix %s, owned by %s: use the owner's API", where, s, p, strings.Join(perm[p], ", "))
					}
					return true
				}
			}
			if keyLike.MatchString(s) {
				t.Errorf("%s: %q looks like a key prefix no owner is known for: add its kind to the owner table (internal/ownership) and README's storage table", where, s)
			}
			return true
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// row is a row of README's storage table.
type row struct {
	line     int
	item     string
	pks, sks []string // the backquoted keys, each up to its first '<'
	owner    string
}

var backquoted = regexp.MustCompile("`([^`]*)`")

func keys(cell string) []string {
	var out []string
	for _, m := range backquoted.FindAllStringSubmatch(cell, -1) {
		k, _, _ := strings.Cut(m[1], "<")
		out = append(out, k)
	}
	return out
}

// readmeRows reads README's storage table.
func readmeRows(t *testing.T, root string) []row {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []row
	in, header, n := false, false, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Storage"
			header = false
			continue
		case !in || !strings.HasPrefix(line, "|"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !header {
			header = true
			if len(cells) < 4 || cells[3] != "owner" {
				t.Fatalf("README.md:%d: the storage table has no owner column (item | PK | SK | owner): %s", n, line)
			}
			continue
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		r := row{line: n, item: cells[0]}
		if len(cells) > 1 {
			r.pks = keys(cells[1])
		}
		if len(cells) > 2 {
			r.sks = keys(cells[2])
		}
		if len(cells) > 3 {
			r.owner = strings.Trim(cells[3], "`")
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatal("README.md: no storage table under ## Storage")
	}
	return rows
}

// TestREADMENamesTheOwners compares README's storage table with the owner
// table: every row names its owner, the owner the table gives its keys,
// and every kind of the table is in README.
func TestREADMENamesTheOwners(t *testing.T) {
	rows := readmeRows(t, repo.Root(t))
	seen := map[kind]bool{}
	for i := range rows {
		r := &rows[i]
		where := fmt.Sprintf("README.md:%d (%s)", r.line, r.item)
		if r.owner == "" {
			t.Errorf("%s: no owner", where)
			continue
		}
		owners := map[string]bool{}
		for _, k := range kinds {
			if !slices.ContainsFunc(r.pks, func(pk string) bool { return strings.HasPrefix(pk, k.pk) }) {
				continue
			}
			if k.sk != "" && !slices.ContainsFunc(r.sks, func(sk string) bool { return strings.HasPrefix(sk, k.sk) }) {
				continue
			}
			seen[k] = true
			owners[k.owner] = true
		}
		switch {
		case len(owners) == 0:
			t.Errorf("%s: keys %v %v are no kind of the owner table (internal/ownership): add it there", where, r.pks, r.sks)
		case len(owners) > 1:
			t.Errorf("%s: keys %v %v match kinds of several owners %v", where, r.pks, r.sks, slices.Sorted(mapKeys(owners)))
		case !owners[r.owner]:
			t.Errorf("%s: README names %s as the owner; the owner table says %v", where, r.owner, slices.Sorted(mapKeys(owners)))
		}
	}
	for _, k := range kinds {
		if !seen[k] {
			t.Errorf("the kind PK %s SK %q (owner %s) is missing from README's storage table", k.pk, k.sk, k.owner)
		}
	}
	for kind, owner := range itemKinds {
		named := false
		for _, r := range rows {
			if strings.Contains(r.item, "`"+kind+"`") {
				named = true
				if r.owner != owner {
					t.Errorf("README.md:%d: the item kind %s is owned by %s, README says %s", r.line, kind, owner, r.owner)
				}
			}
		}
		if !named {
			t.Errorf("the item kind %s (owner %s) is named by no row of README's storage table", kind, owner)
		}
	}
}
