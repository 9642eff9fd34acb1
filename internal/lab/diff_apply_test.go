package lab

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@`)

// applyUnified applies a unified diff of one file to text as patch and
// git apply read one: lines before the --- header are ignored; in a hunk,
// every line is context (" "), removed ("-"), added ("+") or "\ No
// newline at end of file", the counts of its header hold, and its context
// and removed lines are the file's, ends included.
func applyUnified(t *testing.T, text, d string) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	dl := strings.SplitAfter(d, "\n")
	i := 0
	for i < len(dl) && !strings.HasPrefix(dl[i], "--- ") {
		i++
	}
	if i+1 >= len(dl) || !strings.HasPrefix(dl[i+1], "+++ ") {
		t.Fatalf("no ---/+++ header:\n%s", d)
	}
	i += 2
	var out []string
	next := 1 // the file's next line not yet copied
	for i < len(dl) && dl[i] != "" {
		h := dl[i]
		m := hunkHeader.FindStringSubmatch(h)
		if m == nil {
			t.Fatalf("line %d of the diff is no hunk header: %q", i+1, h)
		}
		count := func(s string) int { // omitted: one line
			if s == "" {
				return 1
			}
			n, _ := strconv.Atoi(s[1:])
			return n
		}
		os, _ := strconv.Atoi(m[1])
		on, nn := count(m[2]), count(m[4])
		out = append(out, lines[next-1:os-1]...)
		next = os
		i++
		old, nw := 0, 0
		for old < on || nw < nn {
			if i >= len(dl) {
				t.Fatalf("hunk %q ends early", h)
			}
			l := dl[i]
			i++
			if strings.HasPrefix(l, `\ No newline at end of file`) {
				continue
			}
			body := l[1:]
			if i < len(dl) && strings.HasPrefix(dl[i], `\ No newline`) {
				body = strings.TrimSuffix(body, "\n")
			}
			switch l[0] {
			case ' ', '-':
				if next > len(lines) || lines[next-1] != body {
					t.Fatalf("hunk %q: line %d is %q in the file, %q in the diff", h, next, lines[min(next, len(lines))-1], body)
				}
				next++
				old++
				if l[0] == ' ' {
					out = append(out, body)
					nw++
				}
			case '+':
				out = append(out, body)
				nw++
			default:
				t.Fatalf("hunk %q: line %q is not context, removed or added: the patch is corrupt", h, l)
			}
		}
		if old != on || nw != nn {
			t.Fatalf("hunk %q: %d old and %d new lines", h, old, nw)
		}
		for i < len(dl) && strings.HasPrefix(dl[i], `\ No newline`) {
			i++
		}
	}
	out = append(out, lines[next-1:]...)
	return strings.Join(out, "")
}

// TestSuggestionsDiffApplies: the suggestions' diff applies to the file it
// was made from, with git apply as with patch: its evidence lines sat
// inside the hunks ("# evidence: ..."), which git apply called a corrupt
// patch, and its hunks had no context, which git apply refuses without
// --unidiff-zero. Proposals on neighbouring lines share a hunk; a file
// with CRLF line ends (saved on Windows) and one without a last line end
// get their own ends back.
func TestSuggestionsDiffApplies(t *testing.T) {
	shipped, err := os.ReadFile("../../infra/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		text string
	}{
		{"shipped", string(shipped)},
		{"crlf", strings.ReplaceAll(string(shipped), "\n", "\r\n")},
		{"flow, no last line end", "name: t\nbehaviour:\n  - {name: a, type: page_view, points: 1}\n  - {name: b, type: download, points: 15}\nmql:\n  - name: hot\n    min_behaviour: 40"},
	} {
		t.Run(c.name, func(t *testing.T) {
			spots := locate([]byte(c.text))
			var items []Evidence
			want := strings.SplitAfter(c.text, "\n")
			for _, f := range []string{"behaviour[0].points", "behaviour[1].points", "mql[0].min_behaviour", "fit.rules[0].points"} {
				s, ok := spots[f]
				if !ok {
					continue
				}
				from, _ := strconv.ParseFloat(s.value, 64)
				p := s.propose(f, from, from+7, "why "+f)
				items = append(items, Evidence{Kind: "behaviour", Name: f, Proposal: p})
				end := strings.TrimPrefix(want[p.Line-1], strings.TrimRight(want[p.Line-1], "\r\n"))
				want[p.Line-1] = p.New + end
			}
			if len(items) < 3 {
				t.Fatalf("found %d of the values to change", len(items))
			}
			d := diff("rules.yaml", []byte(c.text), items)
			got := applyUnified(t, c.text, d)
			if got != strings.Join(want, "") {
				t.Fatalf("applied:\n%s\nwant:\n%s\ndiff:\n%s", got, strings.Join(want, ""), d)
			}
			for _, it := range items {
				if !strings.Contains(d, "# evidence for line "+strconv.Itoa(it.Proposal.Line)+", "+it.Proposal.Field+": "+it.Proposal.Why+"\n") {
					t.Errorf("no evidence for %s:\n%s", it.Proposal.Field, d)
				}
			}
			if b, ok := gitApply(t, c.text, d); ok && b != strings.Join(want, "") {
				t.Fatalf("git applied:\n%s", b)
			}
		})
	}
}

// gitApply applies the suggestions' diff d to the rules file text with git
// apply, as a reviewer does, and returns the file it makes; ok is false
// when there is no git (applyUnified stands for it).
func gitApply(t *testing.T, text, d string) (string, bool) {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		return "", false
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.diff"), []byte(d), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(git, "apply", "--unsafe-paths", "s.diff")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v %s\n%s", err, out, d)
	}
	b, err := os.ReadFile(filepath.Join(dir, "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}
