package event

import (
	"errors"
	"reflect"
	"testing"
)

// TestFormNamedByAString: a backend's form_submit naming its form by a
// string ("form": "contact", as Segment's track properties often do) was
// stored as sent, and no rule's form: ever matched it (the rules read
// {id, name, action}). The string is the form's id; a form that is neither
// an object nor a string is refused, saying what it must be.
func TestFormNamedByAString(t *testing.T) {
	for _, body := range []string{
		`{"type":"form_submit","anonymousId":"a1","messageId":"m1","properties":{"url":"https://www.example.com/contact","form":"contact"}}`,
		`{"type":"track","event":"form_submit","anonymousId":"a1","messageId":"m1","properties":{"url":"https://www.example.com/contact","form":"contact"}}`,
		`{"batch":[{"type":"form_submit","anonymousId":"a1","messageId":"m1","properties":{"url":"https://www.example.com/contact","form":"contact"}}]}`,
	} {
		evs, err := Parse([]byte(body), Server, "", meta())
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %v %v", body, evs, err)
		}
		if got, want := evs[0].Properties["form"], map[string]any{"id": "contact"}; evs[0].Type != FormSubmit || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s form %#v, want %#v", body, evs[0].Type, got, want)
		}
	}
	// An object is kept as it was.
	evs, err := Parse([]byte(`{"type":"form_submit","anonymousId":"a1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact","name":"お問い合わせ"}}}`), Server, "", meta())
	if err != nil || !reflect.DeepEqual(evs[0].Properties["form"], map[string]any{"id": "contact", "name": "お問い合わせ"}) {
		t.Fatalf("an object: %+v %v", evs, err)
	}
	_, err = Parse([]byte(`{"type":"form_submit","anonymousId":"a1","properties":{"url":"https://www.example.com/contact","form":7}}`), Server, "", meta())
	var e *Error
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "properties.form" || e.Message == "" {
		t.Fatalf("a number for a form: %v", err)
	}
}
