package collect_test

import (
	"context"
	"testing"
)

// TestNameLineBreakIsOneLine: a form's or an identify call's name with a
// line break (pasted, or a textarea a builder used for it: "新井\r\n 一郎")
// was stored with it and went to the SFA's LastName and the pages'
// titles; the name, company and title are one line, the inquiry keeps its
// lines.
func TestNameLineBreakIsOneLine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	form := `{"type":"form_submit","messageId":"m-nl-1","anonymousId":"anon-nl-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},` +
		`"fields":{"email":"arai@zebra.example","お名前":"新井\r\n 一郎","会社名":"株式会社ゼブラ\r\n東京支店","message":"一行目\r\n二行目"}}}`
	if w := e.do("POST", "/e", form, map[string]string{"Content-Type": "text/plain;charset=UTF-8"}); w.Code != 204 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	ident := `{"userId":"crm-nl-1","messageId":"i-nl-1","traits":{"email":"sato@zebra.example","lastName":"佐藤\n","firstName":"\t花子","title":"部長\r\n(営業)"}}`
	if w := e.do("POST", "/v1/identify", ident, seg); w.Code != 200 {
		t.Fatalf("identify: %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(ctx, "arai@zebra.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name"] != "新井 一郎" || p.Attributes["company"] != "株式会社ゼブラ 東京支店" || p.Attributes["message"] != "一行目\r\n二行目" {
		t.Errorf("the form's person: %q", p.Attributes)
	}
	p, err = e.dir.ByEmail(ctx, "sato@zebra.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["last_name"] != "佐藤" || p.Attributes["first_name"] != "花子" || p.Attributes["title"] != "部長 (営業)" {
		t.Errorf("the identified person: %q", p.Attributes)
	}
}
