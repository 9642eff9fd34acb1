package httpx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestBadJSONSaysWhatIsWrongInJSONTerms(t *testing.T) {
	type body struct {
		Campaign string    `json:"campaign"`
		URLs     []string  `json:"urls"`
		Honeypot bool      `json:"honeypot"`
		Window   int       `json:"scannerWindow"`
		SentAt   time.Time `json:"sentAt"`
	}
	cases := []struct{ in, want, field string }{
		{`{"honeypot":"yes"}`, "honeypot must be true or false, not a string", "honeypot"},
		{`{"urls":"https://x.example/"}`, "urls must be a list of strings, not a string", "urls"},
		{`{"urls":[1]}`, "urls must be a string, not a number", "urls"},
		{`{"scannerWindow":1.5}`, "scannerWindow must be a whole number, not a number 1.5", "scannerWindow"},
		{`{"campaign":{}}`, "campaign must be a string, not an object", "campaign"},
		{`[]`, "the body must be an object, not an array", ""},
		{`{"sentAt":"2026-11-24T10:00"}`, `"2026-11-24T10:00" is not a time: give one with its zone, as RFC 3339`, ""},
		{`{"campaign":"a",}`, "not valid JSON at byte 17", ""},
		{`{"campaign":`, "the JSON ends early", ""},
		{``, "the body is empty", ""},
		{`{"colour":1}`, `unknown field "colour"`, "colour"},
	}
	for _, c := range cases {
		dec := json.NewDecoder(bytes.NewReader([]byte(c.in)))
		dec.DisallowUnknownFields()
		var b body
		err := dec.Decode(&b)
		if err == nil {
			t.Fatalf("%s decoded", c.in)
		}
		got := BadJSON(`{"campaign": ...}`, err)
		if !strings.HasPrefix(got.Error, `body must be {"campaign": ...}: `+c.want) || got.Field != c.field {
			t.Errorf("%s: %+v, want %q field %q", c.in, got, c.want, c.field)
		}
		if strings.Contains(got.Error, "Go ") || strings.Contains(got.Error, "2006") {
			t.Errorf("%s: Go's terms in %q", c.in, got.Error)
		}
	}
}
