// Package docs holds the check that what the README and the docs cite
// exists: the tests and benchmarks named as proof, the repository's files,
// the make targets, and the environment variables (each one the code reads
// is in the README's table, and each one the table lists is read). Text
// edited over many changes drifts from the code; this keeps the names true.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

// docs are the documents checked, from the repository root.
var docs = []string{"README.md", "docs/architecture.md", "docs/accounts.md", "tag/README.md", "tag/gtm/README.md"}

// notInRepo are paths the docs name that are not in the repository on
// purpose.
var notInRepo = map[string]string{
	"infra/baton.yaml": "the configuration file an operator creates from the example",
}

func read(t *testing.T, root, doc string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goFiles calls f with each Go file of the repository (node_modules left
// out) and its path from the root.
func goFiles(t *testing.T, root string, f func(rel, text string)) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != root) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			f(filepath.ToSlash(rel), string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCitedTestsExist: every Test, Benchmark and Fuzz function the docs
// name as evidence is declared.
func TestCitedTestsExist(t *testing.T) {
	root := repo.Root(t)
	declared := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz)[A-Z]\w*)\(`)
	goFiles(t, root, func(rel, text string) {
		if strings.HasSuffix(rel, "_test.go") {
			for _, m := range decl.FindAllStringSubmatch(text, -1) {
				declared[m[1]] = true
			}
		}
	})
	cited := regexp.MustCompile(`\b(?:Test|Benchmark|Fuzz)[A-Z]\w*`)
	n := 0
	for _, doc := range docs {
		for _, name := range cited.FindAllString(read(t, root, doc), -1) {
			n++
			if !declared[name] {
				t.Errorf("%s names %s, which no _test.go declares", doc, name)
			}
		}
	}
	if n == 0 {
		t.Fatal("no test names found in the docs: the pattern is broken")
	}
}

// TestCitedPathsExist: every repository path the docs give (in backticks,
// or as a link) exists. A backticked token is taken for a path when its
// first segment is an entry at the root (internal/, infra/, tag/ ...); a
// link is resolved against its document's folder.
func TestCitedPathsExist(t *testing.T) {
	root := repo.Root(t)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	top := map[string]bool{}
	for _, e := range entries {
		top[e.Name()] = true
	}
	ticked := regexp.MustCompile("`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*-]+)+/?)`")
	linked := regexp.MustCompile(`\]\(([^)#\s]+)(?:#[^)]*)?\)`)
	exists := func(p string) bool {
		m, _ := filepath.Glob(filepath.Join(root, p))
		return len(m) > 0
	}
	n := 0
	for _, doc := range docs {
		text := read(t, root, doc)
		for _, m := range ticked.FindAllStringSubmatch(text, -1) {
			p := strings.TrimSuffix(m[1], "/")
			if !top[strings.Split(p, "/")[0]] {
				continue
			}
			n++
			if _, ok := notInRepo[p]; !ok && !exists(p) {
				t.Errorf("%s names `%s`, which is not in the repository", doc, m[1])
			}
		}
		for _, m := range linked.FindAllStringSubmatch(text, -1) {
			if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "mailto:") {
				continue
			}
			n++
			if p := filepath.Join(filepath.Dir(doc), m[1]); !exists(p) {
				t.Errorf("%s links to %s, which is not in the repository", doc, m[1])
			}
		}
	}
	if n == 0 {
		t.Fatal("no paths found in the docs: the patterns are broken")
	}
}

// TestMakeTargetsExist: every `make <target>` the docs give is a target of
// the Makefile.
func TestMakeTargetsExist(t *testing.T) {
	root := repo.Root(t)
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z-]*):`).FindAllStringSubmatch(read(t, root, "Makefile"), -1) {
		targets[m[1]] = true
	}
	// In backticks, or a command at the start of a code line.
	used := regexp.MustCompile("(?m)(?:`|^\\s+)make ([a-z][a-z-]*)")
	n := 0
	for _, doc := range docs {
		for _, m := range used.FindAllStringSubmatch(read(t, root, doc), -1) {
			n++
			if !targets[m[1]] {
				t.Errorf("%s gives `make %s`, which the Makefile has no target for", doc, m[1])
			}
		}
	}
	if n == 0 {
		t.Fatal("no make commands found in the docs: the pattern is broken")
	}
}

// TestEnvironmentVariablesDocumented: each BATON_* variable Baton's code
// spells (outside tests and test helpers) is in the README's table of
// variables, and each variable of that table is one the code spells.
func TestEnvironmentVariablesDocumented(t *testing.T) {
	root := repo.Root(t)
	literal := regexp.MustCompile(`"(BATON_[A-Z0-9_]+)"`)
	read := map[string]string{} // variable -> a file spelling it
	goFiles(t, root, func(rel, text string) {
		if strings.HasSuffix(rel, "_test.go") || strings.HasPrefix(rel, "internal/testutil/") {
			return
		}
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			read[m[1]] = rel
		}
	})
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The table's rows: | `BATON_X`, `BATON_Y` | default | meaning |.
	var table []string
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| `BATON_") {
			continue
		}
		first := strings.SplitN(line[1:], "|", 2)[0]
		for _, m := range regexp.MustCompile("`(BATON_[A-Z0-9_]+)`").FindAllStringSubmatch(first, -1) {
			table = append(table, m[1])
		}
	}
	if len(table) == 0 || len(read) == 0 {
		t.Fatalf("found %d variables in the README's table and %d in the code: the patterns are broken", len(table), len(read))
	}
	for v, file := range read {
		if !slices.Contains(table, v) {
			t.Errorf("%s reads %s, which the README's table of environment variables does not list", file, v)
		}
	}
	for _, v := range table {
		if _, ok := read[v]; !ok {
			t.Errorf("the README's table lists %s, which no code reads", v)
		}
	}
}
