package event

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchBodies are the bodies the collector parses most: (a) the tag's
// array batch of one page view (POST /e), and the compact one of the tag
// before, (b) a Segment /v1/batch of ten
// page and track calls from a server SDK, (c) a single Segment /v1/page.
func benchBodies() []struct {
	name, body string
	src        Source
	force      string
	events     int
} {
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	sent := recv.Add(-2 * time.Second)
	tag := `{"b":[{"t":"page","p":{"url":"https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov","title":"Pricing | Example Inc.","referrer":"https://www.google.com/"},` +
		`"i":"3f1c2a4e-8b7d-4e2a-9c1f-0a2b3c4d5e6f","a":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b","s":"www","ts":` + ms(sent.Add(-time.Second)) + `,"w":false,"c":false}],"sent":` + ms(sent) + `}`
	array := `[["2649172863,1095434101,3340146153,283719410,4167312008",false,"1849363441,811962113,2920468338,3974313730,2217046519",0,"www","page",null,` +
		`["https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov","Pricing | Example Inc.","https://www.google.com/"],` + ms(sent.Add(-time.Second)) + `],` + ms(sent) + `]`
	ctx := `"context":{"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36","ip":"203.0.113.42","locale":"ja-JP","library":{"name":"analytics-node","version":"2.1.0"}}`
	var items []string
	for i := range 10 {
		id := strconv.Itoa(i)
		ts := sent.Add(-time.Duration(10-i) * time.Second).Format(time.RFC3339Nano)
		if i%2 == 0 {
			items = append(items, `{"type":"page","messageId":"msg-`+id+`","anonymousId":"anon-42","userId":"user-7","name":"Docs","timestamp":"`+ts+`",`+ctx+
				`,"properties":{"url":"https://www.example.com/docs/`+id+`?ref=nav","title":"Docs `+id+`","referrer":"https://www.example.com/","path":"/docs/`+id+`"}}`)
		} else {
			items = append(items, `{"type":"track","messageId":"msg-`+id+`","anonymousId":"anon-42","userId":"user-7","event":"Plan Selected","timestamp":"`+ts+`",`+ctx+
				`,"properties":{"plan":"pro","seats":12,"annual":true,"price":4800.5}}`)
		}
	}
	batch := `{"batch":[` + strings.Join(items, ",") + `],"sentAt":"` + sent.Format(time.RFC3339Nano) + `"}`
	page := `{"anonymousId":"anon-42","userId":"user-7","name":"Pricing","timestamp":"` + sent.Add(-time.Second).Format(time.RFC3339Nano) + `","sentAt":"` + sent.Format(time.RFC3339Nano) + `",` + ctx +
		`,"properties":{"url":"https://www.example.com/pricing?utm_source=ads&utm_medium=cpc","title":"Pricing","referrer":"https://www.google.com/","path":"/pricing","search":"?utm_source=ads&utm_medium=cpc"}}`
	return []struct {
		name, body string
		src        Source
		force      string
		events     int
	}{
		{"tag-array-1-page", array, Browser, "", 1},
		{"tag-compact-1-page", tag, Browser, "", 1},
		{"v1-batch-10", batch, Server, "", 10},
		{"v1-page", page, Server, "page", 1},
	}
}

// BenchmarkParse: the cost of Parse per request and per event (ns/event).
func BenchmarkParse(b *testing.B) { benchParse(b, Parse) }

// BenchmarkParseStd: the same with encoding/json alone reading the
// bodies (the reader Parse had before scan.go), for the ratio in one run:
// go test -bench 'Parse(Std)?$' ./internal/event.
func BenchmarkParseStd(b *testing.B) { benchParse(b, parseWithStd) }

func benchParse(b *testing.B, parse func([]byte, Source, string, Meta) ([]Event, error)) {
	for _, c := range benchBodies() {
		body := []byte(c.body)
		if evs, err := parse(body, c.src, c.force, meta()); err != nil || len(evs) != c.events {
			b.Fatalf("%s: %d events, %v", c.name, len(evs), err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			m := meta()
			for b.Loop() {
				if _, err := parse(body, c.src, c.force, m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.events), "ns/event")
		})
	}
}
