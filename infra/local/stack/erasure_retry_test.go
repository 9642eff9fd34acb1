package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/testutil/moto"
	linktoken "github.com/baton-hq/baton/internal/token"
)

// onBothStores runs an erasure test on the embedded store and on DynamoDB
// (moto), each stack on its own manual clock.
func onBothStores(t *testing.T, run func(t *testing.T, s *stack.Stack, clk *clock.Manual)) {
	t.Run("bolt", func(t *testing.T) {
		clk := clock.NewManual(t0)
		run(t, stack.ForTestClock(t, nil, clk.Now), clk)
	})
	t.Run("dynamodb", func(t *testing.T) {
		clk := clock.NewManual(t0)
		run(t, stack.ForTestClock(t, map[string]string{
			"BATON_STORE": "dynamodb", "BATON_TABLE": moto.TableName(), "BATON_DYNAMODB_ENDPOINT": moto.Shared(t),
			"BATON_LINK_KEYS": "k1:" + linktoken.NewSecret(),
		}, clk.Now), clk)
	})
}

// tagPage is a page view as the tag sends it (its array form): the event,
// made at made, sent at sent (the tag's clock), with the browser's own id.
func tagPage(aid, id, url string, made, sent time.Time) string {
	return fmt.Sprintf(`[[%q,false,%q,1,"www","page",null,[%q,"Pricing",""],%d],%d]`, aid, id, url, made.UnixMilli(), sent.UnixMilli())
}

// TestTagRetryAfterErasure: the tag keeps an event queued until the
// collector answers it, and sends it again (same message id) with the next
// event or page when the answer was lost (a network error, the page
// unloading before the fetch came back). A page view stored before the
// person was erased, retried after, must not be stored again under their
// browser's visitor id, and the tag must be answered as for a stored one
// (or it keeps retrying).
func TestTagRetryAfterErasure(t *testing.T) {
	onBothStores(t, tagRetryAfterErasure)
}

func tagRetryAfterErasure(t *testing.T, s *stack.Stack, clk *clock.Manual) {
	const email = "retry.erased@maker.example"
	browser, jar := browserWithCookies(t)
	post := func(body string) *http.Response {
		t.Helper()
		resp, err := browser.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	const aid = "4021,77,9120,3"
	made := clk.Now()
	page := func(sent time.Time) string {
		return tagPage(aid, "retry-pv-1", "https://www.example.com/pricing", made, sent)
	}
	if resp := post(page(made)); resp.StatusCode != 204 {
		t.Fatalf("page view: %d", resp.StatusCode)
	}
	form := fmt.Sprintf(`[[%q,false,"retry-form-1",1,"www","s",%q,["https://www.example.com/contact","Contact",{"name":"Rita Retry"},"contact",null,"https://www.example.com/send",{}],%d],%d]`,
		aid, email, made.UnixMilli(), made.UnixMilli())
	if resp := post(form); resp.StatusCode != 204 {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	settle(t, s)
	vid := cookieValue(jar, s.URL, "bt_vid")
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	secrets := []string{vid, email, v.Person.ID}
	if found := privacytest.Leftovers(t, s.App.Table, secrets); len(found) != len(secrets) {
		t.Fatalf("before the erasure the store holds only %v: the check below would prove nothing", found)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+v.Person.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}

	// The page view's answer was lost: the tag sends it again a minute
	// later, from the same browser (cookie and id).
	clk.Advance(time.Minute)
	if resp := post(page(clk.Now())); resp.StatusCode/100 != 2 {
		t.Errorf("retried page view: %d, want a success (the tag would retry it for good)", resp.StatusCode)
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
		t.Errorf("the retried page view stored %q again in %v", sec, where)
	}

	// A week and more later the tag still has it queued (a page that never
	// got an answer): the collector no longer takes it, whatever the store
	// remembers by then.
	clk.Advance(9 * 24 * time.Hour)
	if resp := post(page(clk.Now())); resp.StatusCode/100 != 2 {
		t.Errorf("page view retried after nine days: %d, want a success (the tag unqueues it)", resp.StatusCode)
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
		t.Errorf("the page view retried nine days later stored %q again in %v", sec, where)
	}

	// Another browser's page view is stored as before.
	other := tagPage("8810,5,61,2", "retry-other-1", "https://www.example.com/", clk.Now(), clk.Now())
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(other))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("another browser: %v %v", err, resp)
	}
	resp.Body.Close()
	if found := privacytest.Leftovers(t, s.App.Table, []string{"retry-other-1"}); len(found) == 0 {
		t.Error("another browser's page view was not stored")
	}
}

// serverAnswer posts body to the Segment API and returns the status and
// the answer's refused events.
func serverAnswer(t *testing.T, s *stack.Stack, path, body string) (int, []struct {
	Error string
	Field string
	Index *int
}) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
	req.SetBasicAuth("test-write-key-0123456789", "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Refused []struct {
			Error string
			Field string
			Index *int
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out.Refused
}

// TestServerAPIAnonymousIDAfterErasure: the customer's backend forwards
// what a browser does by its anonymousId alone (no userId: the visitor is
// not logged in), as Segment's server libraries do. After Baton erased the
// person that browser was theirs alone, the backend's new calls under that
// anonymousId must be refused, as calls under their userId are, and say
// so; on a single call and in a batch, where another browser's event is
// stored as before.
func TestServerAPIAnonymousIDAfterErasure(t *testing.T) {
	onBothStores(t, serverAPIAnonymousIDAfterErasure)
}

func serverAPIAnonymousIDAfterErasure(t *testing.T, s *stack.Stack, _ *clock.Manual) {
	const email = "anon.erased@maker.example"
	const anon = "backend-anon-erased-0002"
	if code := serverCall(t, s, "/v1/identify", `{"anonymousId":"`+anon+`","traits":{"email":"`+email+`","company":"Maker"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	serverCall(t, s, "/v1/page", `{"anonymousId":"`+anon+`","properties":{"url":"https://www.example.com/pricing"}}`)
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	secrets := []string{anon, email, v.Person.ID}
	if found := privacytest.Leftovers(t, s.App.Table, secrets); len(found) != len(secrets) {
		t.Fatalf("before the erasure the store holds only %v: the check below would prove nothing", found)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+v.Person.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	for _, c := range []struct{ path, body string }{
		{"/v1/page", `{"anonymousId":"` + anon + `","messageId":"after-1","properties":{"url":"https://www.example.com/pricing"}}`},
		{"/v1/track", `{"anonymousId":"` + anon + `","messageId":"after-2","event":"Viewed Pricing"}`},
	} {
		code, refused := serverAnswer(t, s, c.path, c.body)
		if code != 200 || len(refused) != 1 || refused[0].Field != "anonymousId" || refused[0].Index == nil || *refused[0].Index != 0 {
			t.Errorf("%s after the erasure: %d %+v, want 200 and the event refused for its anonymousId", c.path, code, refused)
		}
	}
	batch := `{"batch":[` +
		`{"type":"page","anonymousId":"backend-anon-other-0003","messageId":"after-other","properties":{"url":"https://www.example.com/"}},` +
		`{"type":"track","anonymousId":"` + anon + `","messageId":"after-3","event":"Viewed Pricing"},` +
		`{"type":"page","anonymousId":"` + anon + `","messageId":"after-4","properties":{"url":"https://www.example.com/a"}}]}`
	code, refused := serverAnswer(t, s, "/v1/batch", batch)
	if code != 200 || len(refused) != 2 {
		t.Fatalf("batch after the erasure: %d %+v, want 200 and two events refused", code, refused)
	}
	for i, r := range refused {
		if r.Field != "anonymousId" || r.Index == nil || *r.Index != i+1 || r.Error == "" {
			t.Errorf("refused %d: %+v, want the batch's event %d refused for its anonymousId, saying why", i, r, i+1)
		}
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
		t.Errorf("after the erasure the backend's anonymous calls stored %q again in %v", sec, where)
	}
	if found := privacytest.Leftovers(t, s.App.Table, []string{"after-other"}); len(found) == 0 {
		t.Error("another browser's event in the batch was not stored")
	}
}

// TestAliasFromErasedUserIDRefused: after a person known to the backend
// as a userId is erased, a call under that userId is refused (README:
// "stores nothing ... of any later call under the userId the erased person
// had"), and so is an alias naming it as previousId (an SDK's replay of a
// queued alias, a backend merging accounts): stored, the $alias event kept
// properties.previousId and tied the erased person's ids to the new user.
func TestAliasFromErasedUserIDRefused(t *testing.T) {
	onBothStores(t, func(t *testing.T, s *stack.Stack, _ *clock.Manual) { aliasNamesErasedUserID(t, s) })
}

func aliasNamesErasedUserID(t *testing.T, s *stack.Stack) {
	const email = "er2@zeta.example"
	const user = "er2-user-0001"
	if code := serverCall(t, s, "/v1/identify", `{"userId":"`+user+`","traits":{"email":"`+email+`"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	serverCall(t, s, "/v1/track", `{"userId":"`+user+`","event":"Pricing Viewed"}`)
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+v.Person.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	code, refused := serverAnswer(t, s, "/v1/alias", `{"previousId":"`+user+`","userId":"er2-new-0002","messageId":"alias-after"}`)
	if code != 200 || len(refused) != 1 {
		t.Errorf("alias from the erased userId: %d %+v, want 200 with the call refused (as under its userId)", code, refused)
	} else if refused[0].Field != "previousId" {
		t.Errorf("alias from the erased userId refused for %q, want previousId", refused[0].Field)
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{user, email}) {
		t.Errorf("after the erasure an alias stored %q again in %v", sec, where)
	}
}

// TestBackupAfterErasureRefusesRetries: a backup taken after an erasure
// (GET /admin/backup) holds the erased events' tombstones and nothing else
// of the person; restored, it reads no event of theirs and still refuses
// the tag's retry of one.
func TestBackupAfterErasureRefusesRetries(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "backup.erased@maker.example"
	browser, jar := browserWithCookies(t)
	post := func(s *stack.Stack, body string) int {
		t.Helper()
		resp, err := browser.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	const aid = "5120,8,77,4"
	made := clk.Now()
	page := tagPage(aid, "backup-pv-1", "https://www.example.com/pricing", made, made)
	form := fmt.Sprintf(`[[%q,false,"backup-form-1",1,"www","s",%q,["https://www.example.com/contact","Contact",{},"contact",null,"https://www.example.com/send",{}],%d],%d]`,
		aid, email, made.UnixMilli(), made.UnixMilli())
	for _, b := range []string{page, form} {
		if code := post(s, b); code != 204 {
			t.Fatalf("POST /e: %d", code)
		}
	}
	settle(t, s)
	vid := cookieValue(jar, s.URL, "bt_vid")
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+v.Person.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	req, _ := http.NewRequest("GET", s.URL+"/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	backup, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("backup: %d %v", resp.StatusCode, err)
	}

	// Restored: Baton started on the backup's file.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "baton.db"), backup, 0o600); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	restored := stack.ForTestClock(t, map[string]string{"BATON_DATA": dir}, clk.Now)
	secrets := []string{vid, email, v.Person.ID}
	for sec, where := range privacytest.AfterErasure(t, restored.App.Table, secrets) {
		t.Errorf("the restored backup holds %q in %v", sec, where)
	}
	// The person's opaque id stays in the audit trail's entry of the
	// erasure, by design (privacytest.AfterErasure): not searched in bytes.
	if found := privacytest.StoreFileLeftovers(t, restored.App.Table, backup, secrets[:2]); len(found) != 0 {
		t.Errorf("the backup's bytes hold %q", found)
	}
	if evs, err := restored.App.Events.Visitor(context.Background(), vid); err != nil || len(evs) != 0 {
		t.Errorf("the restored store reads the erased browser's events %+v %v", evs, err)
	}
	if code := post(restored, tagPage(aid, "backup-pv-1", "https://www.example.com/pricing", made, clk.Now())); code/100 != 2 {
		t.Errorf("the retried page view on the restored store: %d", code)
	}
	settle(t, restored)
	for sec, where := range privacytest.AfterErasure(t, restored.App.Table, secrets) {
		t.Errorf("the retry on the restored store stored %q again in %v", sec, where)
	}
}
