package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestNumericIDs: analytics.js sends what identify() was given, and a
// numeric id as a JSON number (segmentio/analytics-ruby#48: "the javascript
// library doesn't convert it to a string"); Segment stores it. Baton takes
// the number's text as the id, the same visitor as the string's.
func TestNumericIDs(t *testing.T) {
	cases := []struct{ force, body, field, want string }{
		{"track", `{"userId":12345,"event":"x"}`, "userId", "12345"},
		{"track", `{"anonymousId":-7,"event":"x"}`, "anonymousId", "-7"},
		{"track", `{"userId":12345678901234567890,"event":"x"}`, "userId", "12345678901234567890"}, // not a float's digits
		{"alias", `{"userId":"u","previousId":42}`, "previousId", "42"},
		{"group", `{"userId":"u","groupId":8}`, "groupId", "8"},
	}
	for _, c := range cases {
		for _, body := range []string{c.body, `{"batch":[` + strings.Replace(c.body, "{", `{"type":"`+c.force+`",`, 1) + `]}`} {
			force := c.force
			if strings.HasPrefix(body, `{"batch"`) {
				force = ""
			}
			evs, err := Parse([]byte(body), Server, force, meta())
			if err != nil {
				t.Errorf("%s: %v", body, err)
				continue
			}
			got := map[string]string{"userId": evs[0].UserID, "anonymousId": evs[0].AnonymousID}
			for _, k := range []string{"previousId", "groupId"} {
				got[k], _ = evs[0].Properties[k].(string)
			}
			if got[c.field] != c.want {
				t.Errorf("%s: %s = %q, want %q", body, c.field, got[c.field], c.want)
			}
		}
	}
	// Other JSON types are still refused, naming the field.
	for _, body := range []string{`{"userId":true,"event":"x"}`, `{"userId":{"id":1},"event":"x"}`, `{"anonymousId":[1],"event":"x"}`} {
		_, err := Parse([]byte(body), Server, "track", meta())
		e, ok := err.(*Error)
		if !ok || e.Status != 400 || (e.Field != "userId" && e.Field != "anonymousId") {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestBatchContextIsMerged: Segment's HTTP API merges a batch's context
// "with any context inside each of the items in the batch" (HTTP API
// Source, Batch): an event's own context fields win, the batch's fill the
// rest.
func TestBatchContextIsMerged(t *testing.T) {
	body := `{"batch":[
	  {"type":"track","event":"a","userId":"u","context":{"library":{"name":"analytics-node"},"locale":"ja-JP"}},
	  {"type":"track","event":"b","userId":"u"},
	  {"type":"track","event":"c","userId":"u","context":{"ip":"198.51.100.1","userAgent":"Own UA"}}],
	  "context":{"ip":"203.0.113.9","userAgent":"Batch UA","locale":"de-DE"}}`
	evs, err := Parse([]byte(body), Server, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	want := []Client{
		{API: "server", IP: "203.0.113.9", UserAgent: "Batch UA", Locale: "ja-JP"},
		{API: "server", IP: "203.0.113.9", UserAgent: "Batch UA", Locale: "de-DE"},
		{API: "server", IP: "198.51.100.1", UserAgent: "Own UA", Locale: "de-DE"},
	}
	for i, ev := range evs {
		if ev.Client != want[i] {
			t.Errorf("event %d: client %+v, want %+v", i, ev.Client, want[i])
		}
	}
}

// TestWriteKeyNeverStored: analytics.js puts the write key in every event
// it sends (normalize.ts: json.writeKey = settings.apiKey), and in a
// batch's body too. It is a secret: no stored event keeps it.
func TestWriteKeyNeverStored(t *testing.T) {
	const key = "secret-write-key-0123456789"
	body := `{"writeKey":"` + key + `","sentAt":"2026-11-24T11:00:01Z","batch":[
	  {"type":"page","anonymousId":"a1","writeKey":"` + key + `","properties":{"url":"https://x.example/"},"context":{"library":{"name":"analytics.js","version":"next-1.70.0"},"writeKey":"` + key + `"},"_metadata":{"bundled":["Segment.io"],"unbundled":[]},"integrations":{"All":true}},
	  {"type":"identify","userId":"u1","writeKey":"` + key + `","traits":{"email":"a@b.example"},"context":{"traits":{"plan":"pro"}}}]}`
	for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
		evs, err := parse([]byte(body), Server, "", meta())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(evs)
		if strings.Contains(string(b), key) {
			t.Fatalf("the write key is kept: %s", b)
		}
	}
}

func TestBodyWriteKey(t *testing.T) {
	cases := []struct {
		body  string
		key   string
		found bool
	}{
		{`{"writeKey":"k1","userId":"u"}`, "k1", true},
		{` {"batch":[{"writeKey":"inner"}],"writeKey":"k2"} `, "k2", true},
		{`{"batch":[{"writeKey":"inner"}]}`, "", false}, // only the body's own
		{`{"writeKey":5}`, "", true},
		{`{"writeKey":null}`, "", true},
		{`{"writeKey":"k\u0031"}`, "k1", true},
		{`{"writeKey":"a","writeKey":"b"}`, "", true}, // two: none is taken
		{`{"writekey":"k"}`, "", false},
		{`[{"writeKey":"k"}]`, "", false},
		{`{"writeKey":"k"`, "", false},
		{`{"writeKey":"k"} x`, "", false},
		{``, "", false},
		{"\ufeff" + `{"writeKey":"k3"}`, "k3", true}, // a BOM before the JSON, as Parse skips it
		{" \ufeff\n" + `{"writeKey":"k4"}`, "k4", true},
	}
	for _, c := range cases {
		key, found := BodyWriteKey([]byte(c.body))
		if key != c.key || found != c.found {
			t.Errorf("%s: %q %v, want %q %v", c.body, key, found, c.key, c.found)
		}
	}
}

// FuzzBodyWriteKey: never panics, and a key it finds is the string
// encoding/json reads at the body's writeKey.
func FuzzBodyWriteKey(f *testing.F) {
	for _, s := range []string{`{"writeKey":"k1","userId":"u"}`, `{"batch":[{"a":1}],"writeKey":"k\u00e9"}`, `{"writeKey":5}`, `{"writeKey":"a","writeKey":"b"}`, "\ufeff" + `{"writeKey":"k"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		key, _ := BodyWriteKey(body)
		if key == "" {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(skipBOM(bytes.TrimSpace(body)), &m); err != nil { // a BOM is skipped, as Parse skips it
			t.Fatalf("key %q found in a body encoding/json refuses: %v", key, err)
		}
		var s string
		if err := json.Unmarshal(m["writeKey"], &s); err != nil || s != key {
			t.Fatalf("key %q, encoding/json reads %q (%v)", key, s, err)
		}
	})
}

// TestPageWithoutURL: Segment's HTTP API page example names no URL
// ({"userId": ..., "name": "Tracking HTTP API"}): from the server API
// it is the custom event Segment's destinations name ("Viewed <name>
// Page", "Loaded a Page"), as an app's screen is; the tag's page views
// still need their URL.
func TestPageWithoutURL(t *testing.T) {
	for _, c := range []struct{ body, name string }{
		{`{"userId":"u","name":"Tracking HTTP API"}`, "Viewed Tracking HTTP API Page"},
		{`{"userId":"u","properties":{"path":"/pricing"}}`, "Loaded a Page"},
	} {
		evs, err := Parse([]byte(c.body), Server, "page", meta())
		if err != nil || evs[0].Type != Custom || evs[0].Name != c.name {
			t.Errorf("%s: %+v %v", c.body, evs, err)
		}
	}
	evs, err := Parse([]byte(`{"userId":"u","name":"Home","properties":{"path":"/"}}`), Server, "page", meta())
	if err != nil || evs[0].Properties["name"] != "Home" || evs[0].Properties["path"] != "/" {
		t.Errorf("properties %+v %v", evs, err)
	}
	if _, err := Parse([]byte(`{"userId":"u","name":"Home","properties":{"url":5}}`), Server, "page", meta()); err == nil {
		t.Error("a page whose url is no string was accepted")
	}
	if _, err := Parse([]byte(`{"type":"page","messageId":"m","name":"Home"}`), Browser, "", meta()); err == nil {
		t.Error("the tag's page view without a URL was accepted")
	}
}

// TestSegmentConsentObject: Segment's consent tooling (analytics.js with
// @segment/analytics-consent-tools, Segment's Consent in Connections spec)
// stamps every event with context.consent as an object,
// {"categoryPreferences": {"Analytics": true, ...}}. Baton read only its
// own string and refused the object: a call was a 400 and a batch a 400
// whole, so every event of a site using the tooling was lost. It is read
// as granted or denied by its analytics category (case-insensitive,
// "Analytics" unless Meta names another), unknown without it, and never
// refuses the event; the string form is unchanged.
func TestSegmentConsentObject(t *testing.T) {
	track := func(consent string) string {
		return `{"type":"track","userId":"u1","event":"Viewed","messageId":"m-consent","context":{"consent":` + consent + `}}`
	}
	for _, c := range []struct {
		consent, category, want string
	}{
		{`{"categoryPreferences":{"Analytics":true,"Advertising":false}}`, "", "granted"},
		{`{"categoryPreferences":{"Analytics":false,"Advertising":true}}`, "", "denied"},
		{`{"categoryPreferences":{"analytics":true}}`, "", "granted"},
		{`{"categoryPreferences":{"ANALYTICS":false}}`, "", "denied"},
		{`{"categoryPreferences":{"Advertising":true}}`, "", ""},
		{`{"categoryPreferences":{"Analytics":"yes"}}`, "", ""},
		{`{"categoryPreferences":{}}`, "", ""},
		{`{"categoryPreferences":null}`, "", ""},
		{`{"categoryPreferences":[true]}`, "", ""},
		{`{}`, "", ""},
		{`{"defaultDestinationBehavior":"imply","categoryPreferences":{"Analytics":true,"Analytics":false}}`, "", "denied"},
		{`{"categoryPreferences":{"C0002":true,"Analytics":false}}`, "c0002", "granted"},
		{`{"categoryPreferences":{"C0002":false,"Analytics":true}}`, "C0002", "denied"},
		{`{"categoryPreferences":{"\u0041nalytics":true}}`, "", "granted"},
		{`"granted"`, "", "granted"},
		{`"denied"`, "", "denied"},
		{`null`, "", ""},
	} {
		m := meta()
		m.ConsentCategory = c.category
		for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
			evs, err := parse([]byte(track(c.consent)), Server, "", m)
			if err != nil {
				t.Errorf("%s (category %q): %v, want it accepted", c.consent, c.category, err)
				continue
			}
			if evs[0].Consent != c.want {
				t.Errorf("%s (category %q): consent %q, want %q", c.consent, c.category, evs[0].Consent, c.want)
			}
		}
	}
	// A batch's context is merged: an event's own consent wins, the
	// batch's holds for the others.
	body := `{"context":{"consent":{"categoryPreferences":{"Analytics":true}}},"batch":[` +
		`{"type":"track","userId":"u1","event":"a","messageId":"m1"},` +
		`{"type":"track","userId":"u1","event":"b","messageId":"m2","context":{"consent":"denied"}},` +
		`{"type":"track","userId":"u1","event":"c","messageId":"m3","context":{"consent":{"categoryPreferences":{"Analytics":false}}}}]}`
	for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
		evs, err := parse([]byte(body), Server, "", meta())
		if err != nil || len(evs) != 3 || evs[0].Consent != "granted" || evs[1].Consent != "denied" || evs[2].Consent != "denied" {
			t.Errorf("batch: %+v %v", evs, err)
		}
	}
	// What is neither form is still refused, naming the field.
	for _, bad := range []string{`"maybe"`, `5`, `true`, `["granted"]`} {
		var pe *Error
		if _, err := Parse([]byte(track(bad)), Server, "", meta()); !errors.As(err, &pe) || pe.Field != "context.consent" {
			t.Errorf("context.consent %s: %v, want a 400 naming context.consent", bad, err)
		}
	}
}
