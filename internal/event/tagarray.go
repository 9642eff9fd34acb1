package event

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The tag's array forms, its smallest: a body [event, ..., sent] (sent: ms
// since the epoch, client clock) and an event
// [t, p, n, a, s, c, w, i, ts] (the compact form's values by position,
// see tagWire), whose properties are positional too for the tag's own
// types:
//
//	page         [url, title, referrer]
//	download     [url, text]
//	o (outbound) [url, text]
//	s (form)     [url, title, fields, labels, form id, form name, form action]
//
// and a form's n is its email address (the field "email" of its fields).
//
// c is the consent flag as the tag computes it (JavaScript truthiness of a
// stored string or 0/1), a and i the ids as the tag writes them (its
// random numbers joined by commas; dashes, as older tags joined them).
// Both are read into the compact object form, so that everything after is
// shared with it.

// arrayTypes are the tag's type names in the array form.
var arrayTypes = map[string]string{"page": "page", "download": Download, "o": Outbound, "s": FormSubmit}

// arrayProps are the property names of the positional properties, by type.
var arrayProps = map[string][]string{
	"page":     {"url", "title", "referrer"},
	Download:   {"url", "text"},
	Outbound:   {"url", "text"},
	FormSubmit: {"url", "title", "fields", "labels", "form.id", "form.name", "form.action"},
}

// tagArrayEvent turns an event in the array form into the compact object
// form.
func tagArrayEvent(raw []byte) ([]byte, error) {
	var vs []json.RawMessage
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, jsonErr(err)
	}
	if len(vs) != 9 {
		return nil, errf("", "an event in the array form has 9 values, not %d", len(vs))
	}
	t, p, n, a, s, c, w, i, ts := vs[0], vs[1], vs[2], vs[3], vs[4], vs[5], vs[6], vs[7], vs[8]
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
	}{{"p", p}, {"n", n}, {"a", dashes(a)}, {"s", s}, {"c", consent}, {"w", w}, {"i", dashes(i)}, {"ts", ts}} {
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
