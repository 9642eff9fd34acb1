package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/testutil/moto"
	linktoken "github.com/baton-hq/baton/internal/token"
)

// TestErasureAfterAnMQL is the privacy promise over HTTP on the running
// local stack, on the embedded store and on DynamoDB (moto): a visitor
// becomes an MQL, reaches the inbox (with its external id) and clicks a
// newsletter link; DELETE /admin/people answers what it removed, and then
// /admin/mqls and /admin/inbox no longer list them, the whole store holds
// none of their strings (decoded), nor does the embedded store's file, and
// replaying their form or clicking their old link brings nothing back.
func TestErasureAfterAnMQL(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { erasureAfterAnMQL(t, stack.ForTest(t, nil)) })
	t.Run("dynamodb", func(t *testing.T) {
		erasureAfterAnMQL(t, stack.ForTest(t, map[string]string{
			"BATON_STORE": "dynamodb", "BATON_TABLE": moto.TableName(), "BATON_DYNAMODB_ENDPOINT": moto.Shared(t),
			"BATON_LINK_KEYS": "k1:" + linktoken.NewSecret(), // generated only for the embedded store
		}))
	})
}

func erasureAfterAnMQL(t *testing.T, s *stack.Stack) {
	ctx := context.Background()
	const email = "erase.buyer@maker.example"
	form := `{"type":"form_submit","messageId":"er-3","anonymousId":"erase-buyer-browser","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},` +
		`"fields":{"email":"` + email + `","name":"Erika Buyerson","company":"Buyerson Works","phone":"+81-6-5555-0123","title":"購買部長","employees":"250-999"}}}`
	for i, body := range []string{
		`{"type":"page_view","messageId":"er-1","anonymousId":"erase-buyer-browser","properties":{"url":"https://www.example.com/pricing"}}`,
		`{"type":"download","messageId":"er-2","anonymousId":"erase-buyer-browser","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		form,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	id := v.Person.ID
	// The MQL reaches the built-in inbox (the push worker runs in the background).
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, b := do(t, "GET", s.URL+"/admin/inbox", token, ""); strings.Contains(string(b), email) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the MQL never reached the inbox")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A newsletter click from another browser.
	click := trackedLink(t, s, "erase-news", email)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := browser.Get(click); err != nil || resp.StatusCode != 302 {
		t.Fatalf("click: %v %v", err, resp)
	}
	settle(t, s)

	secrets := []string{email, "Erika", "Buyerson", "5555-0123", id, "erase-buyer-browser"}
	if found := privacytest.Leftovers(t, s.App.Table, secrets); len(found) != len(secrets) {
		t.Fatalf("before the erasure the store holds only %v: the check below would prove nothing", found)
	}
	for _, path := range []string{"/admin/mqls", "/admin/inbox"} {
		if _, b := do(t, "GET", s.URL+path, token, ""); !strings.Contains(string(b), email) {
			t.Fatalf("%s does not list the person before the erasure: %s", path, b)
		}
	}

	code, b = do(t, "DELETE", s.URL+"/admin/people?email="+email, token, "")
	var rep struct {
		Erased  bool
		Removed map[string]int
	}
	if code != 200 || json.Unmarshal(b, &rep) != nil || !rep.Erased {
		t.Fatalf("erase: %d %s", code, b)
	}
	for _, kind := range []string{"person", "event", "mql", "mqlindex", "inbox", "delivery", "external", "click", "clickref"} {
		if rep.Removed[kind] == 0 {
			t.Errorf("nothing of kind %q removed: %s", kind, b)
		}
	}
	check := func(when string) {
		t.Helper()
		for _, path := range []string{"/admin/mqls", "/admin/inbox", "/admin/inbox?format=html", "/admin/deadletters"} {
			code, b := do(t, "GET", s.URL+path, token, "")
			for _, sec := range secrets {
				if code != 200 || strings.Contains(string(b), sec) {
					t.Errorf("%s: %s lists %q: %d %s", when, path, sec, code, b)
				}
			}
		}
		if code, _ := admin_(t, s, "/admin/people?email="+email, token); code != 404 {
			t.Errorf("%s: the person is readable: %d", when, code)
		}
		// The erasure's audit entry names the person by their id (an
		// erasure by email too: whom, never the email), and only it.
		for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
			t.Errorf("%s: the store holds %q in %v", when, sec, where)
		}
	}
	check("after the erasure")
	if s.App.Config.Store == "bolt" {
		raw, err := os.ReadFile(filepath.Join(s.App.Config.DataDir, "baton.db"))
		if err != nil {
			t.Fatal(err)
		}
		// The id stays in the audit entry (checked item by item above).
		if found := privacytest.StoreFileLeftovers(t, s.App.Table, raw, slices.DeleteFunc(slices.Clone(secrets), func(x string) bool { return x == id })); len(found) != 0 {
			t.Errorf("the file still holds %q", found)
		}
	}

	// Their form replayed from their browser, their old link clicked.
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 { // a stored form's answer: the sender cannot tell they were erased
		t.Errorf("replayed form: %d", resp.StatusCode)
	}
	if resp, err := browser.Get(click); err != nil || resp.StatusCode != 302 {
		t.Fatalf("old link: %v %v", err, resp)
	}
	settle(t, s)
	if _, err := s.App.Pusher.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("after the replays")
}
