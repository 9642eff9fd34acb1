package stack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
)

// TestDisclosureDownload: a person's request to see their data, on the
// running local stack. The person's page links the file for a token that
// may download it (the erase scope) and not for a read-only one; the file
// is a download named for the person and the day, holds their form and
// page view, says what each kind is in the asker's language, and its
// counts are its items'. Unknown and malformed emails get JSON errors.
func TestDisclosureDownload(t *testing.T) {
	const email = "kaiji.request@maker.example"
	readOnly := "disclosure-read-only-0123456789"
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nadmin_tokens:\n  - name: analyst\n    sha256: "+admin.HashToken(readOnly)+"\n    scopes: [read]\n"), 0o600)
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	for _, body := range []string{
		`{"type":"page_view","messageId":"dl-1","anonymousId":"disclosure-browser","properties":{"url":"https://www.example.com/pricing-for-kaiji?plan=a&seats=10"}}`,
		`{"type":"form_submit","messageId":"dl-2","anonymousId":"disclosure-browser","properties":{"url":"https://www.example.com/contact","fields":{"email":"` + email + `","name":"開示 甲斐治","company":"請求商事"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var got struct{ Person struct{ ID string } }
	p := &got.Person
	if code != 200 || json.Unmarshal(b, &got) != nil || p.ID == "" {
		t.Fatalf("person: %d %s", code, b)
	}

	page := func(tok string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL+"/admin/people/"+p.ID+"?lang=ja", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("person page: %v %v", err, resp)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return sb.String()
	}
	link := `href="` + p.ID + `/disclosure/parts"` // the file itself when it is one part (the Chromium run below)
	if html := page(token); !strings.Contains(html, link) || !strings.Contains(html, "すべてのデータをダウンロード") {
		t.Errorf("the person's page does not link the disclosure for the erase scope")
	}
	if html := page(readOnly); strings.Contains(html, "/disclosure") {
		t.Errorf("the person's page links the disclosure for a read-only token")
	}

	req, _ := http.NewRequest("GET", s.URL+"/admin/people/"+p.ID+"/disclosure?lang=ja", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("disclosure: %v %v", err, resp)
	}
	defer resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=baton-disclosure-`+p.ID+`-2026-11-24.json` {
		t.Errorf("Content-Disposition %q", cd)
	}
	raw, _ := io.ReadAll(resp.Body)
	var d admin.Disclosure
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	// A file a person reads: indented, a URL's & as it is.
	if !strings.Contains(string(raw), "\n  \"person\": ") || strings.Contains(string(raw), `\u0026`) {
		t.Errorf("not a readable file: %.300s", raw)
	}
	if d.Person != p.ID || d.Email != email || len(d.Visitors) != 1 || d.Visitors[0] != "disclosure-browser" || d.TimeZone != "Asia/Tokyo" || d.GeneratedAt != "2026-11-24T10:00:00+09:00" {
		t.Errorf("disclosure head: %+v", d)
	}
	// The file says which zone its times are in, in the asker's language:
	// generatedAt's, the items' in UTC.
	if !strings.Contains(d.Times, "Asia/Tokyo") || !strings.Contains(d.Times, "UTC") || !strings.Contains(d.Times, "時刻") {
		t.Errorf("times: %q", d.Times)
	}
	if !strings.Contains(d.VisitorIDs, "ブラウザの ID") {
		t.Errorf("visitorIds in Japanese: %q", d.VisitorIDs)
	}
	all, _ := json.Marshal(d.Items)
	for _, want := range []string{"pricing-for-kaiji", "開示 甲斐治", "請求商事", `"form_submit"`} {
		if !strings.Contains(string(all), want) {
			t.Errorf("the disclosure does not show %q: %s", want, all)
		}
	}
	if len(d.Items["event"]) != 2 || len(d.Items["person"]) != 1 {
		t.Errorf("events %d, person %d: %s", len(d.Items["event"]), len(d.Items["person"]), all)
	}
	for kind, items := range d.Items {
		if d.Counts[kind] != len(items) || !strings.ContainsFunc(d.About[kind], func(r rune) bool { return r >= 0x3040 }) {
			t.Errorf("kind %q: %d items, counted %d, about %q", kind, len(items), d.Counts[kind], d.About[kind])
		}
	}

	// The same in Chromium, as a privacy officer signed in takes it from
	// the person's page (the session's cookie, not a bearer token).
	needChromium(t, "the disclosure's download must be taken in CI")
	cmd := exec.Command("node", "../../../tag/browser/disclosure.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/people/"+p.ID, "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("disclosure.mjs: %v %s", err, out)
	}
	var br struct {
		Errors     []string
		Text, Name string
		Person     string
		Counts     map[string]int
		About      map[string]string
	}
	if err := json.Unmarshal(out, &br); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(br.Errors) > 0 || br.Person != p.ID || br.Name != "baton-disclosure-"+p.ID+"-2026-11-24.json" || br.Counts["event"] != 2 || !strings.HasPrefix(br.About["event"], "ウェブサイト") {
		t.Errorf("in Chromium: %s", out)
	}

	for path, want := range map[string]int{
		"/admin/disclosure?email=nobody@maker.example":        404,
		"/admin/disclosure?email=not-an-email":                400,
		"/admin/people/p_0123456789abcdef01234567/disclosure": 404,
	} {
		if code, b := admin_(t, s, path, token); code != want || !json.Valid(b) || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%s: %d %s", path, code, b)
		}
	}
}

// TestDisclosureOfAnEmailNobodyHolds: a headless browser's form names an
// email; flagged, it identifies nobody, but the event is kept with the
// name and phone typed with it (an erasure of the email removes it). The
// disclosure by that email answered "no person holds this email (never
// known, or erased)": it shows those events, as the erasure removes them.
func TestDisclosureOfAnEmailNobodyHolds(t *testing.T) {
	const email = "unheld.asker@maker.example"
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(`{"type":"form_submit","messageId":"unheld-1","anonymousId":"headless-unheld","properties":{"url":"https://www.example.com/contact","fields":{"email":"`+email+`","name":"名乗 未登録","phone":"03-5555-0101"}}}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("event: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	if code, b := admin_(t, s, "/admin/people?email="+email, token); code != 404 {
		t.Fatalf("the flagged form made a person: %d %s", code, b)
	}
	code, b := admin_(t, s, "/admin/disclosure?email="+email, token)
	var d admin.Disclosure
	if code != 200 || json.Unmarshal(b, &d) != nil {
		t.Fatalf("disclosure: %d %s", code, b)
	}
	all, _ := json.Marshal(d.Items)
	if d.Person != "" || d.Email != email || len(d.Items["event"]) != 1 || !strings.Contains(string(all), "名乗 未登録") || !strings.Contains(string(all), "03-5555-0101") || d.Counts["seen"] != 1 {
		t.Errorf("disclosure: %s", b)
	}
	// What it showed is what the erasure of the email removes.
	code, b = do(t, "DELETE", s.URL+"/admin/people?email="+email, token, "")
	var er struct{ Removed map[string]int }
	if code != 200 || json.Unmarshal(b, &er) != nil || er.Removed["event"] != d.Counts["event"] || er.Removed["seen"] != d.Counts["seen"] {
		t.Errorf("erased %d %s, disclosed %v", code, b, d.Counts)
	}
	if code, b := admin_(t, s, "/admin/disclosure?email="+email, token); code != 404 {
		t.Errorf("after the erasure: %d %s", code, b)
	}
}

// TestStopUsingTheirData: a person asks, by mail, that their data no
// longer be used (利用停止). The operator records it (the erase scope;
// a read-only token is refused): from then on a newsletter click, a list
// import and the server API record nothing of them, and their consent
// shows on their page with the way back; recorded again as given, the
// server API takes their calls again.
func TestStopUsingTheirData(t *testing.T) {
	const email = "riyou.teishi@maker.example"
	readOnly := "consent-read-only-0123456789"
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nadmin_tokens:\n  - name: analyst\n    sha256: "+admin.HashToken(readOnly)+"\n    scopes: [read]\n"), 0o600)
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"rt-1","anonymousId":"teishi-browser","properties":{"url":"https://www.example.com/contact","fields":{"email":"`+email+`","name":"利用 停止"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	path := s.URL + "/admin/people/" + p.ID + "/consent"
	if code, b := do(t, "POST", path, readOnly, `{"withdrawn": true}`); code != 403 {
		t.Fatalf("read-only: %d %s", code, b)
	}
	if code, b := do(t, "POST", path, token, `{"withdrawn": "yes"}`); code != 400 || !strings.Contains(string(b), "withdrawn") {
		t.Fatalf("bad body: %d %s", code, b)
	}
	if code, b := do(t, "POST", s.URL+"/admin/people/p_0123456789abcdef01234567/consent", token, `{"withdrawn": true}`); code != 404 {
		t.Fatalf("unknown person: %d %s", code, b)
	}
	clk.Advance(time.Minute)
	code, b := do(t, "POST", path, token, `{"withdrawn": true}`)
	if code != 200 || !strings.Contains(string(b), `"consentWithdrawn":"2026-11-24T01:01:00Z"`) {
		t.Fatalf("withdraw: %d %s", code, b)
	}
	// The server API refuses the browser that is theirs, as after an opt-out.
	seg := func() string {
		req, _ := http.NewRequest("POST", s.URL+"/v1/track", strings.NewReader(`{"anonymousId":"teishi-browser","event":"Webinar Joined"}`))
		req.SetBasicAuth("test-write-key-0123456789", "")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := seg(); !strings.Contains(got, "refused") {
		t.Errorf("a server call under their browser after the withdrawal: %s", got)
	}
	req, _ := http.NewRequest("GET", s.URL+"/admin/people/"+p.ID+"?lang=ja", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/html")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(html), "に同意が撤回されました") || !strings.Contains(string(html), "データの利用を再開") || strings.Contains(string(html), "データの利用を停止") {
		t.Errorf("the person's page after the withdrawal:\n%s", html)
	}
	if code, b := do(t, "POST", path, token, `{"withdrawn": false}`); code != 200 || !strings.Contains(string(b), `"consentWithdrawn":null`) {
		t.Fatalf("regain: %d %s", code, b)
	}
	if got := seg(); strings.Contains(got, "refused") {
		t.Errorf("a server call under their browser after consent given again: %s", got)
	}
}
