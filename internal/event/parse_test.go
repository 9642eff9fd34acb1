package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var recv = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func meta() Meta { return Meta{ReceivedAt: recv, Site: "www"} }

func TestParseTagPageView(t *testing.T) {
	body := `{"type":"page_view","messageId":"m-1","anonymousId":"anon-123456","timestamp":"2026-11-24T11:59:00Z","sentAt":"2026-11-24T11:59:30Z",
	  "properties":{"url":"https://www.example.com/p?utm_source=nl&utm_medium=email&utm_campaign=nov&utm_term=t&utm_content=c","title":"P","referrer":"https://google.com/"},
	  "someFutureField":{"x":1}}`
	evs, err := Parse([]byte(body), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("got %d events", len(evs))
	}
	e := evs[0]
	want := UTM{Source: "nl", Medium: "email", Campaign: "nov", Term: "t", Content: "c"}
	if e.Type != PageView || e.ID != "m-1" || e.Title != "P" || e.Referrer != "https://google.com/" || e.UTM != want || e.Site != "www" {
		t.Fatalf("parsed %+v", e)
	}
	// The client clock is 30 s behind between timestamp and sentAt: the event
	// happened 30 s before the server received it.
	if !e.Timestamp.Equal(recv.Add(-30 * time.Second)) {
		t.Errorf("timestamp = %v, want receivedAt - 30s", e.Timestamp)
	}
	if !e.ReceivedAt.Equal(recv) {
		t.Errorf("receivedAt = %v", e.ReceivedAt)
	}
}

// TestTitleWithoutControls: a page title sent with JSON's \u0000 (a script,
// or a page whose title holds one) was kept as sent, for the timeline and
// the activity the SFA gets; on the compact form and the Segment form.
func TestTitleWithoutControls(t *testing.T) {
	for _, body := range []string{
		`{"type":"page_view","messageId":"m-1","properties":{"url":"https://www.example.com/","title":"料金\u0000プラン\u001b"}}`,
		`{"t":"page_view","i":"m-1","p":{"url":"https://www.example.com/","title":"料金\u0000プラン\u001b"}}`,
	} {
		evs, err := Parse([]byte(body), Browser, "", meta())
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %v", body, err)
		}
		if e := evs[0]; e.Title != "料金プラン" || e.Properties["title"] != "料金プラン" {
			t.Errorf("%s: title %q, properties %q", body, e.Title, e.Properties["title"])
		}
	}
}

// TestParseTagCompact: the tag's compact form (one-letter keys, times in
// ms) parses to the same events as the Segment form, and an event an older
// tag left queued, in the Segment form, still parses inside a compact batch.
func TestParseTagCompact(t *testing.T) {
	ms := func(tm time.Time) string { return strconv.FormatInt(tm.UnixMilli(), 10) }
	sent := recv.Add(-30 * time.Second) // the client clock runs 30 s behind
	body := `{"b":[
	  {"t":"page","i":"m-1","a":"anon-1","s":"www","ts":` + ms(sent.Add(-10*time.Second)) + `,"w":true,"c":true,
	   "p":{"url":"https://www.example.com/p?utm_source=nl","title":"P","referrer":"https://google.com/"}},
	  {"t":"download","i":"m-2","a":"anon-1","s":"www","ts":` + ms(sent) + `,"p":{"url":"https://www.example.com/a.pdf","text":"Guide"}},
	  {"t":"outbound","i":"m-3","a":"anon-1","ts":` + ms(sent) + `,"p":{"url":"https://partner.example/"}},
	  {"t":"track","i":"m-4","a":"anon-1","n":"download","p":{"plan":"pro"}},
	  {"t":"identify","i":"m-5","a":"anon-1","n":{"email":"A@B.example","company":"Acme"}},
	  {"t":"form_submit","i":"m-6","a":"anon-1","p":{"url":"https://www.example.com/c","form":{"id":"contact"},"fields":{"email":"c@d.example"}}},
	  {"type":"page_view","messageId":"old-1","anonymousId":"anon-1","timestamp":"` + sent.Format(time.RFC3339) + `","properties":{"url":"https://www.example.com/old"}}
	],"sent":` + ms(sent) + `}`
	evs, err := Parse([]byte(body), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, typ, name string }{
		{"m-1", PageView, ""}, {"m-2", Download, ""}, {"m-3", Outbound, ""}, {"m-4", Custom, "download"},
		{"m-5", Identify, ""}, {"m-6", FormSubmit, ""}, {"old-1", PageView, ""},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events", len(evs))
	}
	for i, w := range want {
		if e := evs[i]; e.ID != w.id || e.Type != w.typ || e.Name != w.name || e.AnonymousID != "anon-1" {
			t.Errorf("event %d: %+v, want %+v", i, e, w)
		}
	}
	pv := evs[0]
	if pv.URL != "https://www.example.com/p?utm_source=nl" || pv.Title != "P" || pv.Referrer != "https://google.com/" || pv.UTM.Source != "nl" ||
		pv.Site != "www" || !pv.Client.Webdriver || pv.Consent != "granted" {
		t.Errorf("page view %+v", pv)
	}
	// Skew corrected from ts and sent as from timestamp and sentAt.
	if !pv.Timestamp.Equal(recv.Add(-10 * time.Second)) {
		t.Errorf("timestamp %v, want receivedAt - 10s", pv.Timestamp)
	}
	if !evs[6].Timestamp.Equal(recv) {
		t.Errorf("old-form event in a compact batch: timestamp %v, want receivedAt (its time is when it was sent)", evs[6].Timestamp)
	}
	if evs[1].Client.Webdriver || evs[1].Consent != "" || evs[1].Properties["text"] != "Guide" {
		t.Errorf("download %+v", evs[1])
	}
	if evs[3].Properties["plan"] != "pro" {
		t.Errorf("track properties %v", evs[3].Properties)
	}
	if evs[4].Email() != "a@b.example" || evs[4].Attributes()["company"] != "Acme" {
		t.Errorf("identify traits %v", evs[4].Traits)
	}
	if evs[5].Email() != "c@d.example" {
		t.Errorf("form %+v", evs[5])
	}
}

// TestParseTagArray: the tag's array form (body [events..., sent], events
// [t, p, n, a, s, c, w, i, ts] with positional properties for its own
// types) parses to the events its compact object form gives, and events
// older tags queued (compact or Segment form) still parse in its body. A
// form's n, the address the tag took, is kept as tagEmail, never written
// over the form's own field named email (which its Email is).
func TestParseTagArray(t *testing.T) {
	ms := func(tm time.Time) string { return strconv.FormatInt(tm.UnixMilli(), 10) }
	sent := recv.Add(-30 * time.Second)
	ts := ms(sent.Add(-10 * time.Second))
	compact := `{"b":[
	  {"t":"page","i":"1-2-3","a":"4-5-6","s":"www","ts":` + ts + `,"w":true,"c":true,
	   "p":{"url":"https://www.example.com/p?utm_source=nl","title":"P","referrer":"https://google.com/"}},
	  {"t":"download","i":"m-2","a":"4-5-6","s":null,"ts":` + ts + `,"w":false,"c":false,"p":{"url":"https://www.example.com/a.pdf","text":"Guide"}},
	  {"t":"outbound","i":"m-3","a":"4-5-6","ts":` + ts + `,"c":true,"p":{"url":"https://partner.example/","text":""}},
	  {"t":"outbound","i":"m-7","a":"4-5-6","ts":` + ts + `,"c":true,"p":{"url":"https://partner.example/","text":"` + strings.Repeat("x", 99) + `\ud83d"}},
	  {"t":"track","i":"m-4","a":"4-5-6","n":"download","p":{"plan":"pro"},"c":true},
	  {"t":"identify","i":"m-5","a":"4-5-6","n":{"email":"A@B.example","company":"Acme"},"c":false},
	  {"t":"form_submit","i":"m-6","a":"4-5-6","c":true,"p":{"url":"https://www.example.com/c","title":"C","fields":{"email":"typed@d.example","company":"Acme"},"labels":{"company":"会社名"},"form":{"id":"contact","name":null,"action":"https://www.example.com/send"},"tagEmail":"c@d.example"}},
	  {"t":"page","i":"old-compact","a":"4-5-6","p":{"url":"https://www.example.com/old"}},
	  {"type":"page_view","messageId":"old-1","anonymousId":"anon-1","timestamp":"` + sent.Format(time.RFC3339) + `","properties":{"url":"https://www.example.com/old"}}
	],"sent":` + ms(sent) + `}`
	array := `[
	  ["4,5,6",true,"1,2,3","true","www","page",null,["https://www.example.com/p?utm_source=nl","P","https://google.com/"],` + ts + `],
	  ["4,5,6",false,"m-2",0,null,"d",null,["Guide","https://www.example.com/a.pdf"],` + ts + `],
	  ["4,5,6",null,"m-3",1,null,"o",null,["","https://partner.example/"],` + ts + `],
	  ["4,5,6",null,"m-7",1,null,"o",null,["` + strings.Repeat("x", 99) + `\ud83d","https://partner.example/"],` + ts + `],
	  ["4,5,6",null,"m-4","1",null,"track","download",{"plan":"pro"},null],
	  ["4,5,6",null,"m-5","",null,"identify",{"email":"A@B.example","company":"Acme"},null,null],
	  ["4,5,6",null,"m-6","[object Object]",null,"s","c@d.example",["https://www.example.com/c","C",{"email":"typed@d.example","company":"Acme"},"contact",null,"https://www.example.com/send",{"company":"会社名"}],null],
	  {"t":"page","i":"old-compact","a":"4-5-6","p":{"url":"https://www.example.com/old"}},
	  {"type":"page_view","messageId":"old-1","anonymousId":"anon-1","timestamp":"` + sent.Format(time.RFC3339) + `","properties":{"url":"https://www.example.com/old"}},
	` + ms(sent) + `]`
	want, err := Parse([]byte(compact), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse([]byte(array), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 || len(want) != 9 {
		t.Fatalf("%d and %d events, want 9", len(got), len(want))
	}
	for i := range want {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("event %d:\n got %s\nwant %s", i, g, w)
		}
	}
	if pv := got[0]; pv.ID != "1-2-3" || pv.AnonymousID != "4-5-6" || pv.Consent != "granted" || !pv.Client.Webdriver || pv.URL != "https://www.example.com/p?utm_source=nl" ||
		!pv.Timestamp.Equal(recv.Add(-10*time.Second)) {
		t.Errorf("page view %+v", pv)
	}
	if got[1].Consent != "" || got[2].Consent != "granted" || got[2].Type != Outbound || got[6].Type != FormSubmit || got[6].Email() != "typed@d.example" {
		t.Errorf("consent flags, types, form: %+v", got[:7])
	}
}

func TestCorrectSkew(t *testing.T) {
	orig := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) // a client clock years off
	cases := []struct {
		name           string
		sent, original time.Time
		want           time.Time
	}{
		{"skewed clock", orig.Add(5 * time.Second), orig, recv.Add(-5 * time.Second)},
		{"no sentAt", time.Time{}, recv.Add(-time.Hour), recv.Add(-time.Hour)},
		{"no timestamp", recv, time.Time{}, recv},
		{"future clamps to receivedAt", time.Time{}, recv.Add(time.Hour), recv},
		{"sentAt before timestamp clamps", orig, orig.Add(time.Minute), recv},
	}
	for _, c := range cases {
		if got := CorrectSkew(recv, c.sent, c.original); !got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseBatchForms(t *testing.T) {
	one := `{"type":"page_view","messageId":"%s","properties":{"url":"https://a.example/"}}`
	arr := "[" + strings.Join([]string{sprintf(one, "a"), sprintf(one, "b"), sprintf(one, "a")}, ",") + "]"
	evs, err := Parse([]byte(arr), Browser, "", meta())
	if err != nil || len(evs) != 2 {
		t.Fatalf("array: %d events, %v (a repeated messageId in one request is kept once)", len(evs), err)
	}
	batch := `{"sentAt":"2026-11-24T11:00:10Z","sent":"own key","b":1,"batch":[{"type":"track","event":"Signed Up","userId":"u1","timestamp":"2026-11-24T11:00:00Z"}]}`
	evs, err = Parse([]byte(batch), Server, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Type != Custom || evs[0].Name != "Signed Up" || !evs[0].Timestamp.Equal(recv.Add(-10*time.Second)) || evs[0].ID == "" {
		t.Fatalf("batch item: %+v (batch sentAt applies to items; messageId generated)", evs[0])
	}
}

// TestRepeatsKeptOnce: a server batch keeps the first of each message of
// a visitor (anonymousId, else "u:" and the userId), whether it is short
// enough to be compared in a row or takes a map.
func TestRepeatsKeptOnce(t *testing.T) {
	for _, n := range []int{2, 16, 17, 60} {
		var items []string
		var want []string // the first of each (visitor, messageId), in order
		seen := map[string]bool{}
		for i := range n {
			id, who := fmt.Sprintf("m-%d", i%5), `"anonymousId":"a-`+strconv.Itoa(i%3)+`"`
			visitor := "a-" + strconv.Itoa(i%3)
			if i%4 == 0 {
				// A userId alone (an anonymousId spelled as its visitor,
				// u:7, is refused: reservedID).
				who, visitor = `"userId":"7"`, "u:7"
			}
			items = append(items, `{"type":"track","event":"E`+strconv.Itoa(i)+`","messageId":"`+id+`",`+who+`}`)
			if !seen[visitor+" "+id] {
				seen[visitor+" "+id] = true
				want = append(want, "E"+strconv.Itoa(i))
			}
		}
		evs, err := Parse([]byte(`{"batch":[`+strings.Join(items, ",")+`]}`), Server, "", meta())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d events: kept %v, want %v", n, got, want)
		}
	}
}

func TestSegmentCalls(t *testing.T) {
	cases := []struct {
		force, body, wantType, wantName string
	}{
		{"track", `{"userId":"u","event":"download","properties":{"url":"https://x.example/a.pdf"}}`, Download, ""},
		{"track", `{"anonymousId":"a","event":"Webinar Registered"}`, Custom, "Webinar Registered"},
		// The tag's compact keys mean nothing to the Segment API: a caller's
		// own top-level keys of those names are ignored, as unknown keys are.
		{"track", `{"anonymousId":"a","event":"Own Keys","t":5,"p":"x","n":[1],"ts":"now"}`, Custom, "Own Keys"},
		{"page", `{"anonymousId":"a","name":"Home","properties":{"url":"https://x.example/"}}`, PageView, "Home"},
		{"page", `{"anonymousId":"a","context":{"page":{"url":"https://x.example/ctx"}}}`, PageView, ""},
		{"identify", `{"userId":"u","traits":{"email":"A@B.example"}}`, Identify, ""},
		{"group", `{"userId":"u","groupId":"g1"}`, Custom, "$group"},
		{"alias", `{"userId":"u","previousId":"old"}`, Custom, "$alias"},
		// An app's screen has no URL: it is named as Segment's destinations name it.
		{"screen", `{"userId":"u","name":"Billing","properties":{"plan":"pro"}}`, Custom, "Viewed Billing Screen"},
		{"screen", `{"userId":"u"}`, Custom, "Loaded a Screen"},
		{"", `{"type":"screen","userId":"u","name":"ホーム"}`, Custom, "Viewed ホーム Screen"},
		{"screen", `{"userId":"u","name":"Docs","context":{"page":{"url":"https://x.example/docs"}}}`, PageView, "Docs"},
	}
	// A group's traits are the company's: kept in properties, never the
	// user's email or attributes.
	evs, err := Parse([]byte(`{"userId":"u","groupId":"g1","traits":{"name":"株式会社アクメ","email":"info@acme.example"}}`), Server, "group", meta())
	if err != nil {
		t.Fatal(err)
	}
	if tr, _ := evs[0].Properties["traits"].(map[string]any); evs[0].Email() != "" || len(evs[0].Attributes()) != 0 || tr["email"] != "info@acme.example" {
		t.Errorf("group traits: %+v", evs[0])
	}
	for _, c := range cases {
		evs, err := Parse([]byte(c.body), Server, c.force, meta())
		if err != nil {
			t.Errorf("%s %s: %v", c.force, c.body, err)
			continue
		}
		if evs[0].Type != c.wantType || evs[0].Name != c.wantName {
			t.Errorf("%s %s: type %s name %q", c.force, c.body, evs[0].Type, evs[0].Name)
		}
	}
	evs, _ = Parse([]byte(`{"userId":"u","name":"Billing","properties":{"plan":"pro"}}`), Server, "screen", meta())
	if evs[0].Properties["name"] != "Billing" || evs[0].Properties["plan"] != "pro" {
		t.Errorf("screen's properties: %v", evs[0].Properties)
	}
	evs, _ = Parse([]byte(`{"userId":"u","traits":{"email":" A@B.example "}}`), Server, "identify", meta())
	if evs[0].Email() != "a@b.example" {
		t.Errorf("identify email = %q", evs[0].Email())
	}
	evs, _ = Parse([]byte(`{"anonymousId":"a","context":{"page":{"url":"https://x.example/ctx"}}}`), Server, "page", meta())
	if evs[0].URL != "https://x.example/ctx" {
		t.Errorf("context.page.url not used: %q", evs[0].URL)
	}
}

type rejection struct {
	name, body string
	src        Source
	status     int
	field      string
}

// rejections are bodies Parse refuses, with the status and field it names
// (also a corpus of the differential test).
func rejections() []rejection {
	big := strings.Repeat("x", MaxEventBytes)
	return []rejection{
		{"empty", ``, Browser, 400, ""},
		{"not json", `hello`, Browser, 400, ""},
		{"malformed", `{"type":`, Browser, 400, ""},
		{"scalar", `42`, Browser, 400, ""},
		{"empty batch", `{"batch":[]}`, Browser, 400, "batch"},
		{"batch of non-objects", `[1,2]`, Browser, 400, ""}, // the tag's array body: 2 is when it was sent
		{"array body: only the sent time", `[1]`, Browser, 400, "batch"},
		{"array body: sent no time", `[["a1",false,"m",0,"s","page",null,["u","t","r"],1],-5]`, Browser, 400, "sent"},
		{"array event: 8 values", `[["a1",false,"m",0,"s","page",null,["u","t","r"]],1]`, Browser, 400, ""},
		{"array event: no type", `[["a1",false,"m",0,"s",null,null,["u","t","r"],1],1]`, Browser, 400, "t"},
		{"array event: page properties not positional", `[["a1",false,"m",0,"s","page",null,{"url":"u"},1],1]`, Browser, 400, "p"},
		{"array event: form properties short", `[["a1",false,"m",0,"s","s",null,["u","t",{},{}],1],1]`, Browser, 400, "p"},
		{"array event: form without its email", `[["a1",false,"m",0,"s","s",null,["u","t",{},"f",null,"a",{}],1],1]`, Browser, 400, "n"},
		{"array event: form fields no object", `[["a1",false,"m",0,"s","s","a@b.co",["u","t",null,"f",null,"a",{}],1],1]`, Browser, 400, "p"},
		{"array event: consent flag an object", `[["a1",false,"m",{},"s","page",null,["u","t","r"],1],1]`, Browser, 400, "c"},
		{"array event from the server API", `[["a1",false,"m",0,"s","track","x",null,1]]`, Server, 400, ""},
		{"null batch", `{"batch":null}`, Server, 400, "batch"},
		// Baton's own visitor ids: a backend naming one would move a user's
		// later events (u:) or a person's opens (o:) to the email it gives.
		{"server anonymousId of a userId's visitor", `{"type":"identify","anonymousId":"u:vic1","traits":{"email":"a@b.example"}}`, Server, 400, "anonymousId"},
		{"server anonymousId of a person's opens", `{"type":"track","event":"x","anonymousId":"o:p_0123456789abcdef01234567"}`, Server, 400, "anonymousId"},
		{"group without groupId", `{"type":"group","userId":"x","groupId":""}`, Server, 400, "groupId"},
		{"alias without previousId", `{"type":"alias","userId":"lonely"}`, Server, 400, "previousId"},
		{"alias of a userId's visitor", `{"type":"alias","userId":"x","previousId":"u:vic1"}`, Server, 400, "previousId"},
		{"batch not an array", `{"batch":5}`, Server, 400, "batch"},
		{"batch sentAt wrong type", `{"batch":[{"type":"page","userId":"u1","properties":{"url":"https://a.example/"}}],"sentAt":5}`, Server, 400, "sentAt"},
		{"batch context wrong type", `{"context":{"ip":5},"batch":[{"type":"page","userId":"u1","properties":{"url":"https://a.example/"}}]}`, Server, 400, "context.ip"},
		{"no type", `{"messageId":"m","properties":{"url":"https://a.example/"}}`, Browser, 400, "type"},
		{"unknown type", `{"type":"teleport","messageId":"m"}`, Browser, 400, "type"},
		{"a browser naming a userId's visitor", `{"type":"page_view","messageId":"m","anonymousId":"u:12345678","properties":{"url":"https://a.example/"}}`, Browser, 400, "anonymousId"},
		{"array event naming an open's visitor", `[["o:p_123456",false,"m",0,"s","page",null,["https://a.example/","t",""],1],1]`, Browser, 400, "anonymousId"},
		{"sent two centuries after it happened", `{"type":"page_view","messageId":"m","timestamp":"2000-01-01T00:00:00Z","sentAt":"2199-12-31T00:00:00Z","properties":{"url":"https://a.example/"}}`, Browser, 400, "sentAt"},
		{"array body: sent two centuries after", `[["a1",false,"m",0,"s","page",null,["https://a.example/","t",""],946684800000],7258032000000]`, Browser, 400, "sentAt"},
		{"alias previousId with a NUL", `{"type":"alias","userId":"u1","previousId":"a\u0000b"}`, Server, 400, "previousId"},
		{"group groupId with a NUL", `{"type":"group","userId":"u3","groupId":"g\u0000"}`, Server, 400, "groupId"},
		{"group groupId with a tab", `{"type":"group","userId":"u3","groupId":"Acme\tInc"}`, Server, 400, "groupId"},
		{"group groupId with a line break", `{"type":"group","userId":"u3","groupId":"Acme\nInc"}`, Server, 400, "groupId"},
		{"group groupId with U+2028", `{"type":"group","userId":"u3","groupId":"Acme\u2028Inc"}`, Server, 400, "groupId"},
		{"group groupId with a zero-width space", `{"type":"group","userId":"u3","groupId":"Acme\u200bInc"}`, Server, 400, "groupId"},
		{"group groupId with DEL", `{"type":"group","userId":"u3","groupId":"Acme\u007f"}`, Server, 400, "groupId"},
		{"group groupId of spaces", `{"type":"group","userId":"u3","groupId":"  "}`, Server, 400, "groupId"},
		{"group groupId of a full-width space", `{"type":"group","userId":"u3","groupId":"\u3000"}`, Server, 400, "groupId"},
		{"group groupId too long", `{"type":"group","userId":"u3","groupId":"` + strings.Repeat("g", 129) + `"}`, Server, 400, "groupId"},
		{"email_click from a browser", `{"type":"email_click","messageId":"m","properties":{"url":"https://a.example/"}}`, Browser, 400, "type"},
		{"email_click from the server API", `{"type":"email_click","messageId":"m","userId":"u1","properties":{"url":"https://a.example/"}}`, Server, 400, "type"},
		{"offline from a browser", `{"type":"offline","messageId":"m","properties":{"event":"Expo","channel":"exhibition"}}`, Browser, 400, "type"},
		{"offline from the server API", `{"type":"offline","messageId":"m","userId":"u1","properties":{"event":"Expo","channel":"exhibition"}}`, Server, 400, "type"},
		{"email_open in a server batch", `{"batch":[{"type":"page","userId":"u1","properties":{"url":"https://a.example/"}},{"type":"email_open","userId":"u1"}]}`, Server, 400, "type"},
		{"no messageId", `{"type":"page_view","properties":{"url":"https://a.example/"}}`, Browser, 400, "messageId"},
		{"messageId wrong type", `{"type":"page_view","messageId":7,"properties":{"url":"https://a.example/"}}`, Browser, 400, "messageId"},
		{"messageId with space", `{"type":"page_view","messageId":"a b","properties":{"url":"https://a.example/"}}`, Browser, 400, "messageId"},
		{"properties not object", `{"type":"page_view","messageId":"m","properties":[1]}`, Browser, 400, "properties"},
		{"url wrong type", `{"type":"page_view","messageId":"m","properties":{"url":42}}`, Browser, 400, "properties.url"},
		{"url not http", `{"type":"page_view","messageId":"m","properties":{"url":"javascript:alert(1)"}}`, Browser, 400, "properties.url"},
		{"url relative", `{"type":"page_view","messageId":"m","properties":{"url":"/pricing"}}`, Browser, 400, "properties.url"},
		{"page view without url", `{"type":"page_view","messageId":"m"}`, Browser, 400, "properties.url"},
		{"bad referrer", `{"type":"page_view","messageId":"m","properties":{"url":"https://a.example/","referrer":"ftp://x"}}`, Browser, 400, "properties.referrer"},
		// Values from context.page are named there, not as properties.
		{"bad context.page referrer", `{"type":"page","userId":"u1","context":{"page":{"url":"https://a.example/","referrer":"ftp://x"}}}`, Server, 400, "context.page.referrer"},
		{"relative context.page url", `{"type":"page","userId":"u1","context":{"page":{"url":"/pricing"}}}`, Server, 400, "context.page.url"},
		{"title wrong type", `{"type":"page_view","messageId":"m","properties":{"url":"https://a.example/","title":{}}}`, Browser, 400, "properties.title"},
		{"bad timestamp", `{"type":"page_view","messageId":"m","timestamp":"yesterday","properties":{"url":"https://a.example/"}}`, Browser, 400, "timestamp"},
		{"timestamp wrong type", `{"type":"page_view","messageId":"m","timestamp":12,"properties":{"url":"https://a.example/"}}`, Browser, 400, "timestamp"},
		{"bad sentAt", `{"type":"page_view","messageId":"m","sentAt":"1999-01-01T00:00:00Z","properties":{"url":"https://a.example/"}}`, Browser, 400, "sentAt"},
		{"custom without name", `{"type":"custom","messageId":"m"}`, Browser, 400, "event"},
		{"form fields not object", `{"type":"form_submit","messageId":"m","properties":{"fields":"email=a"}}`, Browser, 400, "properties.fields"},
		{"form field nested", `{"type":"form_submit","messageId":"m","properties":{"fields":{"a":{"b":1}}}}`, Browser, 400, "properties.fields.a"},
		{"identify without traits", `{"type":"identify","messageId":"m"}`, Browser, 400, "traits"},
		{"traits wrong type", `{"type":"identify","messageId":"m","traits":"x"}`, Browser, 400, "traits"},
		{"anonymousId too long", `{"type":"page_view","messageId":"m","anonymousId":"` + strings.Repeat("a", 200) + `","properties":{"url":"https://a.example/"}}`, Browser, 400, "anonymousId"},
		{"site with hash", `{"type":"page_view","messageId":"m","site":"a#b","properties":{"url":"https://a.example/"}}`, Browser, 400, "site"},
		{"server call without ids", `{"type":"track","event":"x"}`, Server, 400, "anonymousId"},
		{"event too large", `{"type":"custom","event":"x","messageId":"m","properties":{"p":"` + big + `"}}`, Browser, 413, ""},
		{"invalid utf-8", "{\"type\":\"custom\",\"event\":\"\xff\"}", Browser, 400, ""},
		{"compact: ts not a number", `{"t":"page","i":"m","ts":"now","p":{"url":"https://a.example/"}}`, Browser, 400, "ts"},
		{"compact: ts out of range", `{"t":"page","i":"m","ts":-5,"p":{"url":"https://a.example/"}}`, Browser, 400, "ts"},
		{"compact: ts before 2000", `{"t":"page","i":"m","ts":1000,"p":{"url":"https://a.example/"}}`, Browser, 400, "timestamp"},
		{"compact: properties not object", `{"t":"page","i":"m","p":[1]}`, Browser, 400, "p"},
		{"compact: no messageId", `{"t":"page","p":{"url":"https://a.example/"}}`, Browser, 400, "messageId"},
		{"compact: unknown type", `{"t":"teleport","i":"m"}`, Browser, 400, "type"},
		{"compact: email_click", `{"t":"email_click","i":"m","p":{"url":"https://a.example/"}}`, Browser, 400, "type"},
		{"compact: track name not a string", `{"t":"track","i":"m","n":{"x":1}}`, Browser, 400, "n"},
		{"compact: track without name", `{"t":"track","i":"m"}`, Browser, 400, "event"},
		{"compact: identify traits not an object", `{"t":"identify","i":"m","n":"x"}`, Browser, 400, "n"},
		{"compact: bad sent", `{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"}}],"sent":"x"}`, Browser, 400, "sent"},
		{"compact: sent out of range", `{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"}}],"sent":1e300}`, Browser, 400, "sent"},
		{"compact: empty batch", `{"b":[]}`, Browser, 400, "batch"},
		{"compact form from the server API", `{"t":"track","n":"x","a":"a1"}`, Server, 400, "type"},
	}
}

// TestRejections covers every validation failure: each is a 4xx naming the problem.
func TestRejections(t *testing.T) {
	for _, c := range rejections() {
		_, err := Parse([]byte(c.body), c.src, "", meta())
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want *Error", c.name, err)
			continue
		}
		if e.Status != c.status || e.Field != c.field || e.Message == "" {
			t.Errorf("%s: status %d field %q msg %q; want %d %q", c.name, e.Status, e.Field, e.Message, c.status, c.field)
		}
	}
}

func TestRequestTooLarge(t *testing.T) {
	body := make([]byte, MaxRequestBytes+1)
	_, err := Parse(body, Browser, "", meta())
	var e *Error
	if !errors.As(err, &e) || e.Status != 413 {
		t.Fatalf("err = %v", err)
	}
}

func TestBatchErrorNamesIndex(t *testing.T) {
	body := `{"batch":[{"type":"page_view","messageId":"a","properties":{"url":"https://a.example/"}},{"type":"page_view","messageId":"b"}]}`
	_, err := Parse([]byte(body), Browser, "", meta())
	var e *Error
	if !errors.As(err, &e) || e.Index == nil || *e.Index != 1 {
		t.Fatalf("err = %v", err)
	}
	b, _ := json.Marshal(e)
	if !strings.Contains(string(b), `"index":1`) || !strings.Contains(string(b), `"field":"properties.url"`) {
		t.Errorf("JSON body %s", b)
	}
}

func TestEmailAndAttributes(t *testing.T) {
	body := `{"type":"form_submit","messageId":"m","properties":{"url":"https://a.example/c","fields":{"メールアドレス":"Taro@Example.JP","会社名":"例","employees":250,"optin":true}}}`
	evs, err := Parse([]byte(body), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[0].Email(); got != "taro@example.jp" {
		t.Errorf("Email() = %q", got)
	}
	attrs := evs[0].Attributes()
	if attrs["会社名"] != "例" || attrs["employees"] != "250" || attrs["optin"] != "true" {
		t.Errorf("Attributes() = %v", attrs)
	}
	for _, bad := range []string{"", "x", "a@", "@b.c", "a b@c.d", "Name <a@b.c>", "a@b"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
}

func sprintf(f, a string) string { return strings.Replace(f, "%s", a, 1) }

// parseSeeds are FuzzParse's seeds (and FuzzParseSame's).
var parseSeeds = []string{
	`{"type":"page_view","messageId":"m","properties":{"url":"https://a.example/?utm_source=x"}}`,
	`[{"type":"custom","event":"e","messageId":"m"}]`,
	`{"batch":[{"type":"track","event":"download","userId":"u","properties":{"url":"https://x.example/a.pdf"}}],"sentAt":"2026-01-01T00:00:00Z"}`,
	`{"type":"form_submit","messageId":"m","properties":{"fields":{"email":"a@b.co"}}}`,
	`{"type":"identify","messageId":"m","traits":{"email":"a@b.co"},"timestamp":"2026-01-01T00:00:00+09:00"}`,
	`{"b":[{"t":"page","i":"m","a":"x","s":"www","ts":1767225600000,"w":true,"c":true,"p":{"url":"https://a.example/"}},{"t":"identify","i":"n","n":{"email":"a@b.co"}}],"sent":1767225601000}`,
	`{"t":"form_submit","i":"m","p":{"url":"https://a.example/","fields":{"text-1":"Acme","email":"a@b.co"},"labels":{"text-1":"会社名"}}}`,
	`{"t":"form_submit","i":"m","p":{"url":"https://a.example/","fields":{"pw":"x","n":"4111 1111 1111 1111","m":"a 4111111111111111 b","text-2":"y","email":"a@b.co"},"labels":{"text-2":"パスワード"}}}`,
	`{"type":"identify","userId":"u","traits":{"password":"x","card":{"n":"4111111111111111"},"memo":["5500005555555559"],"email":"a@b.co"}}`,
	// the tag's forms: a referrer's address as its n, before the field
	// named email; a select's value as its n, the address in a labelled field_3
	`[["4,5,6",false,"f-a",1,"www","s","referrer@example.jp",["https://www.example.com/c","C",{"referrer_mail":"referrer@example.jp","email":"newcomer@example.jp","お名前":"新規 太郎"},"c",null,null,{"referrer_mail":"ご紹介者のメールアドレス","email":"メールアドレス"}],null],1764000000000]`,
	`[["4,5,6",false,"f-b",1,"www","s","購読する",["https://www.example.com/c","C",{"field_1":"購読する","field_3":"ｕ＠example.jp"},"c",null,null,{"field_1":"メールマガジンの購読","field_3":"Ｅ-mail（必須）"}],null],1764000000000]`,
	// a BOM before the JSON
	"\ufeff" + `{"batch":[{"type":"track","event":"e","userId":"u"}]}`,
	// Segment's consent object (analytics-consent-tools), in a batch's context and an event's
	`{"context":{"consent":{"categoryPreferences":{"Analytics":true,"Advertising":false}}},"batch":[{"type":"track","event":"e","userId":"u"},{"type":"page","userId":"u","properties":{"url":"https://a.example/"},"context":{"consent":{"categoryPreferences":{"analytics":false}}}}]}`,
	// lone surrogates in ids
	`{"batch":[{"type":"track","event":"e","userId":"u-\ud83d","messageId":"m-\ude00"},{"type":"track","event":"e","anonymousId":"a-\ud83d\ude00"}]}`,
	// group calls naming companies by name: spaces, '#', a full-width space; and a tab
	`{"batch":[{"type":"group","userId":"u","groupId":"Acme Inc"},{"type":"group","userId":"u","groupId":"Team #2"},{"type":"group","userId":"u","groupId":"株式会社\u3000アクメ"},{"type":"group","userId":"u","groupId":"a\tb"}]}`,
}

// TestGroupIDNamesCompanies: senders name a group by the company's name
// ("Acme Inc", "株式会社　アクメ", "Team #2"), which Segment takes; Baton
// refused every such group call (400, no space or '#', the rule of the
// ids it keys by). They are kept, as sent: spacing is not folded.
func TestGroupIDNamesCompanies(t *testing.T) {
	for _, g := range []string{
		"Acme Inc", "Team #2", "株式会社\u3000アクメ", "株式会社 アクメ", "Acme\u00a0Inc", " Acme Inc ", "Acme  Inc",
		"#", "100%", "a#b%23c", "ＡＣＭＥ", strings.Repeat("社", 42) + "xx", // 128 bytes
	} {
		body := `{"type":"group","userId":"u3","groupId":"` + g + `"}`
		for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
			evs, err := parse([]byte(body), Server, "", meta())
			if err != nil || len(evs) != 1 {
				t.Errorf("%s: %v", body, err)
				continue
			}
			var want string
			_ = json.Unmarshal([]byte(`"`+g+`"`), &want)
			if got := evs[0].Properties["groupId"]; got != want {
				t.Errorf("%s: groupId kept as %q, want %q as sent", body, got, want)
			}
		}
	}
	// One byte over.
	if _, err := Parse([]byte(`{"type":"group","userId":"u3","groupId":"`+strings.Repeat("社", 42)+`xxx"}`), Server, "", meta()); err == nil {
		t.Error("a groupId of 129 bytes accepted")
	}
}

// FuzzGroupID: a group call's groupId is accepted exactly when it is at
// most 128 bytes of printable characters and spaces (any width), not
// spaces alone, nor U+FFFD; an accepted one is kept as sent. Refused, it is
// a 400 naming groupId.
func FuzzGroupID(f *testing.F) {
	for _, g := range []string{"acme-1", "Acme Inc", "Team #2", "株式会社\u3000アクメ", "a\tb", "\u200b", " ", "\u3000", "x\x00", "\xff", "\ufffd", "100%"} {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, g string) {
		if g == "" {
			return // absent: the call is refused as lacking it (TestRejections)
		}
		body, _ := json.Marshal(map[string]string{"type": "group", "userId": "u", "groupId": g})
		evs, err := Parse(body, Server, "", meta())
		want := utf8.ValidString(g) && len(g) <= 128 && strings.TrimFunc(g, unicode.IsSpace) != "" &&
			!strings.ContainsFunc(g, func(r rune) bool { return r == utf8.RuneError || !unicode.IsPrint(r) && !unicode.Is(unicode.Zs, r) })
		if !want {
			var e *Error
			if err == nil || !errors.As(err, &e) || e.Status != 400 || e.Field != "groupId" && utf8.ValidString(g) {
				t.Fatalf("groupId %q: %v, want a 400 naming groupId", g, err)
			}
			return
		}
		if err != nil || len(evs) != 1 || evs[0].Properties["groupId"] != g {
			t.Fatalf("groupId %q: %v %+v, want it kept as sent", g, err, evs)
		}
	})
}

// TestIDsWithReplacementCharacterRefused: a userId with a lone surrogate
// escape (a backend cutting an emoji id at a UTF-16 unit, JS's
// str.slice) decodes to U+FFFD, so "usr-\ud83d" and "usr-\ude00" were
// both stored as "usr-\ufffd": two users' events went to one person, and
// a second messageId was dropped as a repeat. An id holding U+FFFD (from
// an escape, or sent as it is) is refused, 400 naming the field; in a
// batch that event alone, as other invalid events of a batch are.
func TestIDsWithReplacementCharacterRefused(t *testing.T) {
	for _, c := range []struct {
		src         Source
		field, body string
	}{
		{Server, "userId", `{"type":"track","userId":"usr-\ud83d","event":"x","messageId":"m-sur-1"}`},
		{Server, "userId", `{"type":"track","userId":"usr-\ude00","event":"x","messageId":"m-sur-1"}`},
		{Server, "anonymousId", `{"type":"track","anonymousId":"anon-\udc00","event":"x","messageId":"m-sur-2"}`},
		{Server, "messageId", `{"type":"track","userId":"u1","event":"x","messageId":"m-\ud800"}`},
		{Server, "messageId", `{"type":"track","userId":"u1","event":"x","messageId":"m-\ud83d\ud83d"}`},
		{Server, "userId", `{"type":"track","userId":"usr-\ufffd","event":"x"}`},
		{Server, "userId", `{"type":"track","userId":"usr-` + "\ufffd" + `","event":"x"}`},
		{Server, "previousId", `{"type":"alias","userId":"u1","previousId":"anon-\udfff"}`},
		{Server, "groupId", `{"type":"group","userId":"u1","groupId":"acme-\ud83d"}`},
		{Browser, "messageId", `{"t":"page","i":"m-\ud83d","p":{"url":"https://a.example/"}}`},
		{Browser, "anonymousId", `[["a-\ud83d",false,"m",0,"www","page",null,["https://a.example/","T",""],1795000000000],1795000000000]`},
	} {
		for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
			evs, err := parse([]byte(c.body), c.src, "", meta())
			var pe *Error
			if err == nil || !errors.As(err, &pe) || pe.Field != c.field || pe.Status != 400 || !strings.Contains(pe.Message, "U+FFFD") {
				got := ""
				if len(evs) > 0 {
					got = evs[0].UserID + "|" + evs[0].AnonymousID + "|" + evs[0].ID
				}
				t.Errorf("%s: err %v, stored %q; want a 400 naming %s", c.body, err, got, c.field)
			}
		}
	}
	// A whole surrogate pair is the emoji, an id like any.
	evs, err := Parse([]byte(`{"type":"track","userId":"usr-\ud83d\ude00","event":"x","messageId":"m-\ud83d\ude00"}`), Server, "", meta())
	if err != nil || evs[0].UserID != "usr-😀" || evs[0].ID != "m-😀" {
		t.Errorf("an emoji id: %+v %v", evs, err)
	}
	// A batch (/v1/batch, the tag's queue) leaves the event out and names
	// it, keeping the others; Parse refuses it whole.
	body := `{"batch":[{"type":"track","userId":"usr-\ud83d","event":"x","messageId":"m1"},` +
		`{"type":"track","userId":"usr-\ude00","event":"x","messageId":"m1"},{"type":"track","userId":"u2","event":"x","messageId":"m1"}]}`
	evs, at, refused, err := ParseEach([]byte(body), Server, meta())
	if err != nil || len(evs) != 1 || evs[0].UserID != "u2" || !slices.Equal(at, []int{2}) ||
		len(refused) != 2 || *refused[0].Index != 0 || refused[0].Field != "userId" || *refused[1].Index != 1 || refused[1].Field != "userId" {
		t.Errorf("batch: kept %+v at %v, refused %+v, err %v", evs, at, refused, err)
	}
	var pe *Error
	if _, err := Parse([]byte(body), Server, "", meta()); !errors.As(err, &pe) || pe.Field != "userId" || pe.Index == nil || *pe.Index != 0 {
		t.Errorf("Parse of the batch: %v", err)
	}
}

// TestBOMBeforeJSONIsRead: a body saved with a UTF-8 byte order mark
// (Windows Notepad, PowerShell 5.1's Out-File -Encoding utf8, then curl
// --data-binary @file) was refused as "body must be a JSON object or
// array": it is one, and RFC 8259 lets a parser ignore the BOM. Every body
// the parser takes (a Segment call, a batch, the tag's /e forms) is read
// as it is without the BOM, and its write key is found.
func TestBOMBeforeJSONIsRead(t *testing.T) {
	for _, c := range []struct {
		src  Source
		body string
	}{
		{Server, `{"type":"track","userId":"u1","event":"Signed Up","messageId":"m-bom"}`},
		{Server, `{"writeKey":"k","batch":[{"type":"track","userId":"u1","event":"Signed Up","messageId":"m-bom"}]}`},
		{Browser, `[["a1",false,"m-bom",0,"www","page",null,["https://a.example/","T",""],1795000000000],1795000000000]`},
		{Browser, `{"t":"page","i":"m-bom","p":{"url":"https://a.example/"}}`},
	} {
		want, err := Parse([]byte(c.body), c.src, "", meta())
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		for _, bom := range []string{"\ufeff", " \ufeff\n"} {
			got, err := Parse([]byte(bom+c.body), c.src, "", meta())
			if err != nil {
				t.Errorf("%q + %s: %v, want it read", bom, c.body, err)
				continue
			}
			if len(got) != 1 || got[0].ID != "m-bom" || !reflect.DeepEqual(got, want) {
				t.Errorf("%q + %s: read %+v, want %+v", bom, c.body, got, want)
			}
		}
	}
	if key, found := BodyWriteKey([]byte("\ufeff" + `{"writeKey":"k","userId":"u1"}`)); key != "k" || !found {
		t.Errorf("write key after a BOM: %q %v", key, found)
	}
	// Only one, and only at the start: elsewhere it is no JSON.
	for _, b := range []string{"\ufeff\ufeff{}", `{"type":"track"}` + "\ufeff"} {
		if _, err := Parse([]byte(b), Server, "", meta()); err == nil {
			t.Errorf("%q accepted", b)
		}
	}
}

// FuzzParse: whatever the body, Parse returns events or an *Error, never
// panics, and every event it returns is valid and within limits.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, server bool) {
		src := Browser
		if server {
			src = Server
		}
		evs, err := Parse(body, src, "", meta())
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
				t.Fatalf("error %v is not a 4xx *Error", err)
			}
			return
		}
		if len(evs) == 0 {
			t.Fatal("no error and no events")
		}
		for _, ev := range evs {
			if ev.ID == "" || ev.Type == "" || ev.Timestamp.After(recv) {
				t.Fatalf("invalid event accepted: %+v", ev)
			}
			if strings.ContainsRune(ev.ID+ev.AnonymousID+ev.UserID, utf8.RuneError) {
				t.Fatalf("an id with U+FFFD accepted: %+v", ev)
			}
			if ev.Type == EmailClick || ev.Type == EmailOpen || ev.Type == Offline {
				t.Fatalf("a tracked-link-only type was accepted from a client")
			}
			if _, err := json.Marshal(ev); err != nil {
				t.Fatalf("accepted event does not marshal: %v", err)
			}
			// Whatever the fields, labels and tag's pick, the email read is
			// an address in its normal form, or none.
			if e := ev.Email(); e != "" {
				if n, err := NormalizeEmail(e); err != nil || n != e {
					t.Fatalf("Email() = %q, not a normal address (%q %v)", e, n, err)
				}
			}
			// No secret field, card number or label of one is kept.
			labels, _ := ev.Properties["labels"].(map[string]any)
			for k, v := range formFields(ev.Properties) {
				l, _ := labels[k].(string)
				if secretEntry(k, v) || SecretField(l) {
					t.Fatalf("secret field %q = %v kept (label %q)", k, v, l)
				}
				if s, ok := v.(string); ok {
					if _, ok := RedactCards(s); ok {
						t.Fatalf("field %q keeps a card number: %q", k, s)
					}
				}
			}
			for k, v := range ev.Traits {
				if secretEntry(k, v) {
					t.Fatalf("secret trait %q = %v kept", k, v)
				}
			}
		}
	})
}

// TestTagArrayCountMessage: a short event says how many values it has and
// how many the form has.
func TestTagArrayCountMessage(t *testing.T) {
	_, err := Parse([]byte(`[["a1",false,"m",0,"s","page",null,["u","t","r"]],1]`), Browser, "", meta())
	if err == nil || !strings.Contains(err.Error(), "has 8 values, not 9") {
		t.Fatalf("%v", err)
	}
}

// TestEmailPicksTheFormsOwnAddress: a form with its visitor's email and a
// colleague's (or a referrer's) identified its browser as whichever the
// map's random order gave first, and a retry of it as another.
func TestEmailPicksTheFormsOwnAddress(t *testing.T) {
	for _, c := range []struct {
		fields map[string]any
		want   string
	}{
		{map[string]any{"manager_email": "boss@b.example.com", "Email": "Lead@A.example.com", "referrer_email": "ref@c.example.com", "メールアドレス": "alt@d.example.com"}, "lead@a.example.com"},
		{map[string]any{"manager_email": "boss@b.example.com", "メールアドレス": "alt@d.example.com", "紹介者メールアドレス": "ref@c.example.com"}, "alt@d.example.com"},
		{map[string]any{"work_email": "w@b.example.com", "personal_email": "p@c.example.com"}, "p@c.example.com"},    // by name
		{map[string]any{"email": "not an address", "work_email": "w@b.example.com"}, "w@b.example.com"},              // an invalid one is passed over
		{map[string]any{"email": "lead@a.example.com", "confirm_email": "lead@a.example.com"}, "lead@a.example.com"}, // the same twice
	} {
		for range 50 { // a map's order differs from one range to the next
			ev := Event{Type: FormSubmit, Properties: map[string]any{"fields": c.fields}}
			if got := ev.Email(); got != c.want {
				t.Fatalf("fields %v: Email() = %q, want %q", c.fields, got, c.want)
			}
		}
	}
	// Traits come before a form's fields, as before.
	ev := Event{Traits: map[string]any{"work_email": "t@b.example.com"}, Properties: map[string]any{"fields": map[string]any{"email": "f@a.example.com"}}}
	if got := ev.Email(); got != "t@b.example.com" {
		t.Fatalf("traits and fields: %q", got)
	}
}

// TestFullWidthEmail: typed with a Japanese input method left in
// full-width mode (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ), a form's email was no
// address: the form was stored and identified nobody, without a word. An
// address that is none as typed is read in its NFKC form (the half-width
// one), as every other field is; one that is an address as typed keeps
// its key.
func TestFullWidthEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ":     "taro@example.co.jp",
		"Ｔａｒｏ.Yamada＠example.jp": "taro.yamada@example.jp",
		"taro@example.co.jp":     "taro@example.co.jp",
		// Full-width letters before a half-width @ are an address to
		// net/mail (a UTF-8 local part); they are the same person's.
		"Ｙａｍａｄａ@Kaisha-Acme.example": "yamada@kaisha-acme.example",
		"ｈａｎａｋｏ@example.jp":          "hanako@example.jp",
		// No NFKC form to take: kept as typed.
		"山田@example.jp": "山田@example.jp",
	} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ｔａｒｏ", "ｔａｒｏ＠", "ｔａｒｏ＠ｅｘａｍｐｌｅ"} {
		if got, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", bad, got)
		}
	}
	ev := Event{Type: FormSubmit, Properties: map[string]any{"fields": map[string]any{"メールアドレス": "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"}}}
	if got := ev.Email(); got != "hanako@example.jp" {
		t.Fatalf("Email() = %q", got)
	}
}

// TestParseEachLeavesOutInvalidEvents: in the tag's queue an invalid event
// is left out with its error (by index), and the others are kept; Parse
// refuses the same body whole; a body with nothing valid, or not valid as a
// whole, is refused by both.
func TestParseEachLeavesOutInvalidEvents(t *testing.T) {
	m := Meta{ReceivedAt: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
	page := func(id string) string {
		return `["a,1",false,"` + id + `",0,null,"page",null,["https://www.example.com/` + id + `","T",""],1795000000000]`
	}
	huge := `["a,1",false,"big",0,null,"page",null,["https://www.example.com/","` + strings.Repeat("x", MaxEventBytes) + `",""],1795000000000]`
	body := "[" + page("m1") + `,["a,1",false,"m2",0,null,"",null,null,1795000000000],` + huge + "," + page("m4") + ",1795000000000]"
	evs, at, refused, err := ParseEach([]byte(body), Browser, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].ID != "m1" || evs[1].ID != "m4" {
		t.Fatalf("kept %+v", evs)
	}
	if !slices.Equal(at, []int{0, 3}) {
		t.Fatalf("kept events at %v in the request, want [0 3]", at)
	}
	if len(refused) != 2 || *refused[0].Index != 1 || refused[0].Field != "t" || *refused[1].Index != 2 || refused[1].Status != 413 {
		t.Fatalf("refused %+v", refused)
	}
	if _, err := Parse([]byte(body), Browser, "", m); err == nil {
		t.Fatal("Parse took a body with invalid events")
	}
	for _, b := range []string{
		`[["a,1",false,"m2",0,null,"",null,null,1795000000000],1795000000000]`, // nothing valid
		"[" + page("m1") + ",", // not JSON
		`{"type":"page_view"}`, // one event, invalid
	} {
		if evs, _, refused, err := ParseEach([]byte(b), Browser, m); err == nil {
			t.Errorf("%.80s: kept %d, refused %d, no error", b, len(evs), len(refused))
		}
	}
}

// TestSegmentSpecTraits: Segment's identify spec shapes company and
// address as objects; a backend that follows it sent a company and an
// address that were dropped, since only flat traits were read. Their
// fields are read as the flat attributes (a flat trait of the same name
// wins); other objects are none.
func TestSegmentSpecTraits(t *testing.T) {
	evs, err := Parse([]byte(`{"userId":"u","traits":{"email":"sato@acme.example","title":"開発課長",
		"company":{"name":"株式会社アクメ","id":"acme-1","industry":"製造業","employee_count":300,"plan":"enterprise","tags":["a"]},
		"address":{"street":"芝公園4-2-8","city":"港区","state":"東京都","postalCode":"105-0011","country":"JP"},
		"preferences":{"newsletter":true}}}`), Server, "identify", meta())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"email": "sato@acme.example", "title": "開発課長",
		"company": "株式会社アクメ", "company_id": "acme-1", "industry": "製造業", "employee_count": "300", "company_plan": "enterprise",
		"street": "芝公園4-2-8", "city": "港区", "state": "東京都", "postal_code": "105-0011", "country": "JP"}
	if got := evs[0].Attributes(); !maps.Equal(got, want) {
		t.Errorf("attributes:\n got %v\nwant %v", got, want)
	}
	flat := Event{Type: Identify, Traits: map[string]any{"company": "Acme KK", "city": "大阪市", "address": map[string]any{"city": "港区"}}}
	if got := flat.Attributes(); got["company"] != "Acme KK" || got["city"] != "大阪市" {
		t.Errorf("flat traits beside objects: %v", got)
	}
}

// TestCheckIDASCII: checkID's ASCII loop answers as the Unicode tables do
// for every byte, alone and after a non-ASCII rune.
func TestCheckIDASCII(t *testing.T) {
	for c := range rune(utf8.RuneSelf) {
		want := unicode.IsSpace(c) || !unicode.IsPrint(c) || c == '#'
		for _, s := range []string{"a" + string(c) + "b", "é" + string(c)} {
			if got := checkID("id", s, 100) != nil; got != want {
				t.Errorf("checkID(%q) refused %v, want %v", s, got, want)
			}
		}
	}
}

// TestSegmentPageScrubbed: a Segment page call's url, referrer, search
// and path properties (the copies the SDK sends beside the URL) are
// scrubbed alike: a servlet session id in the path, a full-width address,
// a secret named in Japanese.
func TestSegmentPageScrubbed(t *testing.T) {
	body := `{"type":"page","messageId":"m","userId":"u","properties":{"url":"https://www.example.com/u/taro＠example.jp;jsessionid=S1?パスワード=x&q=1",` +
		`"referrer":"https://admin:pw@www.example.com/a","path":"/u/taro＠example.jp;jsessionid=S1","search":"?パスワード=x&q=1"}}`
	evs, err := Parse([]byte(body), Server, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	ev := evs[0]
	want := map[string]string{"url": "https://www.example.com/u/redacted?q=1", "referrer": "https://www.example.com/a", "path": "/u/redacted", "search": "?q=1"}
	for k, w := range want {
		if got := ev.Properties[k]; got != w {
			t.Errorf("properties.%s = %q, want %q", k, got, w)
		}
	}
	if ev.URL != want["url"] || ev.Referrer != want["referrer"] {
		t.Errorf("URL %q, referrer %q", ev.URL, ev.Referrer)
	}
}

// TestNumericIDsAsJavaScriptWrites: an id sent as a JSON number is the
// string JavaScript makes of it, as Segment's libraries send it: a backend
// sending the user 12345 as 12345.0 or 1.2345e4 (a float column, a JSON
// encoder's choice) made three users, three people's worth of history. An
// integer keeps every digit, and a number too large for float64 stays as
// written.
func TestNumericIDsAsJavaScriptWrites(t *testing.T) {
	for lit, want := range map[string]string{
		"12345": "12345", "12345.0": "12345", "1.2345e4": "12345", "1.2345E+4": "12345", "123450e-1": "12345",
		"-0": "0", "-0.0": "0", "12.50": "12.5", "9007199254740993": "9007199254740993", "9007199254740993.00": "9007199254740993",
		"12345678901234567890.0": "12345678901234567890", "1e400": "1e400", "1e21": "1e21",
	} {
		for _, parse := range []func([]byte, Source, string, Meta) ([]Event, error){Parse, parseWithStd} {
			body := `{"type":"track","event":"x","messageId":"m-1","userId":` + lit + `,"anonymousId":` + lit + `}`
			evs, err := parse([]byte(body), Server, "", meta())
			if err != nil || len(evs) != 1 || evs[0].UserID != want || evs[0].AnonymousID != want {
				got := ""
				if len(evs) == 1 {
					got = evs[0].UserID + "|" + evs[0].AnonymousID
				}
				t.Errorf("userId %s: %q %v, want %q", lit, got, err, want)
			}
		}
	}
}

// TestOutOfRangeSaysSo: a number too large for any float (1e400), a tag
// time past year 9999 and a timestamp of year 1 (Go's zero time, which was
// taken for none and stored at receive time) are refused saying what is
// wrong with them, on the field that holds them.
func TestOutOfRangeSaysSo(t *testing.T) {
	for _, c := range []struct {
		body        string
		src         Source
		field, want string
	}{
		{`{"userId":"x","type":"track","event":"N","properties":{"n":1e400}}`, Server, "properties", "1e400 is out of range"},
		{`[["a1,2,3,4,5",false,"m1",1,"s","page",null,["https://a.example/","",""],1e400],1700000000000]`, Browser, "ts", "1e400 is out of range"},
		{`[["a1,2,3,4,5",false,"m1",1,"s","page",null,["https://a.example/","",""],1e15],1700000000000]`, Browser, "ts", "milliseconds"},
		{`{"userId":"x","type":"track","event":"N","timestamp":"0001-01-01T00:00:00Z"}`, Server, "timestamp", "out of range"},
		{`{"userId":"x","type":"track","event":"N","sentAt":"0001-01-01T00:00:00Z"}`, Server, "sentAt", "out of range"},
	} {
		_, err := Parse([]byte(c.body), c.src, "", meta())
		var e *Error
		if !errors.As(err, &e) || e.Status != 400 || e.Field != c.field || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: %v, want field %s saying %q", c.body, err, c.field, c.want)
		}
	}
}

// TestTagFormEmailThatIsNone: the tag takes a form's first field whose
// name, label or placeholder says mail as its address; a select labelled
// メールマガジン before the address field gave 受け取る, which as the form's
// "email" hid the field named email and the form identified nobody. What
// is no address is left out, on both readers of the array form; and a
// form's action is scrubbed as any URL (a page's token in it, an address).
func TestTagFormEmailThatIsNone(t *testing.T) {
	body := `[["4,5,6",false,"f-1",1,null,"s","受け取る",["https://www.example.com/c","C",{"mailmag":"受け取る","email":"taro@example.co.jp"},"contact",null,"https://www.example.com/apply?invite_token=SEKRET123&ref_mail=x%40y.example&step=2",{}],null],1700000000000]`
	for _, slow := range []bool{false, true} {
		parse := Parse
		if slow {
			parse = parseStd // encoding/json's reader, through the compact form
		}
		evs, err := parse([]byte(body), Browser, "", meta())
		if err != nil || len(evs) != 1 {
			t.Fatalf("slow %v: %v", slow, err)
		}
		if got := evs[0].Email(); got != "taro@example.co.jp" {
			t.Errorf("slow %v: the form identifies %q", slow, got)
		}
		form, _ := evs[0].Properties["form"].(map[string]any)
		if a, _ := form["action"].(string); a != "https://www.example.com/apply?step=2" {
			t.Errorf("slow %v: form action %q", slow, a)
		}
	}
	// The tag sends the action as written: stored absolute, by the page's URL.
	rel := strings.Replace(body, `"https://www.example.com/apply?invite_token=SEKRET123&ref_mail=x%40y.example&step=2"`, `"../thanks.html?sid=9&ok=1"`, 1)
	evs, err := Parse([]byte(rel), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	if form, _ := evs[0].Properties["form"].(map[string]any); form["action"] != "https://www.example.com/thanks.html?ok=1" {
		t.Errorf("a relative action stored as %v", form["action"])
	}
}

// TestLandingView: the tag's first view once collection starts (consent
// given after a pushState) names the landing page; the collector stores
// the landing view first, with its campaign, click id and the document's
// referrer, and the view as from it. Before, the landing page's UTM
// parameters and ad click id were lost: the view of the page consent was
// given on came from the news site, a referral.
func TestLandingView(t *testing.T) {
	ts := strconv.FormatInt(recv.Add(-time.Second).UnixMilli(), 10)
	body := func(landing string) string {
		return `[["4,5,6",false,"1,2,3",1,"www","page",null,["https://www.example.com/consent2.html","Second","https://news.example/",` + landing + `],` + ts + `],` + ts + `]`
	}
	evs, err := Parse([]byte(body(`"https://www.example.com/consent.html?utm_source=news&utm_medium=email&utm_campaign=c1&gclid=G1&password=x"`)), Browser, "", meta())
	if err != nil {
		t.Fatal(err)
	}
	const landing = "https://www.example.com/consent.html?utm_source=news&utm_medium=email&utm_campaign=c1&gclid=G1"
	if len(evs) != 2 {
		t.Fatalf("%d events, want the landing view and the view", len(evs))
	}
	l, v := evs[0], evs[1]
	if l.Type != PageView || l.ID != "1-2-3-landing" || l.URL != landing || l.Referrer != "https://news.example/" || l.Title != "" ||
		l.UTM != (UTM{Source: "news", Medium: "email", Campaign: "c1"}) || l.Consent != "granted" || l.AnonymousID != "4-5-6" ||
		!l.Timestamp.Equal(v.Timestamp.Add(-time.Millisecond)) || l.Properties["url"] != landing || l.Properties["referrer"] != "https://news.example/" {
		t.Errorf("landing view %+v", l)
	}
	if v.ID != "1-2-3" || v.URL != "https://www.example.com/consent2.html" || v.Referrer != landing || v.Properties["referrer"] != landing || !v.UTM.Empty() {
		t.Errorf("view %+v", v)
	}
	if _, ok := v.Properties["landing"]; ok {
		t.Errorf("the landing page kept as a property: %v", v.Properties)
	}
	// Collection on at load: the landing page is the view's own URL, one
	// view; so for later views ("") and an older tag's three values.
	for _, b := range []string{body(`"https://www.example.com/consent2.html"`), body(`""`), strings.Replace(body(`""`), `,""]`, `]`, 1)} {
		evs, err := Parse([]byte(b), Browser, "", meta())
		if err != nil || len(evs) != 1 || evs[0].Referrer != "https://news.example/" || len(evs[0].Properties) != 3 {
			t.Errorf("%s: %+v %v", b, evs, err)
		}
	}
	// A landing on another site (no pushState reaches one): ignored, the
	// view as sent, with its own referrer.
	for _, other := range []string{`"https://evil.example/?utm_source=evil&gclid=Z"`, `"http://www.example.com/consent.html?utm_source=x"`} {
		evs, err := Parse([]byte(body(other)), Browser, "", meta())
		if err != nil || len(evs) != 1 || evs[0].Referrer != "https://news.example/" || !evs[0].UTM.Empty() {
			t.Errorf("landing %s on another origin: %+v %v", other, evs, err)
		}
	}
	// What is no URL is refused, saying so.
	for _, bad := range []string{`5`, `"javascript:alert(1)"`} {
		_, err := Parse([]byte(body(bad)), Browser, "", meta())
		var e *Error
		if !errors.As(err, &e) || e.Status != 400 || !strings.Contains(e.Message, "landing page") {
			t.Errorf("landing %s: %v", bad, err)
		}
	}
}

// TestHashRouteUTM: a hash-mode single-page app's landing carries its
// campaign in the route's query (#/lp?utm_source=...); it was stored with
// none, a direct visit. The URL's own query still comes first.
func TestHashRouteUTM(t *testing.T) {
	for raw, want := range map[string]UTM{
		"https://www.example.com/page.html#/lp?utm_source=x&utm_medium=cpc&utm_campaign=y":   {Source: "x", Medium: "cpc", Campaign: "y"},
		"https://www.example.com/#!/lp?utm_source=x%20y&utm_content=c":                       {Source: "x y", Content: "c"},
		"https://www.example.com/?utm_source=q#/lp?utm_source=x&utm_medium=cpc":              {Source: "q"},
		"https://www.example.com/?utm_source=&utm_x=1#/lp?utm_source=x":                      {Source: "x"},
		"https://www.example.com/page.html#utm_source=x":                                     {}, // an anchor, no route
		"https://www.example.com/page.html#plans?utm_source=x":                               {}, // an anchor with a "?", no route
		"https://www.example.com/page.html#?utm_source=x":                                    {},
		"https://www.example.com/page.html?ref=1#top":                                        {},
		"https://www.example.com/page.html#/lp?utm_source=x&utm_medium=cpc&utm_source=z#q=1": {Source: "x", Medium: "cpc"},
	} {
		if got := ParseUTM(raw); got != want {
			t.Errorf("ParseUTM(%q) = %+v, want %+v", raw, got, want)
		}
	}
	// And as the collector reads the tag's page view.
	ts := strconv.FormatInt(recv.Add(-time.Second).UnixMilli(), 10)
	evs, err := Parse([]byte(`[["4,5,6",false,"1,2,3",1,"www","page",null,["https://www.example.com/page.html#/lp?utm_source=x&utm_medium=cpc&utm_campaign=y","LP",""],`+ts+`],`+ts+`]`), Browser, "", meta())
	if err != nil || len(evs) != 1 || evs[0].UTM != (UTM{Source: "x", Medium: "cpc", Campaign: "y"}) {
		t.Fatalf("%+v %v", evs, err)
	}
}

// TestUTMValuesAsKept: a UTM value is kept to 256 bytes without cutting a
// character in two (a Japanese campaign name's last character was kept
// half, invalid UTF-8 a report showed as U+FFFD), without bidirectional
// overrides and control characters (anyone can send a utm_source, which
// reports group and the workspace shows), from a page's URL and from a
// Segment call's context.campaign alike, which was kept whole, any size.
func TestUTMValuesAsKept(t *testing.T) {
	long := strings.Repeat("展示会", 40) // 360 bytes
	u := ParseUTM("https://www.example.com/?utm_campaign=" + url.QueryEscape(long) + "&utm_source=%E2%80%AEevil&utm_medium=a%00b&utm_term=%FF")
	if want := strings.Repeat("展示会", 29)[:255]; u.Campaign != want || !utf8.ValidString(u.Campaign) {
		t.Errorf("campaign %q (%d bytes), want the first 85 characters", u.Campaign, len(u.Campaign))
	}
	if u.Source != "evil" || u.Medium != "ab" || u.Term != "\ufffd" {
		t.Errorf("source %q, medium %q, term %q", u.Source, u.Medium, u.Term)
	}
	body := `{"type":"page","userId":"u","properties":{"url":"https://a.example/"},"context":{"campaign":{"name":"` + long + `","source":"\u202eevil","medium":"` + strings.Repeat("m", 300) + `"}}}`
	evs, err := Parse([]byte(body), Server, "", meta())
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	if c := evs[0].UTM; c.Campaign != strings.Repeat("展示会", 29)[:255] || c.Source != "evil" || len(c.Medium) != 256 {
		t.Errorf("context.campaign kept as %+v", c)
	}
}
