package stack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestFormFieldsNamedInWords: a Japanese form builder names its fields
// after their labels, words apart (ご担当者 お名前), and form_fields maps
// them as written. A field's name is read as a CSV column's is
// (csvin.Header), which now joins Japanese words (ご担当者お名前), while
// form_fields' names were only width-folded and lower-cased: the mapping
// silently stopped, the name a custom attribute.
func TestFormFieldsNamedInWords(t *testing.T) {
	clk := clock.NewManual(t0)
	p := writeConfig(t, "form_fields: {\"ご担当者 お名前\": name, \"Company  Name\": company, \"部署（必須）\": department}\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p}, clk.Now)
	ev := `{"type":"form_submit","messageId":"ffw1","anonymousId":"form-words-0001","properties":{"fields":{"email":"words@maker.example","ご担当者 お名前":"山田 太郎","Company  Name":"Maker株式会社","部署（必須）":"営業部"}}}`
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(ev))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("event: %v %v", err, resp)
	}
	resp.Body.Close()
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	pp, err := s.App.People.ByEmail(context.Background(), "words@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if a := pp.Attributes; a["name"] != "山田 太郎" || a["company"] != "Maker株式会社" || a["department"] != "営業部" {
		t.Fatalf("form_fields not applied: attributes %v", a)
	}
}
