package event

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
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
// A form's n is its email address (the field "email" of its fields).
//
// c is the consent flag as the tag computes it (JavaScript truthiness of a
// stored string or 0/1), a and i the ids as the tag writes them (its
// random numbers joined by commas; dashes, as older tags joined them).
// Both are read into the compact object form, so that everything after is
// shared with it.

// arrayKeys are the compact form's keys of an event's values, in the
// array form's order.
var arrayKeys = [...]string{"a", "w", "i", "c", "s", "t", "n", "p", "ts"}

// arrayIndex is where each key's value is.
var arrayIndex = func() map[string]int {
	m := map[string]int{}
	for k, key := range arrayKeys {
		m[key] = k
	}
	return m
}()

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
// form. It reads with the fast decoder's scanner, writing the object as it
// goes (the event has passed a decoder already: it is valid JSON).
func tagArrayEvent(raw []byte) ([]byte, error) {
	vs, ok := elements(raw)
	if !ok {
		var v []json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, jsonErr(err)
		}
		return nil, errf("", "an event in the array form must be an array")
	}
	if len(vs) != len(arrayKeys) {
		return nil, errf("", "an event in the array form has %d values, not %d", len(vs), len(arrayKeys))
	}
	v := func(key string) []byte { return vs[arrayIndex[key]] }
	s := scan{d: v("t")}
	typ, ok := "", s.peek() == '"'
	if ok {
		typ, ok = s.str()
	}
	if !ok || typ == "" {
		return nil, errf("t", "the type must be a string")
	}
	b := make([]byte, 0, len(raw)+64)
	if full, ok := arrayTypes[typ]; ok {
		b = append(append(append(b, `{"t":"`...), full...), `","p":`...)
		var err error
		if b, err = arrayProperties(b, full, v("p"), v("n")); err != nil {
			return nil, err
		}
		if full == FormSubmit {
			vs[arrayIndex["n"]] = []byte("null")
		}
	} else {
		b = append(append(append(append(b, `{"t":`...), v("t")...), `,"p":`...), v("p")...)
	}
	consent, err := truthy(v("c"))
	if err != nil {
		return nil, err
	}
	for _, kv := range [...]struct {
		k string
		v []byte
	}{{"n", v("n")}, {"a", dashes(v("a"))}, {"s", v("s")}, {"c", consent}, {"w", v("w")}, {"i", dashes(v("i"))}, {"ts", v("ts")}} {
		b = append(append(append(append(b, `,"`...), kv.k...), `":`...), kv.v...)
	}
	return append(b, '}'), nil
}

// elements splits a JSON array into its values' bytes; ok is false for
// anything else.
func elements(raw []byte) (vs [][]byte, ok bool) {
	s := scan{d: raw}
	vs = make([][]byte, 0, len(arrayKeys))
	ok = s.elements(func() bool {
		v, ok := s.span()
		vs = append(vs, v)
		return ok
	}) && s.end()
	return vs, ok
}

// arrayProperties appends to b the object of the positional properties of
// a tag type's event; a form's email address n goes into its fields (after
// theirs: the last of repeated keys is the one read).
func arrayProperties(b []byte, typ string, p, n []byte) ([]byte, error) {
	names := arrayProps[typ]
	vs, ok := elements(p)
	if !ok || len(vs) != len(names) {
		return nil, errf("p", "the properties of a %s event in the array form are %d values", typ, len(names))
	}
	if typ == FormSubmit {
		fields := bytes.TrimSpace(vs[2])
		if len(fields) == 0 || fields[0] != '{' {
			return nil, errf("p", "a form's fields must be an object")
		}
		if len(n) < 3 || n[0] != '"' { // "" is no address
			return nil, errf("n", "a form's email address must be a string")
		}
		sep := ","
		if len(bytes.TrimSpace(fields[1:len(fields)-1])) == 0 {
			sep = ""
		}
		vs[2] = append(append(append(append([]byte(nil), fields[:len(fields)-1]...), sep+`"email":`...), n...), '}')
	}
	b = append(b, '{')
	inForm := false
	for k, name := range names {
		sub, isForm := strings.CutPrefix(name, "form.")
		if inForm && !isForm {
			b = append(b, '}')
			inForm = false
		}
		if k > 0 {
			b = append(b, ',')
		}
		if isForm {
			if !inForm {
				b = append(b, `"form":{`...)
				inForm = true
			}
			name = sub
		}
		b = append(append(append(append(b, '"'), name...), `":`...), vs[k]...)
	}
	if inForm {
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// truthy is JavaScript's truthiness of the tag's consent flag, as JSON.
func truthy(c []byte) ([]byte, error) {
	t := true
	switch c[0] {
	case 't':
	case 'f', 'n':
		t = false
	case '"':
		t = len(c) > 2 // not ""
	case '[', '{':
		return nil, errf("c", "the consent flag must be a boolean, number or string")
	default:
		f, err := strconv.ParseFloat(string(c), 64)
		t = f != 0 || err != nil // out of range: infinite
	}
	if t {
		return []byte("true"), nil
	}
	return []byte("false"), nil
}

// dashes writes a string id's commas as dashes (a comma in a JSON string
// is no part of an escape); any other value is left to the compact form's
// checks.
func dashes(id []byte) []byte {
	if len(id) == 0 || id[0] != '"' || !bytes.Contains(id, []byte(",")) {
		return id
	}
	return bytes.ReplaceAll(id, []byte(","), []byte("-"))
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
		return nil, "", errf("sent", "not a time in milliseconds since the epoch")
	}
	sentAt, err := unixMilli(ms)
	if err != nil {
		return nil, "", errf("sent", "%v", err)
	}
	return raws[:len(raws)-1], sentAt, nil
}
