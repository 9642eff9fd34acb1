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
	"github.com/baton-hq/baton/internal/account"
)

// TestLongJapaneseTitlesFit: a visitor's page titles are the site's, as
// long as it likes: a Japanese one (no spaces, cut at 1,024 bytes) on the
// timeline must not squeeze the event's name ("ダウンロード", "ページ閲覧")
// into a column a character wide; nor must a long Japanese name, company
// and job title (forms take what people type) squeeze the people list's
// stage and grade, the accounts list's headings or the person's attribute
// names, nor a long email push the account page's split form sideways,
// nor a long company name another account's merge form (its select).
// Those pages, in Japanese and in English, fit a 1280 px window and
// a 390 px phone with no word of a table broken over lines.
func TestLongJapaneseTitlesFit(t *testing.T) {
	s := stack.ForTest(t, nil)
	const vid = "long-title-browser"
	long := strings.Repeat("とても長いタイトル", 150)
	for i, body := range []string{
		`{"type":"page_view","messageId":"lt-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.co.jp/blog/very-long","title":"` + long + `"}}`,
		`{"type":"download","messageId":"lt-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.co.jp/files/catalog.pdf","title":"製品カタログ"}}`,
		`{"type":"form_submit","messageId":"lt-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.co.jp/contact","title":"お問い合わせ｜株式会社サンプル工業","form":{"id":"contact"},"fields":{"email":"nagai@sample-kogyo.example","company":"株式会社サンプル工業","title":"情報システム部 部長"}}}`,
		`{"type":"form_submit","messageId":"lt-4","anonymousId":"long-name-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"very.long.japanese.person.name.address.jugemu@extremely-long-subdomain.sample-holdings-group.example","name":"寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処","company":"株式会社サンプルホールディングスグループジャパンインターナショナルソリューションズアンドサービシーズ東日本統括本部","title":"代表取締役社長兼最高経営責任者兼最高技術責任者"}}}`,
		`{"type":"form_submit","messageId":"lt-5","anonymousId":"manager-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"abe@sample-holdings-group.example","name":"阿部","company":"株式会社サンプルホールディングスグループジャパンインターナショナルソリューションズアンドサービシーズ東日本統括本部","title":"マネージャー"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "nagai@sample-kogyo.example")
	if err != nil {
		t.Fatal(err)
	}
	jugemu, err := s.App.People.ByEmail(context.Background(), "very.long.japanese.person.name.address.jugemu@extremely-long-subdomain.sample-holdings-group.example")
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := s.App.Accounts.List(context.Background(), account.ByScore, 0)
	if err != nil {
		t.Fatal(err)
	}
	var holdings, kogyo string // the long company's account; another, whose merge form lists the long one
	for _, a := range accounts {
		switch {
		case strings.HasPrefix(a.Name, "株式会社サンプルホールディングス"):
			holdings = a.ID
		case a.Name == "株式会社サンプル工業":
			kogyo = a.ID
		}
	}
	if holdings == "" || kogyo == "" {
		t.Fatalf("no account for the long company: %+v", accounts)
	}

	needChromium(t, "the person page must be measured in CI")
	cmd := exec.Command("node", "../../../tag/browser/fit.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()), "PAGES=people/"+p.ID+",people/"+jugemu.ID+",people,accounts,accounts/"+holdings+",accounts/"+kogyo)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fit.mjs: %v %s", err, out)
	}
	var res struct {
		Errors   []string
		Overflow map[string][]any
		Text     map[string]string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(res.Text["ja-0"], "ダウンロード\t製品カタログ") || !strings.Contains(res.Text["ja-0"], "とても長いタイトルとても長いタイトル") {
		t.Fatalf("the timeline in Japanese: %s", res.Text["ja-0"])
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("%s does not fit: %v", name, over)
		}
	}
	if len(res.Overflow) != 12 || len(res.Errors) > 0 {
		t.Errorf("pages measured %v, console errors %v", res.Overflow, res.Errors)
	}
}
