package stack_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestMQLBeforeHubSpotIsNotSentUntilSent: MQLs the inbox took while no SFA
// was configured; Baton restarted with HubSpot. The MQLs' hand-off to
// HubSpot said 「HubSpot：待機中」 (pending, at 0001-01-01) for ever,
// though nothing would send it. Now it is not_sent (no time) in the
// deliveries' JSON, and says so on the MQL list in both languages, with a
// send button: its form (a session's, with its CSRF token) queues the MQL
// to HubSpot alone, which the fake gets once, recorded delivered; a second
// send, one for a person who withdrew consent and one to a connector not
// configured are refused, in JSON saying why.
func TestMQLBeforeHubSpotIsNotSentUntilSent(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	data := t.TempDir()
	inbox := stack.ForTestClock(t, map[string]string{"BATON_DATA": data, "BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\n")}, clk.Now)
	const email, optout = "before.hubspot@maker.example", "optout.before@maker.example"
	a := qualifyOne(t, inbox, "pre-a", email)
	b := qualifyOne(t, inbox, "pre-b", optout)
	deliver(t, inbox, func() bool { return mqlDelivered(t, inbox, a+"-c1") && mqlDelivered(t, inbox, b+"-c1") })
	// The change feed settled (its position kept) and the queue empty
	// before the restart: else the feed hands MQL b's change over again
	// after it (at least once, as a stream does), and the worker delivers
	// it to HubSpot, configured by then, before any send (CI saw it once).
	quiesce(t, inbox)
	if err := inbox.Close(); err != nil {
		t.Fatal(err)
	}

	clk.Advance(2 * time.Hour)
	f := crmfake.NewHubSpot()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	s := stack.ForTestClock(t, map[string]string{"BATON_DATA": data, "BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  hubspot:\n    base_url: "+f.URL+"\n"),
		"BATON_HUBSPOT_TOKEN": f.Token}, clk.Now)
	drain(t, s)

	hubspot := func() map[string]any {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/mqls/"+a+"-c1/deliveries", token, "")
		var v struct{ Deliveries []map[string]any }
		if code != 200 || json.Unmarshal(body, &v) != nil {
			t.Fatalf("deliveries: %d %s", code, body)
		}
		for _, d := range v.Deliveries {
			if d["connector"] == "hubspot" {
				return d
			}
		}
		t.Fatalf("no hubspot delivery: %s", body)
		return nil
	}
	if d := hubspot(); d["status"] != "not_sent" || d["at"] != nil {
		t.Fatalf("HubSpot connected after the MQL: %v, want not_sent without a time", d)
	}

	send, cookie := formSession(t, s)
	for lang, want := range map[string]string{"ja": "HubSpot：未送信（MQL 後に接続）", "en": "HubSpot: not sent: connected after this MQL"} {
		code, page, _ := send("GET", "/admin/mqls?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		if code != 200 || !strings.Contains(page, want) || strings.Contains(page, "待機中") || strings.Contains(page, ": pending") {
			i := strings.Index(page, "chip nw")
			t.Errorf("the MQL list (%s) does not say %q: %d %s", lang, want, code, page[max(i, 0):])
		}
	}
	code, page, _ := send("GET", "/admin/mqls?lang=ja", "", "Cookie", cookie, "Accept", "text/html")
	m := regexp.MustCompile(`action="mqls/` + a + `-c1/deliveries/hubspot/send"><input type="hidden" name="csrf" value="([^"]+)"><button class="act" type="submit">HubSpot に送信</button>`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("no send button: %d %.3000s", code, page)
	}
	form := func(v url.Values) (int, string, string) {
		code, body, hdr := send("POST", "/admin/mqls/"+a+"-c1/deliveries/hubspot/send", v.Encode(), "Cookie", cookie, "Accept", "text/html", "Content-Type", "application/x-www-form-urlencoded")
		return code, body, hdr.Get("Location")
	}
	if code, body, _ := form(url.Values{}); code != 403 {
		t.Errorf("a form without its CSRF token: %d %s", code, body)
	}
	code, body, loc := form(url.Values{"csrf": {m[1]}})
	if code != 303 || loc != "../../../../mqls?connector=hubspot&sent="+a+"-c1" {
		t.Fatalf("send: %d %q %s", code, loc, body)
	}
	deliver(t, s, func() bool { return hubspot()["status"] == "delivered" })
	drain(t, s)
	f.Lock()
	if c := f.Contacts[email]; c == nil || len(f.Contacts) != 1 {
		t.Errorf("HubSpot's contacts: %v, want the one sent", f.Contacts)
	}
	f.Unlock()

	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/admin/mqls/" + a + "-c1/deliveries/hubspot/send", 409, "hubspot has this MQL already"},
		{"/admin/mqls/" + a + "-c1/deliveries/salesforce/send", 404, `no connector named \"salesforce\" is configured`},
		{"/admin/mqls/" + a + "-c7/deliveries/hubspot/send", 404, "no such MQL"},
	} {
		if code, body := do(t, "POST", s.URL+c.path, token, ""); code != c.code || !strings.Contains(string(body), c.want) {
			t.Errorf("%s: %d %s, want %d %q", c.path, code, body, c.code, c.want)
		}
	}
	if err := s.App.Stitcher.WithdrawPerson(ctx, b, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if code, body := do(t, "POST", s.URL+"/admin/mqls/"+b+"-c1/deliveries/hubspot/send", token, ""); code != 409 || !strings.Contains(string(body), "withdrew consent") {
		t.Errorf("send of a person who withdrew consent: %d %s", code, body)
	}
	drain(t, s)
	f.Lock()
	if len(f.Contacts) != 1 {
		t.Errorf("HubSpot's contacts after the refusals: %v", f.Contacts)
	}
	f.Unlock()
}

// TestNotSentInChromium: the MQL list of an MQL raised before HubSpot was
// connected, in Chromium: its hand-off says it was not sent, with a send
// button, in Japanese and in English, fitting 1,280 and 390 px; pressing
// the button (a signed-in browser's form, its CSRF token) queues it, the
// list saying so, and the fake HubSpot gets it.
func TestNotSentInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	clk := clock.NewManual(t0)
	data := t.TempDir()
	inbox := stack.ForTestClock(t, map[string]string{"BATON_DATA": data, "BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\n")}, clk.Now)
	const email = "chromium.before@maker.example"
	a := qualifyOne(t, inbox, "pre-chromium", email)
	deliver(t, inbox, func() bool { return mqlDelivered(t, inbox, a+"-c1") })
	quiesce(t, inbox)
	if err := inbox.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)
	f := crmfake.NewHubSpot()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	s := stack.ForTestClock(t, map[string]string{"BATON_DATA": data, "BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  hubspot:\n    base_url: "+f.URL+"\n"),
		"BATON_HUBSPOT_TOKEN": f.Token}, clk.Now)

	cmd := exec.Command("node", "../../../tag/browser/notsent.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("notsent.mjs: %v %s", err, out)
	}
	var res struct {
		Errors   []string
		Overflow map[string][]any
		JA, EN   struct{ Chip, Button, After string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.JA.Chip != "HubSpot：未送信（MQL 後に接続）" || res.JA.Button != "HubSpot に送信" {
		t.Errorf("Japanese: %+v", res.JA)
	}
	if res.EN.Chip != "HubSpot: not sent: connected after this MQL" || res.EN.Button != "Send to HubSpot" || !strings.Contains(res.EN.After, "MQL "+a+"-c1 queued for HubSpot") {
		t.Errorf("English: %+v", res.EN)
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("%s does not fit: %v", name, over)
		}
	}
	if len(res.Overflow) != 3 || len(res.Errors) > 0 {
		t.Errorf("pages measured %v, console errors %v", res.Overflow, res.Errors)
	}
	deliver(t, s, func() bool {
		f.Lock()
		defer f.Unlock()
		return f.Contacts[email] != nil
	})
}
