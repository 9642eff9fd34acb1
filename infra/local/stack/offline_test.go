package stack_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
)

// TestShiftJISExhibitionList: an exhibition's attendee list as Japanese
// Excel saves it (Shift_JIS) imports through the admin API; the attendees
// are leads whose first touch is the exhibition in the funnel, the example
// rules give the booth visit its points, an attendee who later qualifies
// through a search ad is credited to the exhibition (first touch) and the
// ad (last) under every attribution model, and the same file again stores
// nothing new.
func TestShiftJISExhibitionList(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clock.NewManual(time.Date(2026, 11, 6, 18, 0, 0, 0, tokyo))
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	list, err := japanese.ShiftJIS.NewEncoder().String("氏名,会社名,役職,メールアドレス,イベント名,日付,チャネル\r\n" +
		"山田 太郎,株式会社サンプル,情報システム部長,Taro.Yamada@Example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"髙橋 花子,サンプル工業,,hanako@example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"不明,,,not-an-email,Japan IT Week 秋,2026/11/6,展示会\r\n")
	if err != nil {
		t.Fatal(err)
	}
	post := func() (int, []byte) {
		t.Helper()
		status, _, b := postCSV(t, s, "/admin/touches", list)
		return status, b
	}
	type result struct {
		Rows, Imported, Repeated, NewPeople int
		Errors                              []struct {
			Line   int
			Reason string
		}
	}
	code, b := post()
	var res result
	if code != 200 || json.Unmarshal(b, &res) != nil || res.Rows != 3 || res.Imported != 2 || res.NewPeople != 2 || len(res.Errors) != 1 || res.Errors[0].Line != 4 {
		t.Fatalf("import: %d %s", code, b)
	}
	settle(t, s)

	code, b = admin_(t, s, "/admin/people?email=taro.yamada@example.co.jp", token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil || v.Person.Attributes["company"] != "株式会社サンプル" || v.Person.Attributes["title"] != "情報システム部長" ||
		len(v.Timeline) != 1 || v.Timeline[0].Type != "offline" || v.Timeline[0].Properties["channel"] != "exhibition" {
		t.Fatalf("person: %d %s", code, b)
	}
	// The page says where sales met them: the timeline said only "offline
	// touch", with neither the event's name nor the channel.
	_, html := page(t, s, "/admin/people/"+v.Person.ID+"?lang=ja", token)
	if !strings.Contains(string(html), `オフライン接点</span> <bdi>Japan IT Week 秋</bdi> <span class="chip">展示会</span>`) {
		t.Errorf("the person page's offline touch:\n%s", html)
	}
	// Their touches' pseudo-visitor is said to be no browser, not one
	// linked by a form.
	if !strings.Contains(string(html), `<code>o:`+v.Person.ID+`</code> <span class="small muted">メールの開封とオフライン接点（ブラウザではありません）</span></li>`) {
		t.Errorf("the person page's browsers:\n%s", html)
	}
	code, b = do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
	var ex admin.Explanation
	if code != 200 || json.Unmarshal(b, &ex) != nil {
		t.Fatalf("explain: %d %s", code, b)
	}
	booth := 0.0
	for _, c := range ex.Contributions {
		if c.Rule == "exhibition-booth" {
			booth += c.Delta
		}
	}
	if booth != 20 {
		t.Fatalf("the booth visit scored %v, want the example rule's 20: %s", booth, b)
	}

	code, b = do(t, "GET", s.URL+"/admin/reports/funnel?by=channel", token, "")
	if code != 200 || !strings.Contains(string(b), `"exhibition"`) {
		t.Fatalf("funnel: %d %s", code, b)
	}
	if !strings.Contains(string(b), `{"group":"exhibition","counts":{"lead":2}`) || !strings.Contains(string(b), `"exhibition":{"lead":2}`) {
		t.Fatalf("funnel by channel: the attendees are no exhibition leads: %s", b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/funnel?by=channel&channel=exhibition", token, "")
	if code != 200 || !strings.Contains(string(b), `"lead":2`) {
		t.Fatalf("funnel of the exhibition: %d %s", code, b)
	}

	// The 部長 comes to the site from a search ad the next morning and sends
	// the contact form: an MQL whose first touch is the exhibition and last
	// the ad, in every attribution model as in the funnel.
	clk.Advance(15 * time.Hour)
	for i, body := range []string{
		`{"type":"page_view","messageId":"sj-1","anonymousId":"v-sjis-taro","properties":{"url":"https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=it-week-follow"}}`,
		`{"type":"form_submit","messageId":"sj-2","anonymousId":"v-sjis-taro","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"taro.yamada@example.co.jp"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	code, b = do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
	if code != 200 || json.Unmarshal(b, &ex) != nil || ex.Stage != "mql" {
		t.Fatalf("the attendee did not qualify after the contact form: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/attribution", token, "")
	var attr struct {
		Stages map[string]map[string]map[string]float64
	}
	if code != 200 || json.Unmarshal(b, &attr) != nil {
		t.Fatalf("attribution: %d %s", code, b)
	}
	mql := attr.Stages["mql"]
	if mql["first"]["exhibition"] != 1 || mql["last"]["paid"] != 1 || mql["linear"]["exhibition"] != 0.5 || mql["linear"]["paid"] != 0.5 ||
		mql["position"]["exhibition"] != 0.5 || mql["position"]["paid"] != 0.5 || len(mql["first"]) != 1 {
		t.Fatalf("MQL attribution: want first touch exhibition, last the ad: %s", b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/attribution?by=campaign", token, "")
	if code != 200 || json.Unmarshal(b, &attr) != nil || attr.Stages["mql"]["first"]["Japan IT Week 秋"] != 1 {
		t.Fatalf("attribution by campaign: the exhibition's name is the campaign: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/funnel?by=channel&channel=exhibition", token, "")
	if code != 200 || !strings.Contains(string(b), `"lead":2,"mql":1`) {
		t.Fatalf("funnel of the exhibition after the MQL: %d %s", code, b)
	}

	// The same file again: nothing new is stored, nothing scores twice.
	clk.Advance(time.Hour)
	code, b = post()
	if code != 200 || json.Unmarshal(b, &res) != nil || res.Imported != 0 || res.Repeated != 2 || res.NewPeople != 0 {
		t.Fatalf("import again: %d %s", code, b)
	}
	settle(t, s)
	code, b = admin_(t, s, "/admin/people?email=taro.yamada@example.co.jp", token)
	offline := 0
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person after the second import: %d %s", code, b)
	}
	for _, e := range v.Timeline {
		if e.Type == "offline" {
			offline++
		}
	}
	if offline != 1 {
		t.Fatalf("the booth visit is stored %d times after the second import: %s", offline, b)
	}

	// A file that is neither UTF-8 nor Shift_JIS is refused naming the line.
	list = "email,event,date,channel\r\na@b.example,Expo,2026-11-06,exhibition\r\nc@d.example,\xff\xfe,2026-11-06,exhibition\r\n"
	if code, b = post(); code != 400 || !strings.Contains(string(b), "line 3") {
		t.Fatalf("undecodable file: %d %s", code, b)
	}
}
