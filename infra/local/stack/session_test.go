package stack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// crossSiteForm is another site's page that auto-submits a text/plain form
// whose body is JSON: the request a browser's HTTP Basic credentials used
// to authenticate. The field name carries the JSON, the value closes it.
const crossSiteForm = `<!doctype html><html><body>
<form method="post" enctype="text/plain" action="%s">
<input type="hidden" name='{"campaign":"pwned","urls":["https://evil.example/"],"pad":"' value='"}'>
</form>
<script>document.forms[0].submit()</script>
</body></html>`

// TestBrowserSignInAndCrossSiteForms signs Chromium in through the form and
// has pages of two other origins post to /admin/links while it is signed
// in: one same-site (127.0.0.1 on another port: the SameSite=Strict cookie
// IS sent, the Origin check and the CSRF token must refuse it) and one
// cross-site (localhost). Nothing is registered; the session survives and
// sign-out ends it.
func TestBrowserSignInAndCrossSiteForms(t *testing.T) {
	needChromium(t, "the sign-in must be tested in a browser in CI")
	s := stack.ForTest(t, nil)
	var served atomic.Int32
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, crossSiteForm, s.URL+"/admin/links")
	}))
	defer attacker.Close()
	u, _ := url.Parse(attacker.URL)
	sameSite := attacker.URL + "/offer"                          // 127.0.0.1:<other port>
	crossSite := "http://localhost:" + u.Port() + "/free-ticket" // another site

	dir := t.TempDir()
	loginShot, errorShot := filepath.Join(dir, "login.png"), filepath.Join(dir, "login-error.png")
	cmd := exec.Command("node", "../../../tag/browser/admin_session.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "ATTACKS="+sameSite+","+crossSite, "LOGIN_SHOT="+loginShot, "ERROR_SHOT="+errorShot)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("admin_session.mjs: %v %s", err, out)
	}
	var res struct {
		Redirected struct {
			URL           string
			Status, Label int
		}
		Wrong struct {
			Status             int
			ContentType, Alert string
		}
		Dashboard struct {
			Status          int
			URL             string
			Charts, SignOut int
		}
		Cookies []struct {
			Name, SameSite, Path string
			HTTPOnly             bool `json:"httpOnly"`
			Secure               bool
		}
		Attacks []struct {
			Page, Body, ContentType string
			Status                  int
			SentCookie              bool
		}
		After struct {
			Status  int
			URL     string
			SignOut int
		}
		SignedOut struct {
			URL, Note string
			Cookies   int
		}
		AfterSignOut struct {
			Status int
			URL    string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("%s", out)

	if r := res.Redirected; r.Status != 200 || !strings.HasPrefix(r.URL, s.URL+"/admin/login") || r.Label != 1 {
		t.Errorf("an admin page without a session: %+v, want the sign-in page with a labelled token field", r)
	}
	if w := res.Wrong; w.Status != 401 || !strings.HasPrefix(w.ContentType, "text/html") || !strings.Contains(w.Alert, "not valid") {
		t.Errorf("wrong token: %+v, want 401 and the error on the page", w)
	}
	// A stack with no data: the funnel's chart (every stage at 0); the two
	// other charts say the period has nothing (TestDashboardSaysAnEmptyPeriod).
	if d := res.Dashboard; d.Status != 200 || d.URL != s.URL+"/admin/" || d.Charts != 1 || d.SignOut != 1 {
		t.Errorf("signed in: %+v, want the dashboard", d)
	}
	if len(res.Cookies) != 1 || res.Cookies[0].Name != "baton_admin" || !res.Cookies[0].HTTPOnly || res.Cookies[0].SameSite != "Strict" || res.Cookies[0].Path != "/admin" || res.Cookies[0].Secure {
		t.Errorf("session cookie %+v, want baton_admin HttpOnly SameSite=Strict path /admin (not Secure on http)", res.Cookies)
	}
	if len(res.Attacks) != 2 || served.Load() != 2 {
		t.Fatalf("attacks %+v (pages served %d)", res.Attacks, served.Load())
	}
	for _, a := range res.Attacks {
		if a.Status != 403 || !strings.HasPrefix(a.ContentType, "text/plain") {
			t.Errorf("cross-origin form from %s: %d %s (%s), want 403", a.Page, a.Status, a.Body, a.ContentType)
		}
	}
	if !res.Attacks[0].SentCookie {
		t.Errorf("the same-site page's form went without the session cookie: the test proves less than it says")
	}
	if res.Attacks[1].SentCookie {
		t.Errorf("the cross-site page's form carried the SameSite=Strict cookie")
	}
	// Server-side: no campaign, no link.
	if code, b := do(t, "GET", s.URL+"/admin/campaigns/pwned", token, ""); code != 404 {
		t.Fatalf("a cross-site form registered links: %d %s", code, b)
	}
	if a := res.After; a.Status != 200 || a.URL != s.URL+"/admin/" || a.SignOut != 1 {
		t.Errorf("after the attacks: %+v, want still signed in", a)
	}
	if so := res.SignedOut; !strings.HasPrefix(so.URL, s.URL+"/admin/login") || !strings.Contains(so.Note, "signed out") || so.Cookies != 0 {
		t.Errorf("sign-out: %+v", so)
	}
	if a := res.AfterSignOut; a.Status != 200 || !strings.HasPrefix(a.URL, s.URL+"/admin/login") {
		t.Errorf("after sign-out: %+v, want the sign-in page", a)
	}
	for _, shot := range []string{loginShot, errorShot} {
		if st, err := os.Stat(shot); err != nil || st.Size() < 3000 {
			t.Fatalf("screenshot %s: %v", shot, err)
		}
		if d := os.Getenv("BATON_SCREENSHOTS"); d != "" {
			b, _ := os.ReadFile(shot)
			os.WriteFile(filepath.Join(d, filepath.Base(shot)), b, 0o644)
		}
	}
}
