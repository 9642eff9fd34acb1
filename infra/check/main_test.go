package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func check(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// TestGoodFilesPass: the repository's rules and example configuration
// (what make build packages by default) pass.
func TestGoodFilesPass(t *testing.T) {
	code, out, errs := check("-config", "../baton.example.yaml", "-rules", "../rules.yaml")
	if code != 0 || !strings.Contains(out, "ok") || errs != "" {
		t.Errorf("exit %d, %q %q; want 0", code, out, errs)
	}
}

// TestBadRulesFail: a typo in the rules file (which stops the score,
// push, feedback, sweep and admin functions at start-up) fails the check
// with the file, line and field the rules parser reports.
func TestBadRulesFail(t *testing.T) {
	good, err := os.ReadFile("../rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(good), "points:", "pionts:", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "pionts:")], "\n")
	bad := write(t, "rules.yaml", text)
	code, out, errs := check("-config", "../baton.example.yaml", "-rules", bad)
	want := bad + ":" + itoa(line) + ": behaviour["
	if code != 1 || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, ".pionts: unknown key") {
		t.Errorf("exit %d, %q %q; want 1 and %q...pionts", code, out, errs, want)
	}
	// Syntax, not only schema: a tab where YAML wants spaces.
	bad = write(t, "rules.yaml", "name: x\nbehaviour:\n\t- name: y\n")
	if code, _, errs := check("-rules", bad); code != 1 || !strings.Contains(errs, bad+":3: (file):") {
		t.Errorf("a tab: exit %d, %q", code, errs)
	}
}

// TestBadConfigFails: each problem the functions would refuse the
// configuration file for, at the line of its key.
func TestBadConfigFails(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"unknown key", "timeline_limit: 5\nsla:\n  accept_wihtin: 3d\n", ":3: sla.accept_wihtin: field accept_wihtin not found"},
		{"a setting ParseFile refuses", "sites: [a]\nkpi_targets:\n  mql: -1\n", ":3: kpi_targets.mql: must not be negative"},
		{"syntax", "sites: [a\n", ":1: (file): did not find expected"},
		{"timezone", "sites: [a]\ntimezone: Asia/Tokio\n", `:2: timezone: "Asia/Tokio" is not an IANA time zone`},
		{"form_fields", "form_fields:\n  Company: compnay\n", `:1: form_fields: Company maps to "compnay"`},
		{"admin_tokens", "admin_tokens:\n  - name: ci\n    sha256: abc\n    scopes: [read]\n", `:2: admin_tokens[0]: admin token "ci": sha256 must be 64 hex characters`},
	} {
		p := write(t, "baton.yaml", c.text)
		code, out, errs := check("-config", p, "-rules", "../rules.yaml")
		if code != 1 || out != "" || !strings.Contains(errs, p+c.want) {
			t.Errorf("%s: exit %d, %q %q; want 1 and %q", c.name, code, out, errs, p+c.want)
		}
	}
	// Several at once, each on its line.
	p := write(t, "baton.yaml", "timezone: Asia/Tokio\nform_fields:\n  Company: compnay\n")
	if code, _, errs := check("-config", p); code != 1 || !strings.Contains(errs, p+":1: timezone") || !strings.Contains(errs, p+":2: form_fields") || !strings.Contains(errs, "2 problem(s)") {
		t.Errorf("two problems: exit %d, %q", code, errs)
	}
}

// TestReadingAndMobileAccepted: a configuration naming the name's reading
// and the mobile (form_fields to them, each SFA's fields from them) passes,
// as the functions take it at start-up. form_fields to them was refused
// ("which is no attribute"), so a site could not map its own furigana
// fields.
func TestReadingAndMobileAccepted(t *testing.T) {
	p := write(t, "baton.yaml", `form_fields: {text-5: last_name_kana, text-6: first_name_kana, text-7: name_kana, text-8: mobile}
sfa:
  salesforce:
    login_url: https://acme.my.salesforce.com
    client_id: 3MVG9example
    lead_key: Baton_Person_Id__c
    task_key: Baton_MQL_Id__c
    fields: {last_name_kana: LastNameKana__c, first_name_kana: FirstNameKana__c, mobile: MobilePhone}
  hubspot:
    fields: {last_name_kana: lastname_kana, first_name_kana: firstname_kana}
  kintone: {base_url: https://acme.cybozu.com, app: 42, email_field: email, fields: {last_name_kana: sei_kana, first_name_kana: mei_kana, name_kana: kana, mobile: keitai}}
`)
	if code, out, errs := check("-config", p, "-rules", "../rules.yaml"); code != 0 || errs != "" {
		t.Errorf("exit %d, %q %q; want 0", code, out, errs)
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := check(); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if code, _, errs := check("-rules", filepath.Join(t.TempDir(), "missing.yaml")); code != 1 || !strings.Contains(errs, "missing.yaml: open") {
		t.Errorf("a missing file: exit %d, %q", code, errs)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRulesWarningsPrinted: a fit rule's attribute most likely misspelt
// (employes) loads, as a custom form field's name may be anything, and
// scored nobody without a word before deploying; the check says it on its
// line with the attribute meant, and passes.
func TestRulesWarningsPrinted(t *testing.T) {
	good, err := os.ReadFile("../rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(good), "attribute: employees", "attribute: employes", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "attribute: employes")], "\n")
	p := write(t, "rules.yaml", text)
	code, out, errs := check("-rules", p)
	want := "warning: " + p + ":" + itoa(line) + `: fit.rules[5].attribute: "employes" is none of Baton's attributes: did you mean employees?`
	if code != 0 || !strings.Contains(out, "ok") || !strings.Contains(errs, want) {
		t.Errorf("exit %d, %q %q; want 0 and %q", code, out, errs, want)
	}
}

// TestEveryoneMQLWarned: a condition of min_behaviour: 0 alone (a
// threshold lowered to "see what happens") made every identified person an
// MQL the moment they were identified, and the check passed without a
// word; it says so on the condition's line, and passes (it may be meant).
func TestEveryoneMQLWarned(t *testing.T) {
	good, err := os.ReadFile("../rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(good), "    min_behaviour: 40\n    grades: [A, B]\n", "    min_behaviour: 0\n", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "  - name: hot-and-fit")], "\n")
	p := write(t, "rules.yaml", text)
	code, out, errs := check("-rules", p)
	want := "warning: " + p + ":" + itoa(line) + `: mql[0]: every part holds for anyone whose behaviour score is not below 0 (min_behaviour: 0): every identified person becomes an MQL on identification`
	if code != 0 || !strings.Contains(out, "ok") || !strings.Contains(errs, want) {
		t.Errorf("exit %d, %q %q; want 0 and %q", code, out, errs, want)
	}
}
