package event

import (
	"errors"
	"strings"
	"testing"
)

// TestNestingBounded: properties or traits nested 9,990 deep were taken
// (encoding/json's limit is 10,000) and every reader paid for it: a
// person's disclosure indents each event, some hundred MB from 40 KB. An
// event nesting past MaxNesting is refused, naming its key; one at the
// bound is kept. Browser array form, Segment track and identify alike.
func TestNestingBounded(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }
	cases := []struct {
		name, field string
		src         Source
		body        func(deep string) string
	}{
		{"tag array custom", "properties.d", Browser, func(d string) string {
			return `[["11,12",false,"15,16",1,"www","custom","a",{"d":` + d + `},1764000000000],1764000000000]`
		}},
		{"segment track", "properties.d", Server, func(d string) string {
			return `{"type":"track","event":"x","messageId":"m-1","anonymousId":"a-1","properties":{"d":` + d + `}}`
		}},
		{"segment identify", "traits.deep", Server, func(d string) string {
			return `{"type":"identify","messageId":"m-2","userId":"u-1","traits":{"email":"a@b.example","deep":{"x":` + d + `}}}`
		}},
	}
	for _, c := range cases {
		// At the bound (the properties object and 31 levels under it).
		depth := MaxNesting - 1
		if c.field == "traits.deep" {
			depth-- // its object is a level
		}
		for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseStd} {
			if _, err := parse([]byte(c.body(nest(depth))), c.src, "", meta()); err != nil {
				t.Errorf("%s at %d levels: %v", c.name, MaxNesting, err)
			}
			_, err := parse([]byte(c.body(nest(depth+1))), c.src, "", meta())
			var e *Error
			if !errors.As(err, &e) || e.Field != c.field || e.Status != 400 || !strings.Contains(e.Message, "nested deeper than 32 levels") {
				t.Errorf("%s one level deeper: %v, want a 400 on %s saying nested deeper than 32 levels", c.name, err, c.field)
			}
			if _, err := parse([]byte(c.body(nest(9990))), c.src, "", meta()); !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("%s 9,990 deep: %v, want refused on %s", c.name, err, c.field)
			}
		}
	}
}

// TestTitleAddressesRedacted: document.title was stored as sent, an
// address in it too ("Reset password for someone.else@example.com"),
// where one in the URL's path is redacted. Both forms of the tag.
func TestTitleAddressesRedacted(t *testing.T) {
	for _, body := range []string{
		`[["11,12",false,"t-1",1,"www","page",null,["https://www.example.com/reset","Reset password for someone.else@example.com",""],1764000000000],1764000000000]`,
		`{"type":"page_view","messageId":"t-2","anonymousId":"anon-123456","properties":{"url":"https://www.example.com/reset","title":"Reset password for someone.else@example.com"}}`,
	} {
		evs, err := Parse([]byte(body), Browser, "", meta())
		if err != nil {
			t.Fatal(err)
		}
		if got := evs[0].Title; got != "Reset password for redacted" || evs[0].Properties["title"] != got {
			t.Errorf("title %q, properties %q", got, evs[0].Properties["title"])
		}
	}
	evs, err := Parse([]byte(`{"type":"page_view","messageId":"t-3","anonymousId":"anon-123456","properties":{"url":"https://www.example.com/","title":"お問い合わせ｜Acme @ Tokyo"}}`), Browser, "", meta())
	if err != nil || evs[0].Title != "お問い合わせ｜Acme @ Tokyo" {
		t.Errorf("a title without an address changed: %v %q", err, evs[0].Title)
	}
}
