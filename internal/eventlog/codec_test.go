package eventlog

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table/bolttable"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/table"
)

// jsonRoundTrip is what storing an event as JSON gave back: the binary form
// must give the same.
func jsonRoundTrip(t testing.TB, ev event.Event) event.Event {
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var out event.Event
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	event.DropSecrets(&out) // as a JSON item is read (decodeInto)
	return out
}

func binaryRoundTrip(t testing.TB, ev event.Event) event.Event {
	out, err := Decode(table.Item{PK: "V#v", SK: "E#e", Data: encode(nil, &ev)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fill sets every field of v (recursively into structs) to a value unlike
// the zero value and unlike the other fields', so a field the codec leaves
// out or mixes up fails the comparison; a field tagged json:"-" is one no
// form of the event carries.
func fill(t *testing.T, v reflect.Value, n *int) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			*n++
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, *n, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Tag.Get("json") == "-" {
				continue // known at the request only, never stored (Client.Direct)
			}
			fill(t, v.Field(i), n)
		}
	case reflect.String:
		*n++
		v.SetString("s" + string(rune('A'+*n)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		*n++
		v.SetUint(uint64(64500 + *n))
	case reflect.Map:
		*n++
		v.Set(reflect.ValueOf(map[string]any{"k": float64(*n), "nested": map[string]any{"x": "y"}}))
	default:
		t.Fatalf("event field of kind %s: teach the codec (and this test) about it", v.Kind())
	}
}

// TestCodecKeepsEveryField fails when a field is added to event.Event
// and the binary form does not carry it.
func TestCodecKeepsEveryField(t *testing.T) {
	var ev event.Event
	n := 0
	fill(t, reflect.ValueOf(&ev).Elem(), &n)
	if got := binaryRoundTrip(t, ev); !reflect.DeepEqual(got, ev) {
		t.Fatalf("round trip lost something:\n got %+v\nwant %+v", got, ev)
	}
	// and each boolean alone (they share a flags byte)
	for _, set := range []func(*event.Event){
		func(e *event.Event) { e.Client.Webdriver = true },
		func(e *event.Event) { e.Enrichment.Bot = true },
		func(e *event.Event) { e.Enrichment.Scanner = true },
	} {
		var one event.Event
		set(&one)
		if got := binaryRoundTrip(t, one); !reflect.DeepEqual(got, one) {
			t.Fatalf("got %+v, want %+v", got, one)
		}
	}
}

func TestCodecGivesWhatJSONGave(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011121, time.UTC)
	for name, ev := range map[string]event.Event{
		"empty": {},
		"page view": {ID: "m1", Type: event.PageView, VisitorID: "v1", ReceivedAt: at, Timestamp: at.Add(-time.Second),
			URL: "https://例え.jp/p?q=1", Title: "製品紹介", Client: event.Client{UserAgent: "UA", IP: "203.0.113.0"},
			Enrichment: event.Enrichment{Country: "JP", ASN: 64500, Org: "Example"}},
		"form": {ID: "m2", Type: event.FormSubmit, VisitorID: "v1", Properties: map[string]any{
			"fields": map[string]any{"email": "a@example.com", "会社名": "株式会社例"},
			"labels": map[string]any{}, "list": []any{1.5, "x", nil, true, false, []any{}, map[string]any{}},
			"nilList": []any(nil), "nilMap": map[string]any(nil), "int": 7, "int64": int64(-3), "uint8": uint8(2),
			"strings": []string{"a", "b"}, "neg0": math.Copysign(0, -1), "big": 1e300, "null": nil,
			"num": json.Number("12.5"),
		}, Traits: map[string]any{"plan": "pro"}},
		"invalid utf-8": {ID: "m3\xff", Title: "a\xffb\xc3", Properties: map[string]any{"k\xfe": "v\xff\xfe"}},
		"far times":     {ID: "m4", Timestamp: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), SentAt: time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC)},
		"offset time":   {ID: "m5", Timestamp: time.Date(2026, 1, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))},
	} {
		t.Run(name, func(t *testing.T) {
			want, got := jsonRoundTrip(t, ev), binaryRoundTrip(t, ev)
			// JSON keeps a time's offset as a fixed zone; the binary form
			// keeps the instant in UTC, and every reader compares instants.
			for _, p := range [][2]*time.Time{{&want.Timestamp, &got.Timestamp}, {&want.SentAt, &got.SentAt}} {
				if !p[0].Equal(*p[1]) {
					t.Fatalf("time %v, want %v", *p[1], *p[0])
				}
				*p[0] = *p[1]
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("binary round trip differs from JSON's:\n got %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestDecodeReadsJSONItems(t *testing.T) {
	ev := event.Event{ID: "old", Type: event.PageView, VisitorID: "v", URL: "https://example.com/",
		Timestamp: time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC), Properties: map[string]any{"a": 1.0}}
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(table.Item{PK: "V#v", SK: "E#old", Data: data})
	if err != nil || !reflect.DeepEqual(got, ev) {
		t.Fatalf("Decode(JSON) = %+v, %v; want %+v", got, err, ev)
	}
}

func TestDecodeRefusesCorruptData(t *testing.T) {
	good := encode(nil, &event.Event{ID: "m", VisitorID: "v", Title: "abc", Properties: map[string]any{"k": []any{"v", 1.0}}})
	for i := 1; i < len(good); i++ {
		if _, err := Decode(table.Item{PK: "V#v", SK: "E#m", Data: good[:i]}); err == nil {
			t.Fatalf("a truncated item (%d of %d bytes) decoded", i, len(good))
		}
	}
	if _, err := Decode(table.Item{PK: "V#v", SK: "E#m", Data: append(good, 0)}); err == nil {
		t.Fatal("an item with trailing bytes decoded")
	}
}

// FuzzDecode: any stored bytes give an event or an error, never a panic;
// what decodes encodes back to bytes that decode to the same event.
func FuzzDecode(f *testing.F) {
	f.Add(encode(nil, &event.Event{ID: "m", Properties: map[string]any{"k": []any{"v", 1.0, map[string]any{"x": nil}}}}))
	f.Add([]byte{codecV1, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := Decode(table.Item{Data: data})
		if err != nil {
			return
		}
		again := binaryRoundTrip(t, ev)
		if !reflect.DeepEqual(normalise(again), normalise(ev)) {
			t.Fatalf("re-encoded event differs:\n%#v\n%#v", again, ev)
		}
	})
}

// normalise makes NaN comparable (a JSON item may not hold one, but fuzzed
// binary may).
func normalise(ev event.Event) string {
	b, _ := json.Marshal(ev)
	return string(b)
}

// FuzzCodecMatchesJSON: events with fuzzed strings and properties (JSON
// values) come back from the binary form as from JSON.
func FuzzCodecMatchesJSON(f *testing.F) {
	f.Add("m1", "https://example.com/?a=1", `{"fields":{"email":"a@example.com"},"n":[1,2.5,null,true]}`, int64(1767225600), 5)
	f.Add("\xff", "", `{"":{}}`, int64(-62135596800), 0)
	f.Fuzz(func(t *testing.T, id, url, props string, sec int64, ns int) {
		var p map[string]any
		if json.Unmarshal([]byte(props), &p) != nil {
			p = nil
		}
		const span = 253402300799 + 62135596800 // years 1 to 9999, which JSON can hold
		ts := time.Unix((sec%span+span)%span-62135596800, int64(ns%1e9+1e9)%1e9).UTC()
		ev := event.Event{ID: id, URL: url, Title: props, Properties: p, Traits: p, Timestamp: ts}
		want, got := jsonRoundTrip(t, ev), binaryRoundTrip(t, ev)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("binary round trip differs from JSON's:\n got %#v\nwant %#v", got, want)
		}
	})
}

// BenchmarkDecode compares decoding a collected page view in the binary
// form and as JSON (what each consumer of the change feed pays per event).
func BenchmarkDecode(b *testing.B) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	ev := event.Event{ID: "b1234567890-1", Type: event.PageView, Site: "www", VisitorID: "visitor-123456", ReceivedAt: at, Timestamp: at,
		SentAt: at, URL: "https://www.example.com/products/widget?utm_source=news", Referrer: "https://www.google.com/", Title: "Widget | Example",
		UTM:        event.UTM{Source: "news", Medium: "email"},
		Client:     event.Client{UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", IP: "203.0.113.0", Locale: "ja-JP"},
		Enrichment: event.Enrichment{Browser: "Chrome", BrowserVersion: "131.0.0.0", OS: "Windows 10", Device: "desktop", Country: "JP", Region: "13", City: "Tokyo", ASN: 64500, Org: "Example Corp"}}
	js, _ := json.Marshal(ev)
	bin := encode(nil, &ev)
	for _, c := range []struct {
		name string
		data []byte
	}{{"binary", bin}, {"json", js}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				if _, err := Decode(table.Item{Data: c.data}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encode(nil, &ev)
		}
	})
}

// TestVisitorOrder: a visitor's events come back oldest first (then by id),
// binary and JSON items alike, with long ids and equal times.
// newLog is a Log on a new bbolt file, closed when the test ends.
func newLog(t *testing.T) *Log {
	t.Helper()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return &Log{T: tb}
}

func TestVisitorOrder(t *testing.T) {
	l := newLog(t)
	ctx := context.Background()
	base := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	long := strings.Repeat("z", 100)
	var evs []event.Event
	for i, c := range []struct {
		id  string
		sec int
	}{{"c", 3}, {"a", 3}, {long, 1}, {"b", 2}, {"d", 0}, {"e", 2}} {
		evs = append(evs, event.Event{ID: c.id, Type: event.PageView, VisitorID: "v", Timestamp: base.Add(time.Duration(c.sec) * time.Second),
			ReceivedAt: base.Add(time.Hour), Title: strconv.Itoa(i)})
	}
	if _, err := l.Append(ctx, evs[:4]); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs[4:] { // as stored before the binary form
		data, _ := json.Marshal(ev)
		if err := l.T.Put(ctx, table.Item{PK: VisitorPK("v"), SK: "E#" + ev.ID, Kind: KindEvent, Data: data}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Visitor(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ev := range got {
		ids = append(ids, ev.ID)
		if ev.VisitorID != "v" || ev.Title == "" {
			t.Fatalf("event %q decoded as %+v", ev.ID, ev)
		}
	}
	if want := []string{"d", long, "b", "e", "a", "c"}; !slices.Equal(ids, want) {
		t.Fatalf("order %q, want %q", ids, want)
	}
	// a corrupt item is an error, not a silently short history
	if err := l.T.Put(ctx, table.Item{PK: VisitorPK("v"), SK: "E#x", Kind: KindEvent, Data: []byte{codecV1, 1}}, table.Always); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Visitor(ctx, "v"); err == nil {
		t.Fatal("a corrupt event read without an error")
	}
}

func TestDecodeWithoutProperties(t *testing.T) {
	var ev event.Event
	n := 0
	fill(t, reflect.ValueOf(&ev).Elem(), &n)
	got, err := DecodeWithoutProperties(table.Item{Data: encode(nil, &ev)})
	if err != nil {
		t.Fatal(err)
	}
	want := ev
	want.Properties, want.Traits = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	js, _ := json.Marshal(ev) // an item stored as JSON is read whole
	if got, err := DecodeWithoutProperties(table.Item{Data: js}); err != nil || got.Properties == nil {
		t.Fatalf("JSON item: %+v, %v", got, err)
	}
	if _, err := DecodeWithoutProperties(table.Item{Data: encode(nil, &ev)[:20]}); err == nil {
		t.Fatal("a truncated item decoded")
	}
}

// TestDecodeBoundsNestedLists: a corrupt item whose nested lists each claim
// as many elements as bytes are left is refused without allocating them all.
func TestDecodeBoundsNestedLists(t *testing.T) {
	data := encode(nil, &event.Event{ID: "m"})
	data = data[:len(data)-2] // drop the empty properties and traits
	const depth = 2000
	data = append(data, 1)      // one property,
	data = append(data, 1, 'k') // named k, whose value is
	for i := 0; i < depth; i++ {
		// Each list claims as many elements as bytes are left after its
		// header (3 bytes each), which each alone may.
		data = append(data, tagList)
		data = binary.AppendUvarint(data, uint64(max(3*(depth-1-i), 128)))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Decode(table.Item{Data: data}); err == nil {
		t.Fatal("a corrupt item decoded")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Fatalf("decoding a %d-byte item allocated %d bytes", len(data), got)
	}
}

// TestSecretsStoredBeforeAreNotRead: a form's fields stored before the
// collector dropped secrets (a password, a card number), in the binary
// form or as JSON, are read back by no one: timelines, replays and
// decodes for the SFA all go through the log's decoders.
func TestSecretsStoredBeforeAreNotRead(t *testing.T) {
	l := newLog(t)
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	form := func(id string) event.Event {
		return event.Event{ID: id, Type: event.FormSubmit, VisitorID: "v", Timestamp: at, ReceivedAt: at, Properties: map[string]any{
			"fields": map[string]any{"email": "a@example.com", "password": "hunter2", "カード番号": "4111111111111111", "message": "card 5500 0055 5555 5559"},
			"labels": map[string]any{"password": "パスワード", "message": "ご質問"},
		}, Traits: map[string]any{"pw": "hunter3", "plan": "pro"}}
	}
	if _, err := l.Append(ctx, []event.Event{form("bin")}); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(form("json")) // as stored before the binary form
	if err := l.T.Put(ctx, table.Item{PK: VisitorPK("v"), SK: "E#json", Kind: KindEvent, Data: data}, table.Always); err != nil {
		t.Fatal(err)
	}
	got, err := l.Visitor(ctx, "v")
	if err != nil || len(got) != 2 {
		t.Fatalf("%d events, %v", len(got), err)
	}
	items, err := l.T.Query(ctx, table.Query{PK: VisitorPK("v"), Prefix: "E#"})
	if err != nil || len(items) != 2 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	for _, it := range items {
		ev, err := Decode(it)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	for _, ev := range got {
		b, _ := json.Marshal(ev)
		for _, s := range []string{"hunter", "4111", "5500", "パスワード"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s: %s read: %s", ev.ID, s, b)
			}
		}
		f, _ := ev.Properties["fields"].(map[string]any)
		if f["email"] != "a@example.com" || f["message"] != "card [card number]" || ev.Traits["plan"] != "pro" || ev.Labels()["message"] != "ご質問" {
			t.Errorf("%s: what is no secret must stay: %s", ev.ID, b)
		}
	}
}
