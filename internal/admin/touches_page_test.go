package admin_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"

	jenc "golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

// touchesFixture serves the admin routes with offline touches imported
// into the fixture's table.
func touchesFixture(t *testing.T) *fixture {
	im := &offline.Importer{}
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	*im = offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Now: f.clk.Now}
	return f
}

// uploadTouches posts a list as the offline touches page's form does
// (multipart: the file, the form's fields, the session's CSRF token).
func (f *fixture) uploadTouches(cookie, csrf, path string, list []byte, fields map[string]string, hdr ...string) answer {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "touches.csv")
	fw.Write(list)
	mw.Close()
	return f.req("POST", path, b.String(), append([]string{"Cookie", cookie, "Content-Type", mw.FormDataContentType()}, hdr...)...)
}

// TestTouchesPage: the workspace has a page to import offline touches
// (GET /admin/touches, in the navigation next to Campaigns): its form
// takes the CSV as Excel saves it in Japan (Shift_JIS) with the channel,
// event and date the API takes as query parameters, and its answer says
// the rows read, imported, already there, new people, and each row not
// imported with its row and why, in Japanese on the Japanese page. There
// was no page: a marketer had to use curl.
func TestTouchesPage(t *testing.T) {
	f := touchesFixture(t)
	cookie, csrf := f.login(fullToken)
	html := []string{"Cookie", cookie, "Accept", "text/html"}
	for lang, want := range map[string][]string{
		"ja": {"<h1>オフライン接点</h1>", "読み取る列", `name="file" type="file"`, `name="channel"`, `name="event"`, `name="date" type="date"`, "名刺交換", `aria-current="page">オフライン接点</a>`},
		"en": {"<h1>Offline touches</h1>", "Columns read", `name="file" type="file"`, "Business card exchange", `href="touches" aria-current="page">Offline touches</a>`},
	} {
		a := f.req("GET", "/admin/touches?lang="+lang, "", html...)
		for _, w := range want {
			if a.code != 200 || !strings.Contains(a.body, w) {
				t.Errorf("GET /admin/touches?lang=%s: %d, lacks %q:\n%s", lang, a.code, w, a.body)
			}
		}
	}
	if a := f.req("GET", "/admin/", "", html...); !strings.Contains(a.body, `<a href="touches">Offline touches</a>`) {
		t.Errorf("the navigation does not link the page:\n%s", a.body)
	}
	// The list as Excel saves it (Shift_JIS), with no channel or event
	// column: the form gives them.
	list, err := jenc.ShiftJIS.NewEncoder().Bytes([]byte("メールアドレス,氏名,会社名,来場日\r\n" +
		"yamada@acme.example,山田 太郎,アクメ株式会社,2026/11/20\r\n" +
		"sato@,佐藤 花子,ベータ,2026/11/20\r\n" +
		"suzuki@beta.example,鈴木 一郎,ベータ,2026/12/30\r\n" +
		"tanaka@gamma.example,田中 次郎,ガンマ,2026/11/20\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"channel": "exhibition", "event": "Japan IT Week 秋"}
	a := f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", list, fields, "Accept", "text/html")
	for _, w := range []string{`id="import-result"`, "読み込んだ 4 行のうち 2 件を新たに登録しました", "読み込んだ行<b>4</b>", "新規登録<b>2</b>", "登録済み<b>0</b>", "新しい人物<b>2</b>", "取り込めなかった行<b>2</b>",
		`<td data-l="行" class="n">3</td><td data-l="理由">「sato@」はメールアドレスではありません。</td>`,
		`<td data-l="行" class="n">4</td><td data-l="理由">日付 2026-12-30 は未来の日付です。</td>`,
		"イベント：<b>Japan IT Week 秋</b>", "接点の種類：<b>展示会</b>", `value="Japan IT Week 秋"`, `<option value="exhibition" selected>`} {
		if a.code != 200 || !strings.Contains(a.body, w) {
			t.Errorf("the form's answer: %d, lacks %q:\n%s", a.code, w, a.body)
		}
	}
	if strings.Contains(a.body, "is not an email address") || strings.Contains(a.body, "in the future") {
		t.Errorf("English reasons on the Japanese page:\n%s", a.body)
	}
	// Again, in English: already imported, the reasons as the API says them.
	a = f.uploadTouches(cookie, csrf, "/admin/touches?lang=en", list, fields, "Accept", "text/html")
	for _, w := range []string{"Imported: 0 of 4 rows read.", "Already imported<b>2</b>", "New people<b>0</b>", "&#34;sato@&#34; is not an email address"} {
		if a.code != 200 || !strings.Contains(a.body, w) {
			t.Errorf("the form's answer again: %d, lacks %q:\n%s", a.code, w, a.body)
		}
	}
	// A list refused whole: what is wrong, in Japanese, by the form kept.
	a = f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", []byte("email\r\nx@acme.example\r\n"), map[string]string{"event": "展示会A"}, "Accept", "text/html")
	if a.code != 400 || !strings.Contains(a.body, `id="import-error" tabindex="-1" autofocus>必要な列がありません：日付`) || !strings.Contains(a.body, `value="展示会A"`) {
		t.Errorf("a list with no date: %d\n%s", a.code, a.body)
	}
	// An empty file.
	a = f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", nil, nil, "Accept", "text/html")
	if a.code != 400 || !strings.Contains(a.body, `id="import-error" tabindex="-1" autofocus>CSV が空です。`) {
		t.Errorf("an empty file: %d\n%s", a.code, a.body)
	}
	// The session's CSRF token is needed, as on every form.
	if a := f.uploadTouches(cookie, "", "/admin/touches", list, fields, "Accept", "text/html"); a.code != 403 {
		t.Errorf("without the CSRF token: %d %s", a.code, a.body)
	}
	// Read scope: the page, no form; an upload refused.
	rc, rcsrf := f.login(readToken)
	a = f.req("GET", "/admin/touches", "", "Cookie", rc, "Accept", "text/html")
	if a.code != 200 || strings.Contains(a.body, `name="file"`) || !strings.Contains(a.body, `id="read-only"`) {
		t.Errorf("read scope: %d\n%s", a.code, a.body)
	}
	if a := f.uploadTouches(rc, rcsrf, "/admin/touches", list, fields, "Accept", "text/html"); a.code != 403 {
		t.Errorf("an upload with the read scope: %d %s", a.code, a.body)
	}
	// The API is as it was: a bearer client's text/csv is answered JSON,
	// a GET that is no browser's has no route.
	api := f.req("POST", "/admin/touches?channel=seminar&event=DX&date=2026-11-20", "email\nyamada@acme.example\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if api.code != 200 || !strings.HasPrefix(api.hdr.Get("Content-Type"), "application/json") || !strings.Contains(api.body, `"imported":1`) {
		t.Errorf("the API: %d %v %s", api.code, api.hdr, api.body)
	}
	if a := f.req("GET", "/admin/touches", "", "Authorization", "Bearer "+fullToken); a.code != 404 || !strings.Contains(a.body, "no such route") {
		t.Errorf("GET by an API client: %d %s", a.code, a.body)
	}
}

// TestTouchesPageListsMissingColumnsInJapanese: a list with an email
// column alone, sent without the form's event, date and channel (the
// newsletter's docs/examples/recipients.csv, say), is refused naming the
// three columns it lacks, on the Japanese page as a Japanese list
// (イベント名（…）、日付（…）、接点の種類（…）); they were joined by the
// API's ", ".
func TestTouchesPageListsMissingColumnsInJapanese(t *testing.T) {
	f := touchesFixture(t)
	cookie, csrf := f.login(fullToken)
	a := f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", []byte("メールアドレス,氏名\r\nx@acme.example,山田 太郎\r\n"), nil, "Accept", "text/html")
	want := `id="import-error" tabindex="-1" autofocus>必要な列がありません：イベント名（列、またはフォームのイベント名）、日付（列、またはフォームの日付）、接点の種類（列、またはフォームの接点の種類：展示会、セミナー、ウェビナー、名刺交換）。`
	if a.code != 400 || !strings.Contains(a.body, want) {
		t.Errorf("a list of emails alone: %d, want %s in:\n%s", a.code, want, a.body)
	}
	a = f.uploadTouches(cookie, csrf, "/admin/touches?lang=en", []byte("email\r\nx@acme.example\r\n"), nil, "Accept", "text/html")
	if want := "missing columns: event (イベント名) or ?event=, date (日付) or ?date=, channel"; a.code != 400 || !strings.Contains(a.body, want) {
		t.Errorf("the English page: %d, want %s in:\n%s", a.code, want, a.body)
	}
}
