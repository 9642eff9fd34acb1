package admin_test

import (
	"context"
	"strings"
	"testing"
)

// TestAdminTokenReadsAsAdministrator: signed in with the environment's
// admin token, the pages said "Signed in with BATON_ADMIN_TOKEN", and the
// verdicts given with it named BATON_ADMIN_TOKEN their owner in the stage
// history. The pages say administrator (管理者) instead; a named token's
// name stays as it is.
func TestAdminTokenReadsAsAdministrator(t *testing.T) {
	f := newFixture(t)
	_, dir := servedSalesHistory(t, f)
	ctx := context.Background()
	p, err := dir.ByEmail(ctx, "waiting@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf := f.login(fullToken)
	if a := f.req("POST", "/admin/people/"+p.ID+"/outcome", `{"outcome":"accepted"}`, "Cookie", cookie, "Content-Type", "application/json", "X-CSRF-Token", csrf); a.code != 200 {
		t.Fatalf("verdict: %d %s", a.code, a.body)
	}
	for lang, want := range map[string][2]string{"en": {"Signed in as administrator", ">Administrator</td>"}, "ja": {"管理者としてサインイン中", ">管理者</td>"}} {
		for _, path := range []string{"/admin/", "/admin/people/" + p.ID, "/admin/mqls"} {
			a := f.req("GET", path+"?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
			shown := strings.ReplaceAll(a.body, `value="BATON_ADMIN_TOKEN"`, "") // the owner filter's choice: the value it filters by
			if a.code != 200 || strings.Contains(shown, "BATON_ADMIN_TOKEN") || !strings.Contains(a.body, want[0]) {
				t.Errorf("%s %s: %d, names the token or not %q:\n%s", lang, path, a.code, want[0], a.body)
			}
			if path != "/admin/" && !strings.Contains(a.body, want[1]) {
				t.Errorf("%s %s: the owner is not %q", lang, path, want[1])
			}
		}
		// The follow-up report's CSV names them as its page does (it
		// said BATON_ADMIN_TOKEN where the page said 管理者).
		a := f.req("GET", "/admin/reports/sla?format=csv&lang="+lang, "", "Cookie", cookie)
		owner := strings.TrimPrefix(want[1], ">")
		owner = strings.TrimSuffix(owner, "</td>")
		if a.code != 200 || strings.Contains(a.body, "BATON_ADMIN_TOKEN") || !strings.Contains(a.body, "\r\n"+owner+",") {
			t.Errorf("%s SLA CSV: %d %q", lang, a.code, a.body)
		}
	}
}
