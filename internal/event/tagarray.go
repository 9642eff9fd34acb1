package event

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
)

// The tag's array forms, its smallest: a body [event, ..., sent] (sent: ms
// since the epoch, client clock) and an event
// [a, w, i, c, s, t, n, p, ts] (the compact form's values by position, see
// tagWire; the order is the one the tag gzips smallest in), whose
// properties are positional too for the tag's own types:
//
//	page         [url, title, referrer]
//	d (download) [text, url]
//	o (outbound) [text, url]
//	s (form)     [url, title, fields, form id, form name, form action, labels]
//
// A form's n is its email address (the field "email" of its fields). A
// link's text comes cut to 500 UTF-16 units and is kept to 100 here: the
// tag's text.slice(0, 100).
//
// c is the consent flag as the tag computes it (JavaScript truthiness of a
// stored string or 0/1), a and i the ids as the tag writes them (its
// random numbers joined by commas; dashes, as older tags joined them).
// Both are read into the compact object form, so that everything after is
// shared with it.

// arrayKeys are the compact form's keys of an event's values, in the
// array form's order.
var arrayKeys = [...]string{"a", "w", "i", "c", "s", "t", "n", "p", "ts"}

// arrayTypes are the tag's type names in the array form.
var arrayTypes = map[string]string{"page": "page", "d": Download, "o": Outbound, "s": FormSubmit}

// arrayProps are the property names of the positional properties, by type.
var arrayProps = map[string][]string{
	"page":     {"url", "title", "referrer"},
	Download:   {"text", "url"},
	Outbound:   {"text", "url"},
	FormSubmit: {"url", "title", "fields", "form.id", "form.name", "form.action", "labels"},
}

// tagArrayEvent turns an event in the array form into the compact object
// form.
func tagArrayEvent(raw []byte) ([]byte, error) {
	var vs []json.RawMessage
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, jsonErr(err)
	}
	if len(vs) != len(arrayKeys) {
		return nil, errf("", "an event in the array form has %d values, not %d", len(arrayKeys), len(vs))
	}
	v := map[string]json.RawMessage{}
	for k, key := range arrayKeys {
		v[key] = vs[k]
	}
	t, p, n, c := v["t"], v["p"], v["n"], v["c"]
	var typ string
	if err := json.Unmarshal(t, &typ); err != nil || typ == "" {
		return nil, errf("t", "the type must be a string")
	}
	if full, ok := arrayTypes[typ]; ok {
		var err error
		if p, err = arrayProperties(full, p, n); err != nil {
			return nil, err
		}
		if full == FormSubmit {
			n = json.RawMessage("null")
		}
		t, _ = json.Marshal(full)
	}
	consent, err := truthy(c)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`{"t":`)
	b.Write(t)
	for _, kv := range []struct {
		k string
		v json.RawMessage
	}{{"p", p}, {"n", n}, {"a", dashes(v["a"])}, {"s", v["s"]}, {"c", consent}, {"w", v["w"]}, {"i", dashes(v["i"])}, {"ts", v["ts"]}} {
		b.WriteString(`,"` + kv.k + `":`)
		b.Write(kv.v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// arrayProperties names the positional properties of a tag type's event;
// a null value is kept as null (the tag's object form sent it so).
func arrayProperties(typ string, p, n json.RawMessage) (json.RawMessage, error) {
	names := arrayProps[typ]
	var vs []json.RawMessage
	if err := json.Unmarshal(p, &vs); err != nil || len(vs) != len(names) {
		return nil, errf("p", "the properties of a %s event in the array form are %d values", typ, len(names))
	}
	props := map[string]any{}
	for k, name := range names {
		if sub, ok := strings.CutPrefix(name, "form."); ok {
			form, _ := props["form"].(map[string]any)
			if form == nil {
				form = map[string]any{}
				props["form"] = form
			}
			form[sub] = vs[k]
		} else {
			props[name] = vs[k]
		}
	}
	if text, ok := props["text"].(json.RawMessage); ok {
		var s string
		if json.Unmarshal(text, &s) == nil {
			props["text"] = jsSlice(s, 100)
		}
	}
	if typ == FormSubmit {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(props["fields"].(json.RawMessage), &fields); err != nil || fields == nil {
			return nil, errf("p", "a form's fields must be an object")
		}
		var email string
		if err := json.Unmarshal(n, &email); err != nil || email == "" {
			return nil, errf("n", "a form's email address must be a string")
		}
		fields["email"] = n
		props["fields"] = fields
	}
	return json.Marshal(props)
}

// jsSlice is JavaScript's s.slice(0, n) of a string the tag sent, as it
// arrives here: its first n UTF-16 code units. A surrogate pair cut in two
// leaves its first half, which JSON carries as a lone surrogate and Go
// reads as U+FFFD, as utf16.Decode does.
func jsSlice(s string, n int) string {
	u := utf16.Encode([]rune(s))
	if len(u) <= n {
		return s
	}
	return string(utf16.Decode(u[:n]))
}

// truthy is JavaScript's truthiness of the tag's consent flag, as JSON.
func truthy(c json.RawMessage) (json.RawMessage, error) {
	var v any
	if err := json.Unmarshal(c, &v); err != nil {
		return nil, jsonErr(err)
	}
	switch v := v.(type) {
	case nil:
		return json.RawMessage("false"), nil
	case bool:
		return json.RawMessage(c), nil
	case float64:
		return json.RawMessage(boolJSON(v != 0)), nil
	case string:
		return json.RawMessage(boolJSON(v != "")), nil
	}
	return nil, errf("c", "the consent flag must be a boolean, number or string")
}

func boolJSON(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// dashes writes a string id's commas as dashes; any other value is left to
// the compact form's checks.
func dashes(id json.RawMessage) json.RawMessage {
	var s string
	if json.Unmarshal(id, &s) != nil || !strings.Contains(s, ",") {
		return id
	}
	out, _ := json.Marshal(strings.ReplaceAll(s, ",", "-"))
	return out
}

// tagArraySent splits the tag's array body into its events and its sent
// time: a trailing number is the time (ms since the epoch).
func tagArraySent[R ~[]byte](raws []R) ([]R, string, error) {
	if len(raws) == 0 {
		return raws, "", nil
	}
	last := bytes.TrimSpace(raws[len(raws)-1])
	if len(last) == 0 || last[0] != '-' && (last[0] < '0' || last[0] > '9') {
		return raws, "", nil
	}
	var ms float64
	if err := json.Unmarshal(last, &ms); err != nil {
		return nil, "", errf("sent", "must be a number")
	}
	sentAt, err := unixMilli(ms)
	if err != nil {
		return nil, "", errf("sent", "%v", err)
	}
	return raws[:len(raws)-1], sentAt, nil
}
