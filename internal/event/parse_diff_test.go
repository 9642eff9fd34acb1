package event

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The differential tests: Parse, whose single-pass reader (scan.go) reads
// what clients send, gives what encoding/json reading the same body gives
// (parseStd, the reader Parse had before and still falls back on), events
// or error (status, message, field, index), for every body, source and
// forced type. What follows the reading (types, times, pages, scrubbing)
// is shared, so a change there applies to both.

// edgeBodies are the inputs where a decoder other than encoding/json could
// differ: repeated and case-folded keys, nulls, escapes, numbers, nesting,
// trailing data and the limits.
func edgeBodies() []string {
	pv := `"type":"page_view","messageId":"m","properties":{"url":"https://a.example/"}`
	srv := `"type":"page","userId":"u","properties":{"url":"https://a.example/"}`
	tag := `{"t":"page","i":"m","p":{"url":"https://a.example/"}}`
	deep := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	many := func(n int, ev string) string {
		return `{"batch":[` + strings.TrimSuffix(strings.Repeat(ev+",", n), ",") + `]}`
	}
	return []string{
		`{` + pv + `,"type":"custom","event":"x"}`,
		`{"type":"custom","event":"x","messageId":"m","event":null}`,
		`{"type":"custom","event":"x","messageId":"m","userId":"u","userId":null,"anonymousId":"a","name":"n"}`,
		`{"Type":"page_view","MessageId":"m","Properties":{"url":"https://a.example/"}}`,
		`{"TYPE":"custom","event":"x","messageId":"m"}`,
		`{"ſite":"x",` + pv + `}`,
		`{"\u0074ype":"custom","event":"x","messageId":"m"}`,
		`{"\u0054ype":"custom","event":"x","messageId":"m"}`,
		`{"\u212Aey":"x",` + pv + `}`,
		`{"type":"custom","event":"x","messageId":"m","K":"kelvin","":"empty","\u00e9":"e"}`,
		`{` + pv + `,"properties":{"title":"T"}}`,
		`{` + pv + `,"properties":null}`,
		`{"properties":null,` + pv + `}`,
		`{` + pv + `,"properties":{"url":"https://b.example/","url":"https://c.example/?password=1"}}`,
		`{` + srv + `,"context":{"ip":"203.0.113.9"},"context":{"userAgent":"UA"}}`,
		`{` + srv + `,"context":{"ip":"203.0.113.9"},"context":null}`,
		`{` + srv + `,"context":{"ip":"2001:db8::1","locale":"ja-JP","page":{"url":"https://p.example/","title":"t"},"campaign":{"name":"n","source":"s"},"traits":{"email":"a@b.co"},"webdriver":true,"consent":"granted"}}`,
		`{` + srv + `,"context":{"page":null,"campaign":null,"traits":null,"webdriver":null,"ip":null}}`,
		`{` + srv + `,"context":{"consent":{"categoryPreferences":{"Analytics":true}}}}`,
		`{` + srv + `,"context":{"consent":"denied","consent":{"categoryPreferences":{"Analytics":true,"analytics":null}},"consent":null}}`,
		`{` + srv + `,"context":{"consent":{"categoryPreferences":{"Analytics":true}},"consent":"granted"}}`,
		`{` + srv + `,"context":{"consent":{"categoryPreferences":{"Analytics":true}},"Consent":"denied"}}`,
		`{` + srv + `,"context":{"consent":{"categoryPreferences":{"Analytics":tru}}}}`,
		`{` + srv + `,"context":{"consent":5}}`,
		`{` + srv + `,"context":{"consent":[]}}`,
		`{"batch":[{` + srv + `,"context":{"consent":"denied"}},{` + srv + `}],"context":{"consent":{"categoryPreferences":{"Analytics":true}}}}`,
		`{` + srv + `,"context":{"page":{"url":"https://p.example/"},"page":{"title":"t"}}}`,
		`{"batch":[{` + srv + `}],"batch":null}`,
		`{"batch":null,"batch":[{` + srv + `}]}`,
		`{"batch":[{` + srv + `}],"batch":[{` + srv + `},{"type":"track","event":"e","userId":"u"}]}`,
		`{"Batch":[{` + srv + `}]}`,
		`{"batch":[{` + srv + `}],"sentAt":null,"context":null}`,
		`{"batch":[{` + srv + `}],"sentAt":"2026-11-24T11:00:00Z","sentAt":"2026-11-24T11:00:01Z"}`,
		`{"batch":[{` + srv + `}],"context":{"ip":"203.0.113.9","userAgent":"UA"},"context":{"locale":"de"}}`,
		`{"batch":[{` + srv + `}],"SentAt":"2026-11-24T11:00:00Z"}`,
		`{"batch":[{` + srv + `}],"type":5,"b":{"x":1}}`,
		`{"batch":[{` + srv + `},{` + srv + `,"context":{"ip":"198.51.100.1"}}],"context":{"ip":"203.0.113.9"}}`,
		`{"batch":[{` + srv + `}],"batch":5}`,
		`{"batch":[ {` + srv + `} , {"type":"track","userId":"u","event":"e"} ]}`,
		`{"type":"track","event":"e","userId":12345,"anonymousId":-1.5e3,"previousId":0,"groupId":1e400}`,
		`{"type":"alias","userId":"u","previousId":12,"previousId":null,"groupId":"g","groupId":7}`,
		`{"type":"track","event":"e","userId":true}`,
		`{"type":"track","event":"e","userId":01}`,
		`{"type":"track","event":"e","userId":-}`,
		`{"type":"track","event":"e","anonymousId":{"a":1}}`,
		`{"type":"track","event":"e","UserId":12}`,
		`{"batch":[{` + srv + `,"context":{"locale":"ja"}},{` + srv + `,"context":{"page":null}}],"context":{"ip":"203.0.113.9","page":{"url":"https://b.example/"},"traits":{"a":1},"webdriver":true,"consent":"denied"}}`,
		`{"batch":[{` + srv + `,"context":{"direct":false}},{` + srv + `,"context":{"direct":null,"Direct":true}}],"context":{"direct":true}}`,
		`{` + srv + `,"context":{"direct":"yes"}}`,
		`{"b":null}`,
		`{"b":[` + tag + `],"sent":null}`,
		`{"b":[` + tag + `],"sent":1.5e12}`,
		`{"b":[` + tag + `],"sent":1e400}`,
		`{"b":[` + tag + `],"B":[]}`,
		`{"b":[` + tag + `],"Sent":1764000000000}`,
		`{"b":[` + tag + `],"b":[]}`,
		`{"b":[` + tag + `],"sent":1764000000000,"sent":null}`,
		`{"b":[` + tag + `],"type":5}`,
		`{"b":5}`,
		`{"b":[1]}`,
		`{"b":[` + tag + `,` + tag + `]}`,
		`[["1,2",true,"3,4","true","www","page",null,["https://a.example/?password=1","T",""],1764000000000],1764000000000]`,
		`[["1,2",null,"3,4",0,null,"s","x@b.co",["https://a.example/","T",{"email":"a@b.co"},"f",null,{},{"email":"メール"}],null],1.5e12]`,
		`[["1,2",null,"3,4",0,null,"s",null,["https://a.example/","T",{"email":"a@b.co"},"f",null,{},{"email":"メール"}],null],1.5e12]`,
		`[["1,2",false,"3",1,null,"o",null,["x","https://b.example/"],1e400]]`,
		`[["1",false,"3",1,null,"d",null,["` + strings.Repeat("x", 99) + `\ud83d","https://b.example/a.pdf"],1],5]`,
		`[["1",false,"3",1,null,"o",null,[5,"https://b.example/"],1],5]`,
		`[["1",false,"3",0,null,"d",null,["u"],1],5]`,
		`[["1",false,"3",{},null,"track","x",{"a":1},1],5]`,
		`[["1",false,"3",0,null,"identify",{"email":"a@b.co"},null,1]," 5"]`,
		`[` + tag + `,["1",false,"3",0,null,"page",null,["u","t","r"],1],-1]`,
		`[["1",false,"3",0,null,"page",null,["u","t","r"]],1e400]`,
		// A page view's landing page (its fourth value): another URL, the
		// view's own, none, of the wrong type, not a URL, five values; a
		// compact form's p.landing; the same view twice in one body.
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","https://r.example/","https://a.example/?utm_source=n&gclid=G&password=1"],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","https://r.example/","https://a.example/b"],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","",""],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","",null],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","",5],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","","mailto:a@b.co"],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"page",null,["https://a.example/b","B","","https://a.example/",""],1764000000000],1764000001000]`,
		`[["1,2",false,"3,4",1,null,"d",null,["x","https://a.example/a.pdf","https://a.example/"],1764000000000],1764000001000]`,
		`{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/b","landing":"https://a.example/?utm_source=n"}}]}`,
		`{"b":[{"t":"download","i":"m","p":{"url":"https://a.example/b.pdf","landing":"https://a.example/?utm_source=n"}}]}`,
		`[["1",false,"3",0,null,"page",null,["https://a.example/b","t","","https://a.example/"],1],["1",false,"3",0,null,"page",null,["https://a.example/b","t","","https://a.example/"],1],5]`,
		// Read by decodeTagArray: ids escaped and of other types, values
		// of the wrong type, spaces, escapes, a tag type's and another's p.
		`[["1\u002c2",false,"3,4",0,null,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[["1,2",false,"3\\,4",0,null,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[[5,false,"3",0,null,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[["1",false,true,0,null,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"page",null,["https://a.example/","t",""],"1"],5]`,
		`[["1","yes","3",0,null,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[["1",false,"3",0,7,"page",null,["https://a.example/","t",""],1764000000000],1764000001000]`,
		`[["1",false,"3",0,"w\u0077w","p\u0061ge",null,["https:\/\/a.example\/","t\u00e9",null],1764000000000],1764000001000]`,
		` [ [ "1,2" , true , "3,4" , "0" , "www" , "page" , null , [ "https://a.example/" , "t" , "" ] , 1764000000000 ] , 1764000001000 ] `,
		`{"b":[["1,2",false,"3",0,null,"page",null,["https://a.example/","t",""],1764000000000],["1,2",false,"4",0,null,"o",null,["x","https://b.example/"],1764000000500]],"sent":1764000001000}`,
		`[["1",false,"3",0,null,"track","e",[1],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"track","e",null,1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"track",5,{},1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"identify","x",{},1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"s","a\u0040b.co",["https://a.example/","T",{"email":"x@y.co","k":"v\u00e9","n":null},"f","n","/a",{}],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"s","a@b.co",["https://a.example/","T",{"n":1e400},"f","n","/a",{}],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"s","a@b.co",["https://a.example/","T",{ },null,null,null,null],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"d",null,["t",5],1764000000000],1764000001000]`,
		`[["1",false,"3",0,null,"page",null,["https://a.example/","t",""],1e400],5]`,
		`{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"},"p":{"title":"x"}}]}`,
		`{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"},"p":null}]}`,
		`{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"},"T":"x"}]}`,
		`{"b":[{"t":"page","i":"m","p":{"url":"https://a.example/"},"type":"identify","properties":{"url":5},"timestamp":"x","traits":{"a":1}}]}`,
		`{"t":"identify","i":"m","n":null,"traits":{"a":1}}`,
		`{"t":"identify","i":"m","n":{"email":"a@b.co"},"n":{"company":"c"}}`,
		`{"t":"identify","i":"m","n":5}`,
		`{"t":"track","i":"m","n":"Signed Up","n":null}`,
		`{"t":"track","i":"m","n":"Signed Up","ts":null}`,
		`{"t":"track","i":"m","n":"e","ts":1764000000000.9}`,
		`{"t":"track","i":"m","n":"e","ts":1e20}`,
		`{"t":"track","i":"m","n":"e","ts":-1}`,
		`{"t":"track","i":"m","n":"e","ts":1e400}`,
		`{"t":"track","i":"m","n":"e","ts":1764000000000,"ts":1764000001000}`,
		`{"t":"track","i":"m","n":"e","w":null,"c":null}`,
		`{"t":"track","i":"m","n":"e","w":true,"w":false,"c":true}`,
		`{"t":"track","i":"m","n":"e","w":1}`,
		`{"t":"track","i":"m","n":"e","c":"true"}`,
		`{"t":"","type":"custom","event":"x","messageId":"m"}`,
		`{"t":null,"type":"custom","event":"x","messageId":"m"}`,
		`{"t":"page","i":"m","p":{"url":"https://a.example/"},"integrations":{"All":true}}`,
		`{` + pv + `,"integrations":5}`,
		`{` + pv + `,"integrations":null}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"n":1e400}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":-0,"b":0.1e-5,"c":1E+2,"d":12345678901234567890,"e":[1,"2",true,null,{"f":[]}],"g":{},"h":-1.5e-300}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":01}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":+1}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":1.}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":.5}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":1e}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":NaN}}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"a":tru}}`,
		`{"type":"custom","event":"\ud83d\ude00 \ud800 \udc00x \ud800\u0041 \u00e9 \/ \b\f\n\r\t \" \\","messageId":"m","properties":{"\ud800k":"\udfff"}}`,
		`{"type":"custom","event":"\x","messageId":"m"}`,
		`{"type":"custom","event":"\u12","messageId":"m"}`,
		"{\"type\":\"custom\",\"event\":\"a\tb\",\"messageId\":\"m\"}",
		"{\"type\":\"custom\",\"event\":\"a\x7fb\",\"messageId\":\"m\"}",
		`{"type":"custom","event":"x","messageId":"m"} x`,
		`{"type":"custom","event":"x","messageId":"m"}{}`,
		`{"type":"custom","event":"x","messageId":"m",}`,
		`{"type":"custom","event":"x","messageId":"m" "a":1}`,
		`{"type":"custom","event":"x","messageId":"m","a":[1,]}`,
		`{"type":"custom","event":"x","messageId":"m","a":{"b"}}`,
		`{"type":"custom","event":"x","messageId":"m","a"}`,
		`{"type" : "custom" , "event" : "x" , "messageId" : "m" }`,
		"\u00a0 {\"type\":\"custom\",\"event\":\"x\",\"messageId\":\"m\"}\u2028",
		" \r\n\t[ {\"type\":\"custom\",\"event\":\"x\",\"messageId\":\"m\"} ] ",
		`[]`,
		`[{"type":"custom","event":"x","messageId":"m"},5]`,
		`[{"type":"custom","event":"x","messageId":"m"},{"type":"custom","event":"x","messageId":"m"}]`,
		`[null]`,
		`["x"]`,
		`[{"type":"custom","event":"x","messageId":"m"}]]`,
		`{"type":"custom","event":"x","messageId":"m","p":` + deep(60) + `}`,
		`{"type":"custom","event":"x","messageId":"m","properties":` + deep(200) + `}`,
		`{"type":"custom","event":"x","messageId":"m","a":` + deep(10001) + `}`,
		`{"type":"custom","event":"x","messageId":"m","a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"p":"` + strings.Repeat("x", MaxEventBytes-80) + `"}}`,
		`{"batch":[{"type":"custom","event":"x","userId":"u","properties":{"p":"` + strings.Repeat("x", MaxEventBytes-70) + `"}}]}`,
		many(MaxBatchEvents, `{`+srv+`}`),
		many(MaxBatchEvents+1, `{`+srv+`}`),
		`{"type":"group","userId":"u","groupId":"g","properties":null}`,
		`{"type":"alias","userId":"u","previousId":"p","properties":{"x":1}}`,
		`{"type":"identify","userId":"u","context":{"traits":{"email":"a@b.co"}}}`,
		`{"type":"page","userId":"u","timestamp":"2026-11-24T11:00:00.123456+09:00","originalTimestamp":"2026-11-24T10:00:00Z","sentAt":"2026-11-24T11:00:01"}`,
		`{"type":"page","userId":"u","originalTimestamp":"2026-11-24T10:00:00Z","properties":{"url":"https://a.example/x?token=1&utm_source=a#access_token=2&s=1","referrer":"https://r.example/u/a@b.example","search":"?email=a%40b.co&q=1"}}`,
		`{"type":"page","userId":"u","properties":{"url":"https://a.example/?ſession=1&\u212Aey=2&KEY=3&Pin=4&pin2=5&member_no=6&MEMBER_NO=7"}}`,
		`{"type":"page","userId":"u","properties":{"url":"https://a.example/a;jsessionid=1?e=taro＠example.jp","path":"/u/taro＠example.jp;jsessionid=1","search":"?パスワード=x&q=1"}}`,
		`{"type":"form_submit","messageId":"m","properties":{"url":"https://a.example/","fields":{"a":1,"b":true,"c":null,"d":"x"},"labels":{"a":"A"}}}`,
		`{"type":"form_submit","messageId":"m","properties":{"url":"https://a.example/","fields":{"a":[1]}}}`,
		`{"type":"page_view","messageId":"m","properties":{"url":"https://a.example/"},"context":{"consent":"maybe"}}`,
		`{"type":"page_view","messageId":"m","anonymousId":"a b","properties":{"url":"https://a.example/"}}`,
		`{"type":"page_view","messageId":"m","properties":{"url":"https://a.example/"},"context":{"webdriver":true,"locale":"` + strings.Repeat("x", 40) + `"}}`,
		`{"type":5}`,
		`{"type":"custom","event":["x"],"messageId":"m"}`,
		`{"type":"custom","event":"x","messageId":"m","context":[]}`,
		`{"type":"custom","event":"x","messageId":"m","context":{"page":"x"}}`,
		`{"type":"custom","event":"x","messageId":"m","context":{"ip":5}}`,
		`{"type":"custom","event":"x","messageId":"m","traits":[]}`,
		`{"type":"custom","event":"x","messageId":"m","sentAt":{}}`,
		`{"type":"custom","event":5,"messageId":7}`,
		`{"type":"custom","event":"x","messageId":"m","properties":{"url":5},"timestamp":true}`,
		`{"t":"page","i":5,"p":{"url":"https://a.example/"}}`,
		`{"t":5,"i":"m"}`,
		`{"t":"page","i":"m","p":5,"ts":"x"}`,
		`{"t":"page","i":"m","p":{"url":"https://a.example/"},"n":[]}`,
		`{"t":"identify","i":"m","n":[]}`,
		"",
		"  ",
		"null",
		"true",
		`"x"`,
		`{`,
		`[`,
		`{"batch":`,
		`{"b":[`,
		`{"type":"custom","event":"x","messageId":"m"`,
		"{\"type\":\"custom\",\"event\":\"\xff\",\"messageId\":\"m\"}",
	}
}

// benchAndTestBodies are the bodies the other tests and the benchmark send.
func benchAndTestBodies() []string {
	var out []string
	for _, c := range benchBodies() {
		out = append(out, c.body)
	}
	for _, r := range rejections() {
		out = append(out, r.body)
	}
	out = append(out, parseSeeds...)
	return append(out, edgeBodies()...)
}

var diffForces = []string{"", "page", "screen", "track", "identify", "group", "alias"}

func diffMeta(scrubbed bool) Meta {
	m := Meta{ReceivedAt: recv, Site: "www", Client: Client{UserAgent: "Mozilla/5.0", IP: "198.51.100.0"}}
	if scrubbed {
		m.Scrub = Scrubber{Params: []string{"member_no", "ref"}}
	}
	return m
}

// parseWithStd is Parse with encoding/json alone reading the body.
func parseWithStd(body []byte, src Source, force string, m Meta) ([]Event, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	return parseStd(body, src, force, m)
}

// parseEachWithStd is ParseEach with encoding/json alone reading the body.
func parseEachWithStd(body []byte, src Source, m Meta) ([]Event, []int, []*Error, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, nil, nil, err
	}
	var rejected []*Error
	var at []int
	m.rejected, m.at = &rejected, &at
	evs, err := parseStd(body, src, "", m)
	if err != nil {
		return nil, nil, nil, err
	}
	return evs, at, rejected, nil
}

// sameParse fails t when Parse and the encoding/json reader differ on body,
// and so do ParseEach and its encoding/json reading.
func sameParse(t testing.TB, body []byte, src Source, force string, m Meta) {
	t.Helper()
	n := 0
	newID = func() string { n++; return "generated-" + strconv.Itoa(n) }
	defer func() { newID = NewID }()
	got, gotErr := Parse(append([]byte(nil), body...), src, force, m)
	n = 0
	want, wantErr := parseWithStd(append([]byte(nil), body...), src, force, m)
	if g, w := describeErr(gotErr), describeErr(wantErr); g != w {
		t.Fatalf("src %d force %q body %.300q\nerror  %s\nstd    %s", src, force, body, g, w)
	}
	// Parse may number from where a fast pass it gave up on left off.
	renumber(got)
	renumber(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("src %d force %q body %.300q\nevents %+v\nstd    %+v", src, force, body, got, want)
	}
	if force != "" {
		return
	}
	n = 0
	got, gotAt, gotRej, gotErr := ParseEach(append([]byte(nil), body...), src, m)
	n = 0
	want, wantAt, wantRej, wantErr := parseEachWithStd(append([]byte(nil), body...), src, m)
	if !slices.Equal(gotAt, wantAt) || len(gotAt) != len(got) {
		t.Fatalf("each: src %d body %.300q\nat  %v for %d events\nstd %v", src, body, gotAt, len(got), wantAt)
	}
	if g, w := describeErr(gotErr), describeErr(wantErr); g != w {
		t.Fatalf("each: src %d body %.300q\nerror  %s\nstd    %s", src, body, g, w)
	}
	if len(gotRej) != len(wantRej) {
		t.Fatalf("each: src %d body %.300q\nrefused %d, std %d", src, body, len(gotRej), len(wantRej))
	}
	for i := range gotRej {
		if g, w := describeErr(gotRej[i]), describeErr(wantRej[i]); g != w {
			t.Fatalf("each: src %d body %.300q\nrefused %s\nstd     %s", src, body, g, w)
		}
	}
	renumber(got)
	renumber(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("each: src %d body %.300q\nevents %+v\nstd    %+v", src, body, got, want)
	}
}

// renumber numbers the generated messageIds of evs from 1, in order.
func renumber(evs []Event) {
	n := map[string]string{}
	for i, ev := range evs {
		if strings.HasPrefix(ev.ID, "generated-") {
			if n[ev.ID] == "" {
				n[ev.ID] = "generated-" + strconv.Itoa(len(n)+1)
			}
			evs[i].ID = n[ev.ID]
		}
	}
}

func describeErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	var e *Error
	if !errors.As(err, &e) {
		return "not an *Error: " + err.Error()
	}
	idx := "none"
	if e.Index != nil {
		idx = strconv.Itoa(*e.Index)
	}
	return strconv.Itoa(e.Status) + " field=" + strconv.Quote(e.Field) + " index=" + idx + " " + strconv.Quote(e.Message)
}

// TestParseSameAsStd runs the whole corpus under every source and
// Segment call, with and without operator scrub parameters.
func TestParseSameAsStd(t *testing.T) {
	bodies := benchAndTestBodies()
	for _, b := range bodies {
		for _, scrubbed := range []bool{false, true} {
			sameParse(t, []byte(b), Browser, "", diffMeta(scrubbed))
			for _, f := range diffForces {
				sameParse(t, []byte(b), Server, f, diffMeta(scrubbed))
			}
		}
	}
	// Every body also as the only event of each batch form.
	for _, b := range bodies {
		for _, wrapped := range []string{"[" + b + "]", `{"batch":[` + b + `],"sentAt":"2026-11-24T11:59:00Z"}`, `{"b":[` + b + `],"sent":1795000000000}`} {
			sameParse(t, []byte(wrapped), Browser, "", diffMeta(false))
			sameParse(t, []byte(wrapped), Server, "", diffMeta(true))
		}
	}
}

// FuzzParseSame: for any body, source and Segment call, Parse gives what
// encoding/json's reading gives.
func FuzzParseSame(f *testing.F) {
	for _, b := range benchAndTestBodies() {
		if len(b) < 4096 {
			f.Add([]byte(b), false, uint8(0), false)
			f.Add([]byte(b), true, uint8(0), true)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, server bool, force uint8, scrubbed bool) {
		src, forceType := Browser, ""
		if server {
			src, forceType = Server, diffForces[int(force)%len(diffForces)]
		}
		sameParse(t, body, src, forceType, diffMeta(scrubbed))
	})
}

// TestFastPathTaken: the bodies clients send are read by the fast decoder,
// not handed to encoding/json (the differential tests pass either way).
func TestFastPathTaken(t *testing.T) {
	bodies := parseSeeds
	for _, c := range benchBodies() {
		bodies = append(bodies, c.body)
	}
	for _, b := range bodies {
		body, err := checkBody([]byte(b)) // as Parse reads it (a BOM skipped)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		for _, src := range []Source{Browser, Server} {
			if _, err := parseFast(body, src, "", meta()); err == errSlow {
				t.Errorf("src %d: %s left to encoding/json", src, b)
			}
		}
	}
}
