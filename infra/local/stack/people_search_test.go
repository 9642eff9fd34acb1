package stack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
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
