package stack_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/identity"
)

// TestPeopleSearchAsTypedInJapanese: the people search finds a person
// the way a Japanese marketer types them: a full-width ＡＢＣ (IME mode;
// Baton stores attributes NFKC-normalised), a name or company with or
// without its space, a full-width email address (one lookup, as forms
// read it).
func TestPeopleSearchAsTypedInJapanese(t *testing.T) {
	s := stack.ForTest(t, nil)
	for i, body := range []string{
		`{"type":"page_view","messageId":"ps-1","anonymousId":"search-browser","properties":{"url":"https://www.example.co.jp/pricing"}}`,
		`{"type":"form_submit","messageId":"ps-2","anonymousId":"search-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"sato.hanako@example-kogyo.co.jp","name":"佐藤　花子","company":"株式会社 ＡＢＣ工業","title":"部長"}}}`,
		`{"type":"form_submit","messageId":"ps-3","anonymousId":"other-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"tanaka@other.example","name":"田中 一郎","company":"別会社"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	for _, q := range []string{"ＡＢＣ", "abc工業", "株式会社ABC工業", "佐藤花子", "佐藤 花子", "ｓａｔｏ", "ｓａｔｏ．ｈａｎａｋｏ＠ｅｘａｍｐｌｅ－ｋｏｇｙｏ．ｃｏ．ｊｐ", "SATO.HANAKO@EXAMPLE-KOGYO.CO.JP"} {
		code, page := workspacePage(t, s, "/admin/people?q="+url.QueryEscape(q), "ja")
		if code != 200 || !strings.Contains(page, "sato.hanako@example-kogyo.co.jp") || strings.Contains(page, "tanaka@other.example") {
			t.Errorf("search %q: %d, not the one person", q, code)
		}
	}
}

// TestPersonStoredUnderAVariantBeforeTheUpgrade: a person made by a
// version that kept invisible characters in emails is still stored under
// the variant (alice<U+200B>@...), beside the plain address's person. The
// workspace shows the character, so the two no longer look alike, the
// plain address finds the plain person alone (the variant reads as it
// now), and the variant's person is erased by id.
func TestPersonStoredUnderAVariantBeforeTheUpgrade(t *testing.T) {
	ctx := context.Background()
	s := stack.ForTest(t, nil)
	const email = "alice@acme-corp.example"
	old, _, err := s.App.People.Ensure(ctx, "alice\u200b@acme-corp.example", "identify") // as the previous version stored it
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := s.App.People.Ensure(ctx, email, "identify")
	if err != nil || plain.ID == old.ID {
		t.Fatalf("plain %+v, %v", plain, err)
	}
	code, page := workspacePage(t, s, "/admin/people/"+old.ID, "en")
	if page = html.UnescapeString(page); code != 200 || !strings.Contains(page, "<h1>alice⟨U+200B⟩@acme-corp.example</h1>") || strings.Contains(page, "\u200b") {
		t.Errorf("the variant's page: %d, the character not shown:\n%s", code, page)
	}
	if code, page := workspacePage(t, s, "/admin/people/"+plain.ID, "en"); code != 200 || strings.Contains(html.UnescapeString(page), "⟨U+") || !strings.Contains(page, email) {
		t.Errorf("the plain address's page: %d\n%s", code, page)
	}
	for _, q := range []string{email, "alice\u200b@acme-corp.example"} {
		code, b := admin_(t, s, "/admin/people?email="+url.QueryEscape(q), token)
		if code != 200 || !strings.Contains(string(b), plain.ID) || strings.Contains(string(b), old.ID) {
			t.Errorf("GET /admin/people?email=%q: %d %s, want %s alone", q, code, b, plain.ID)
		}
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+old.ID, token, ""); code != 200 {
		t.Fatalf("erase by id: %d %s", code, b)
	}
	if _, err := s.App.People.Get(ctx, old.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("the variant's person is still there: %v", err)
	}
	if p, err := s.App.People.ByEmail(ctx, email); err != nil || p.ID != plain.ID {
		t.Errorf("the plain address's person: %+v, %v", p, err)
	}
}
