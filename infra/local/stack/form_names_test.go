package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestJapaneseFormNamesInChromium: a Japanese contact form asks the family
// and given names in two boxes under the whole name's label, お名前（姓） and
// お名前（名）, which the tag sends with a form builder's field names. The
// workspace calls the person 鈴木 一郎; before, both boxes were the name, so
// the people list, the person's page (and the inbox and the SFA) said 鈴木
// and the given name was a custom field. And a stranger's form whose name
// holds a right-to-left override (悪意\u202e郎太田山) showed as 悪意山田太郎,
// another person's name to the eye: the override is not kept.
func TestJapaneseFormNamesInChromium(t *testing.T) {
	s := stack.ForTestClock(t, nil, clock.NewManual(t0).Now)
	for i, body := range []string{
		`{"type":"form_submit","messageId":"jn-1","anonymousId":"ja-names-browser","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},` +
			`"fields":{"email":"ichiro@gamma.example","your-field-1":"鈴木","your-field-2":"一郎","text-3":"ガンマ株式会社","tel-4":"045-123-4567"},` +
			`"labels":{"your-field-1":"お名前（姓）","your-field-2":"お名前（名）","text-3":"会社名","tel-4":"電話番号"}}}`,
		`{"type":"form_submit","messageId":"jn-2","anonymousId":"bidi-name-browser","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},` +
			`"fields":{"email":"evil@stranger.example","name":"悪意\u202e郎太田山","company":"株式会社ストレンジャー"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	ichiro, err := s.App.People.ByEmail(context.Background(), "ichiro@gamma.example")
	if err != nil {
		t.Fatal(err)
	}
	evil, err := s.App.People.ByEmail(context.Background(), "evil@stranger.example")
	if err != nil {
		t.Fatal(err)
	}

	needChromium(t, "the names must be read on the pages in CI")
	cmd := exec.Command("node", "../../../tag/browser/fit.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()), "PAGES=people/"+ichiro.ID+",people/"+evil.ID)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fit.mjs: %v %s", err, out)
	}
	var res struct {
		Errors []string
		Text   map[string]string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, lang := range []string{"ja", "en"} {
		page := res.Text[lang+"-0"]
		if !strings.Contains(page, "鈴木 一郎") {
			t.Errorf("the person asked 姓 and 名 apart, in %s: %q", lang, page)
		}
		if strings.Contains(page, "your-field-2") {
			t.Errorf("the given name as a custom field, in %s: %q", lang, page)
		}
		if page := res.Text[lang+"-1"]; !strings.Contains(page, "悪意郎太田山") || strings.ContainsRune(page, '\u202e') {
			t.Errorf("the stranger's name, in %s: %+q", lang, page)
		}
	}
	if len(res.Errors) > 0 {
		t.Errorf("console errors %v", res.Errors)
	}
}
